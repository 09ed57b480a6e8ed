// The netlink client. libnl provides the socket and builds and sends requests; replies and
// records are read with recvmmsg(), several at a time, and parsed by netlink_parse and decode, so
// that the source port of every datagram can be checked (only the kernel, port 0, may send to us:
// another process could otherwise forge records) and no libnl callback machinery is involved.
#include "client.hpp"

#include "batch_receive.hpp"
#include "netlink_parse.hpp"
#include "poll_wait.hpp"
#include "record_stream.hpp"
#include "unload_check.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace modtrace {

namespace {

// Larger than any one message the module sends (records are bounded by its string_max).
constexpr std::size_t kReceiveBytes = 256 * 1024;
// Datagrams read per system call (recvmmsg), and per poll at most.
constexpr std::size_t kReceiveDatagrams = 16;
constexpr std::size_t kReceiveBatch = 64;
// Unsubscribing is a courtesy on the way out (closing the socket unsubscribes too): wait less.
constexpr int kUnsubscribeTimeoutMs = 1000;

struct SocketDeleter {
    void operator()(nl_sock* socket) const { nl_socket_free(socket); }
};
struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};
using SocketPtr = std::unique_ptr<nl_sock, SocketDeleter>;
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;
using Message = std::vector<std::uint8_t>;

Error not_loaded() {
    return Error{"the modtrace kernel module is not loaded (try: sudo modprobe modtrace)", ENOENT};
}

Error version_mismatch(std::uint32_t kernel) {
    return Error{"protocol version mismatch: reader speaks " + std::to_string(kProtocolVersion) +
                     ", kernel module speaks " + std::to_string(kernel),
                 EPROTONOSUPPORT};
}

Error with_context(std::string_view context, const Error& error) {
    return Error{std::string(context) + ": " + error.message, error.code};
}

Result<MessagePtr> new_request(std::uint16_t family, std::uint8_t command) {
    MessagePtr message(nlmsg_alloc());
    if (!message)
        return Error{"out of memory for a netlink message"};
    if (!genlmsg_put(message.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, command,
                     kProtocolVersion))
        return Error{"cannot build a netlink message"};
    return message;
}

Result<void> put_u32(nl_msg* message, int type, std::uint32_t value) {
    if (int err = nla_put_u32(message, type, value); err < 0)
        return Error{std::string("cannot build a netlink message: ") + nl_geterror(err)};
    return {};
}

Result<void> put_u64(nl_msg* message, int type, std::uint64_t value) {
    if (int err = nla_put_u64(message, type, value); err < 0)
        return Error{std::string("cannot build a netlink message: ") + nl_geterror(err)};
    return {};
}

} // namespace

struct NetlinkClient::Impl {
    SocketPtr socket;
    ClientOptions options;
    FamilyInfo family;
    int stop_fd = -1;
    std::function<void(const Error&)> warn;
    std::function<Result<void>(Bytes)> recorder;
    BatchReceiver batch{kReceiveDatagrams, kReceiveBytes};
    // Messages received but not handed out yet, in arrival order: records that arrived while a
    // request waited for its answer.
    std::deque<Message> pending;
    RecordStream stream;
    bool stopping = false;
    // The module instance subscribed to, and when to ask whether it is still there (its
    // SHUTDOWN record and the controller's notice are dropped when the socket is full).
    std::uint64_t instance = 0;
    UnloadCheck unload_check;
    // The last receive() found the socket empty.
    bool drained = false;

    int fd() const { return nl_socket_get_fd(socket.get()); }

    void warning(const Error& error) const {
        if (warn)
            warn(error);
    }

    Result<void> configure();
    Result<Readiness> wait(int timeout_ms, bool watch_stop) const;
    // next() and next_for(): the next record, SourceIdle once `deadline` (if any) has passed.
    Result<Arrival> next_until(std::optional<std::chrono::steady_clock::time_point> deadline);
    // A record from what was received already, if one is there.
    // The next record of what was received, into `out` (as take() of RecordStream): whether
    // there was one.
    bool take_pending(Record& out);
    Result<std::vector<Message>> receive();
    // What a request waits for: the reply's message type and command (when `reply`), all
    // carrying the request's seq.
    struct Expected {
        std::uint16_t type;
        std::uint8_t command;
        bool reply;
        std::uint32_t seq = 0;
    };
    Result<std::vector<Message>> receive_until(std::chrono::steady_clock::time_point deadline);
    Result<bool> sort(Message message, const Expected& expected, std::optional<Message>& reply);
    Result<Message> request(MessagePtr message, Expected expected, int timeout_ms);
    Result<FamilyInfo> resolve(const char* name);
    Result<void> join_notify_group();
    Result<Status> status();
    Result<bool> subscription_gone();
    // Asks whether the module is gone when that is due and the socket is empty: true when it is.
    Result<bool> check_unload();
};

