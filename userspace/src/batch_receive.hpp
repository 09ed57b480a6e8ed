// Several datagrams from one socket in one system call (recvmmsg), each into a slot of one
// buffer: a burst of records costs a wakeup and a call per batch rather than per record. Only
// moves bytes; what they mean is netlink_parse's and decode's.
#pragma once

#include "netlink_parse.hpp"
#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <linux/netlink.h>
#include <memory>
#include <sys/socket.h>
#include <vector>

namespace modtrace {

class BatchReceiver {
public:
    // Up to `datagrams` at a time, each of at most `bytes_each` bytes (longer ones are cut and
    // marked truncated).
    BatchReceiver(std::size_t datagrams, std::size_t bytes_each);

    // What is queued on `fd`, up to a batch, without waiting: how many datagrams came, 0 when
    // none was queued (EAGAIN, EINTR), or an Error with the errno.
    Result<std::size_t> receive(int fd);

    struct Datagram {
        Bytes bytes;
        std::uint32_t port; // the sender's netlink port: 0 for the kernel
        bool truncated;     // longer than a slot: the bytes are only its start
    };
    // Datagram `i` of the last receive().
    Datagram operator[](std::size_t i) const;

private:
    std::size_t bytes_each_;
    std::unique_ptr<std::uint8_t[]> buffer_;
    std::vector<iovec> iovecs_;
    std::vector<sockaddr_nl> senders_;
    std::vector<mmsghdr> headers_;
};

} // namespace modtrace
