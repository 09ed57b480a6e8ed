// The reader's side of the generic netlink protocol (kmod/uapi/modtrace.h): resolving the
// family, subscribing, asking for the status, and receiving records. libnl-genl-3 owns the
// socket and builds requests; every received byte goes through netlink_parse and decode, so
// what arrives is checked the same way whatever it is.
#pragma once

#include "decode.hpp"
#include "record_source.hpp"
#include "result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace modtrace {

struct ClientOptions {
    // The socket's receive buffer. Records come in bursts (modprobe loading a module with its
    // dependencies) and the kernel drops what does not fit; as root the reader may exceed
    // net.core.rmem_max.
    int receive_buffer = 4 << 20;
    // How long a request waits for the kernel's answer.
    int reply_timeout_ms = 5000;
    // Ask the module for MODTRACE_REC_LOSS records when losses have no record to ride on.
    bool loss_notices = true;
    // Ask for the images the module captures (IMAGE_CHUNK records; --capture).
    bool capture = false;
};

class NetlinkClient final : public RecordSource {
public:
    // Opens a generic netlink socket and resolves the modtrace family. When the module is not
    // loaded the Error says so and its code is ENOENT.
    static Result<NetlinkClient> open(const ClientOptions& options = {});

    NetlinkClient(NetlinkClient&&) noexcept;
    NetlinkClient& operator=(NetlinkClient&&) noexcept;
    ~NetlinkClient() override;

    // The version the module registered its family with, as the controller reports it.
    std::uint32_t family_version() const;

    // Makes this socket a subscriber, after joining the controller's "notify" group so that an
    // unload is noticed even when the SHUTDOWN record is lost. With `from_seq`, the kernel
    // first sends what its history holds from that seq on (SUBSCRIBE's FROM_SEQ).
    Result<Subscription> subscribe(std::optional<std::uint64_t> from_seq = std::nullopt);
    Result<void> unsubscribe();
    Result<Status> get_status();
    // CHECK_HIDDEN: the kernel module looks again at the modules that came live since it
    // loaded; what it finds comes as HIDDEN_MODULE records, to every reader. An acknowledgement.
    Result<void> check_hidden();

    // The next record. When the controller announces the family's removal, or the module is
    // found gone (asked once the socket has been quiet for a while after messages came: see
    // UnloadCheck), a SHUTDOWN record without next_seq stands in for the kernel's, which a full
    // socket drops. std::nullopt once the stop fd is readable.
    Result<std::optional<Record>> next() override;
    // next(), giving up after `timeout` without a record: SourceIdle. Only a record resets the
    // wait: messages that carry none (acknowledgements, other families' news) do not.
    Result<Arrival> next_for(std::chrono::milliseconds timeout) override;
    // Records received and not handed out yet.
    bool at_hand() const override;

    // A descriptor that becomes readable when the reader should stop (StopSignals::fd()).
    void set_stop_fd(int fd);
    // Where messages that are skipped (malformed records, foreign senders) are reported;
    // without a handler they are skipped silently.
    void set_warning_handler(std::function<void(const Error&)> handler);
    // Hands every datagram the kernel sends to `recorder` as received, before it is parsed
    // (modtrace --record): replies and acknowledgements too. An Error from it fails the receive.
    void set_recorder(std::function<Result<void>(Bytes)> recorder);

private:
    struct Impl;
    explicit NetlinkClient(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
};

// The Error the client gives when the kernel answers EPERM: "permission denied: WHAT needs
// CAP_NET_ADMIN (run as root)", code EPERM. WHAT is what was refused ("receiving records").
Error permission_denied(std::string_view what);

// The protocol version of the loaded module (its family's version), or std::nullopt when it
// is not loaded. Needs no privileges.
Result<std::optional<std::uint32_t>> kernel_protocol_version();

} // namespace modtrace