Result<void> NetlinkClient::Impl::configure() {
    const int one = 1;
    // Errors worth reading (extended acks) and no echo of our own request in them; both are
    // optional, older kernels simply lack them.
    setsockopt(fd(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    // A record that does not fit in the socket is counted by the kernel module (socket_full,
    // reported with the next record delivered): without this the socket would report the same
    // drop again as ENOBUFS. Every kernel since 2.6.30 has it.
    if (setsockopt(fd(), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one) != 0)
        return Error{std::string("cannot set NETLINK_NO_ENOBUFS on the netlink socket: ") +
                     std::strerror(errno)};
    // SO_RCVBUF is capped at net.core.rmem_max; root may force more. Best effort both.
    nl_socket_set_buffer_size(socket.get(), options.receive_buffer, 0);
    setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &options.receive_buffer,
               sizeof options.receive_buffer);
    if (int err = nl_socket_set_nonblocking(socket.get()); err < 0)
        return Error{std::string("cannot make the netlink socket non-blocking: ") +
                     nl_geterror(err)};
    return {};
}

Result<Readiness> NetlinkClient::Impl::wait(int timeout_ms, bool watch_stop) const {
    auto ready = wait_for_input(fd(), watch_stop ? stop_fd : -1, timeout_ms);
    if (!ready)
        return with_context("waiting on the netlink socket", ready.error());
    return ready;
}

Result<std::vector<Message>> NetlinkClient::Impl::receive() {
    drained = false;
    auto got = batch.receive(fd());
    if (!got)
        return Error{"receiving from the kernel: " + got.error().message, got.error().code};
    // Fewer than a batch: the socket is empty now.
    drained = *got < kReceiveDatagrams;
    std::vector<Message> messages;
    for (std::size_t i = 0; i < *got; ++i) {
        const BatchReceiver::Datagram d = batch[i];
        if (d.port != 0) {
            warning(Error{"ignoring a message from netlink port " + std::to_string(d.port) +
                          ": only the kernel sends records"});
            continue;
        }
        if (d.truncated) {
            warning(Error{"skipping a message longer than " + std::to_string(kReceiveBytes) +
                          " bytes"});
            continue;
        }
        if (recorder) {
            if (auto recorded = recorder(d.bytes); !recorded)
                return recorded.error();
        }
        auto split = split_datagram(d.bytes);
        if (!split) {
            warning(with_context("skipping a malformed datagram", split.error()));
            continue;
        }
        for (Bytes message : *split)
            messages.emplace_back(message.begin(), message.end());
    }
    return messages;
}

// The messages that arrive before `deadline`: an Error once it has passed.
Result<std::vector<Message>>
NetlinkClient::Impl::receive_until(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return Error{"no answer from the kernel in time", ETIMEDOUT};
        auto ready = wait(static_cast<int>(left.count()), false);
        if (!ready)
            return ready.error();
        if (*ready == Readiness::Input)
            return receive();
    }
}

// What `message` means to the request `expected`: its acknowledgement ends the wait, a negative
// one as an Error carrying the errno; its reply is kept in `reply`; anything else (records,
// notifications) waits in `pending` for next().
Result<bool> NetlinkClient::Impl::sort(Message message, const Expected& expected,
                                       std::optional<Message>& reply) {
    auto header = parse_header(message);
    if (!header || header->seq != expected.seq) {
        pending.push_back(std::move(message));
        return false;
    }
    if (header->type == NLMSG_ERROR) {
        auto code = parse_netlink_error(message);
        if (!code)
            return with_context("malformed acknowledgement", code.error());
        if (*code == 0)
            return true;
        std::string detail = netlink_error_text(message);
        return Error{std::strerror(*code) + (detail.empty() ? "" : " (" + detail + ")"), *code};
    }
    auto genl = parse_genl_message(message);
    if (header->type == expected.type && genl && genl->command == expected.command)
        reply = std::move(message);
    else
        pending.push_back(std::move(message));
    return false;
}

// Sends `message` and waits for its acknowledgement, and when `expected.reply` for the reply
// before it. The reply's bytes (none without one) or the Error the kernel answered with.
Result<Message> NetlinkClient::Impl::request(MessagePtr message, Expected expected,
                                             int timeout_ms) {
    if (int err = nl_send_auto(socket.get(), message.get()); err < 0)
        return Error{std::string("sending to the kernel: ") + nl_geterror(err)};
    expected.seq = nlmsg_hdr(message.get())->nlmsg_seq;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::optional<Message> reply;
    bool acknowledged = false;
    while (!acknowledged) {
        auto received = receive_until(deadline);
        if (!received)
            return received.error();
        for (auto& m : *received) {
            if (acknowledged) { // whatever follows in the same datagram is not ours
                pending.push_back(std::move(m));
                continue;
            }
            auto done = sort(std::move(m), expected, reply);
            if (!done)
                return done.error();
            acknowledged = *done;
        }
    }
    if (expected.reply && !reply)
        return Error{"the kernel acknowledged the request without answering it"};
    return reply ? std::move(*reply) : Message{};
}

Result<FamilyInfo> NetlinkClient::Impl::resolve(const char* name) {
    auto message = new_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
    if (!message)
        return message.error();
    if (int err = nla_put_string(message->get(), CTRL_ATTR_FAMILY_NAME, name); err < 0)
        return Error{std::string("cannot build a netlink message: ") + nl_geterror(err)};
    auto reply = request(std::move(*message), {GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, true},
                         options.reply_timeout_ms);
    if (!reply)
        return reply.error();
    auto genl = parse_genl_message(*reply);
    if (!genl)
        return with_context("malformed controller reply", genl.error());
    auto family = parse_family(*genl);
    if (!family)
        return with_context("malformed controller reply", family.error());
    return family;
}

Result<void> NetlinkClient::Impl::join_notify_group() {
    auto controller = resolve("nlctrl");
    if (!controller)
        return with_context("resolving the generic netlink controller", controller.error());
    for (const auto& group : controller->groups) {
        if (group.name != "notify")
            continue;
        if (int err = nl_socket_add_membership(socket.get(), static_cast<int>(group.id)); err < 0)
            return Error{std::string("joining the controller's notify group: ") + nl_geterror(err)};
        return {};
    }
    return Error{"the generic netlink controller has no \"notify\" group"};
}

NetlinkClient::NetlinkClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NetlinkClient::NetlinkClient(NetlinkClient&&) noexcept = default;
NetlinkClient& NetlinkClient::operator=(NetlinkClient&&) noexcept = default;
NetlinkClient::~NetlinkClient() = default;

Result<NetlinkClient> NetlinkClient::open(const ClientOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->socket.reset(nl_socket_alloc());
    if (!impl->socket)
        return Error{"out of memory for a netlink socket"};
    // Replies are matched by our own code, which knows that records arrive unsolicited.
    nl_socket_disable_seq_check(impl->socket.get());
    if (int err = genl_connect(impl->socket.get()); err < 0)
        return Error{std::string("cannot open a generic netlink socket: ") + nl_geterror(err)};
    if (auto ok = impl->configure(); !ok)
        return ok.error();
    auto family = impl->resolve(MODTRACE_GENL_NAME);
    if (!family) {
        if (family.error().code == ENOENT)
            return not_loaded();
        return with_context("resolving the modtrace netlink family", family.error());
    }
    impl->family = std::move(*family);
    impl->stream.set_family_id(impl->family.id);
    return NetlinkClient(std::move(impl));
}

std::uint32_t NetlinkClient::family_version() const {
    return impl_->family.version;
}

Result<Subscription> NetlinkClient::subscribe(std::optional<std::uint64_t> from_seq) {
    Impl& s = *impl_;
    if (auto ok = s.join_notify_group(); !ok)
        return ok.error();
    auto message = new_request(s.family.id, MODTRACE_CMD_SUBSCRIBE);
    if (!message)
        return message.error();
    if (auto ok = put_u32(message->get(), MODTRACE_ATTR_VERSION, kProtocolVersion); !ok)
        return ok.error();
    const std::uint32_t flags =
        (s.options.loss_notices ? std::uint32_t{MODTRACE_SUBSCRIBE_F_LOSS_NOTICE} : 0U) |
        (s.options.capture ? std::uint32_t{MODTRACE_SUBSCRIBE_F_CAPTURE} : 0U);
    if (flags != 0) {
        if (auto ok = put_u32(message->get(), MODTRACE_ATTR_SUBSCRIBE_FLAGS, flags); !ok)
            return ok.error();
    }
    if (from_seq) {
        if (auto ok = put_u64(message->get(), MODTRACE_ATTR_FROM_SEQ, *from_seq); !ok)
            return ok.error();
    }
    auto reply = s.request(std::move(*message), {s.family.id, MODTRACE_CMD_SUBSCRIBE, true},
                           s.options.reply_timeout_ms);
    if (!reply) {
        if (reply.error().code == EPERM)
            return permission_denied("receiving records");
        if (reply.error().code == EPROTONOSUPPORT)
            return version_mismatch(s.family.version);
        if (reply.error().code == ESHUTDOWN)
            return Error{"the kernel module is being unloaded", ESHUTDOWN};
        return with_context("subscribing", reply.error());
    }
    auto genl = parse_genl_message(*reply);
    if (!genl)
        return with_context("subscribe reply", genl.error());
    auto subscription = decode_subscription(*genl);
    if (!subscription)
        return subscription.error();
    if (subscription->version != kProtocolVersion)
        return version_mismatch(subscription->version);
    s.instance = subscription->instance;
    return subscription;
}

Result<void> NetlinkClient::unsubscribe() {
    Impl& s = *impl_;
    auto message = new_request(s.family.id, MODTRACE_CMD_UNSUBSCRIBE);
    if (!message)
        return message.error();
    auto ack = s.request(std::move(*message), {s.family.id, MODTRACE_CMD_UNSUBSCRIBE, false},
                         kUnsubscribeTimeoutMs);
    if (!ack)
        return with_context("unsubscribing", ack.error());
    return {};
}

Result<Status> NetlinkClient::get_status() {
    return impl_->status();
}

Result<void> NetlinkClient::check_hidden() {
    Impl& s = *impl_;
    auto message = new_request(s.family.id, MODTRACE_CMD_CHECK_HIDDEN);
    if (!message)
        return message.error();
    auto ack = s.request(std::move(*message), {s.family.id, MODTRACE_CMD_CHECK_HIDDEN, false},
                         s.options.reply_timeout_ms);
    if (!ack)
        return with_context("asking for a hidden-module check", ack.error());
    return {};
}

Result<Status> NetlinkClient::Impl::status() {
    auto message = new_request(family.id, MODTRACE_CMD_GET_STATUS);
    if (!message)
        return message.error();
    auto reply = request(std::move(*message), {family.id, MODTRACE_CMD_GET_STATUS, true},
                         options.reply_timeout_ms);
    if (!reply) {
        if (reply.error().code == EPERM)
            return permission_denied("reading the status");
        return with_context("asking for the status", reply.error());
    }
    auto genl = parse_genl_message(*reply);
    if (!genl)
        return with_context("status reply", genl.error());
    return decode_status(*genl);
}

bool NetlinkClient::Impl::take_pending(Record& out) {
    while (!pending.empty()) {
        Message message = std::move(pending.front());
        pending.pop_front();
        if (stream.take(message, out))
            return true;
    }
    return false;
}

Result<Arrival>
NetlinkClient::Impl::next_until(std::optional<std::chrono::steady_clock::time_point> deadline) {
    using std::chrono::steady_clock;
    for (;;) {
        if (stream.ended())
            return Arrival(SourceEnded{});
        // Their arrival was noted as they were received: a record taken needs no clock.
        if (Record record; take_pending(record))
            return Arrival(std::move(record));
        if (stopping)
            return Arrival(SourceEnded{});
        auto gone = check_unload();
        if (!gone)
            return gone.error();
        if (*gone)
            return Arrival(stream.family_removed());
        if (!pending.empty())
            continue; // records that came while asking
        // Wake for the deadline or the unload check, whichever comes first; rounded up, so
        // that a wait never ends just short of it and spins.
        std::optional<steady_clock::time_point> wake = deadline;
        if (auto due = unload_check.due(); due && (!wake || *due < *wake))
            wake = due;
        int timeout_ms = -1;
        if (wake) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*wake - steady_clock::now());
            if (deadline && left.count() <= 0 && *wake == *deadline)
                return Arrival(SourceIdle{});
            timeout_ms = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
        }
        auto ready = wait(timeout_ms, true);
        if (!ready)
            return ready.error();
        if (*ready == Readiness::Stop) {
            stopping = true;
            continue;
        }
        if (*ready != Readiness::Input)
            continue; // timed out or interrupted: the checks above decide
        // What has queued up, a batch at a time: one poll per batch rather than per record
        // when records come faster than they are handled. The batch is bounded so that the
        // stop descriptor is polled again, however fast they come.
        for (std::size_t i = 0; i < kReceiveBatch; i += kReceiveDatagrams) {
            auto received = receive();
            if (!received)
                return received.error();
            if (!received->empty())
                unload_check.activity(steady_clock::now());
            for (auto& m : *received)
                pending.push_back(std::move(m));
            if (drained)
                break;
        }
    }
}

Result<bool> NetlinkClient::Impl::check_unload() {
    const auto now = std::chrono::steady_clock::now();
    const auto due = unload_check.due();
    if (!due || now < *due)
        return false;
    // Only once the socket is empty: what is in it comes first, and a reply can get in.
    auto input = wait(0, false);
    if (!input)
        return input.error();
    if (*input == Readiness::Input)
        return false;
    auto gone = subscription_gone();
    if (!gone) {
        unload_check.failed(now);
        return false;
    }
    if (!*gone)
        unload_check.answered();
    return *gone;
}

// Whether the module subscribed to is gone: its family is not there, or is another one, or
// another instance of the module answers (unloaded and loaded again: it does not know us).
Result<bool> NetlinkClient::Impl::subscription_gone() {
    auto now = resolve(MODTRACE_GENL_NAME);
    if (!now)
        return now.error().code == ENOENT ? Result<bool>(true) : Result<bool>(now.error());
    if (now->id != family.id)
        return true;
    auto st = status();
    if (!st)
        return st.error();
    return st->instance != instance;
}

Result<std::optional<Record>> NetlinkClient::next() {
    auto got = impl_->next_until(std::nullopt);
    if (!got)
        return got.error();
    if (auto* record = std::get_if<Record>(&*got))
        return std::optional<Record>(std::move(*record));
    return std::optional<Record>(); // SourceEnded: without a deadline there is no SourceIdle
}

Result<Arrival> NetlinkClient::next_for(std::chrono::milliseconds timeout) {
    // The deadline only matters once nothing is at hand: no clock read per record (in a guest
    // whose clocksource is emulated, a read costs more than decoding the record).
    // A record at hand is decoded where it is returned from (one return, of `got`).
    Result<Arrival> got(std::in_place, std::in_place_type<Record>);
    if (impl_->stream.ended() || !impl_->take_pending(std::get<Record>(*got)))
        got = impl_->next_until(std::chrono::steady_clock::now() + timeout);
    return got;
}

bool NetlinkClient::at_hand() const {
    // Messages of the family (records); others, such as the controller's news, give nothing.
    return std::any_of(impl_->pending.begin(), impl_->pending.end(), [&](const Message& m) {
        auto type = message_type(Bytes(m.data(), m.size()));
        return type && *type == impl_->family.id;
    });
}

void NetlinkClient::set_stop_fd(int fd) {
    impl_->stop_fd = fd;
}

void NetlinkClient::set_warning_handler(std::function<void(const Error&)> handler) {
    impl_->stream.set_warning_handler(handler);
    impl_->warn = std::move(handler);
}

void NetlinkClient::set_recorder(std::function<Result<void>(Bytes)> recorder) {
    impl_->recorder = std::move(recorder);
}

Error permission_denied(std::string_view what) {
    return Error{"permission denied: " + std::string(what) + " needs CAP_NET_ADMIN (run as root)",
                 EPERM};
}

Result<std::optional<std::uint32_t>> kernel_protocol_version() {
    auto client = NetlinkClient::open();
    if (!client) {
        if (client.error().code == ENOENT)
            return std::optional<std::uint32_t>();
        return client.error();
    }
    return std::optional<std::uint32_t>(client->family_version());
}

} // namespace modtrace
