#include "batch_receive.hpp"

#include <cerrno>
#include <cstring>

namespace modtrace {

BatchReceiver::BatchReceiver(std::size_t datagrams, std::size_t bytes_each)
    : bytes_each_(bytes_each),
      buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(datagrams * bytes_each)),
      iovecs_(datagrams), senders_(datagrams), headers_(datagrams) {
    for (std::size_t i = 0; i < datagrams; ++i)
        iovecs_[i] = iovec{buffer_.get() + i * bytes_each, bytes_each};
}

Result<std::size_t> BatchReceiver::receive(int fd) {
    for (std::size_t i = 0; i < headers_.size(); ++i) {
        senders_[i] = sockaddr_nl{};
        headers_[i] = mmsghdr{};
        headers_[i].msg_hdr.msg_name = &senders_[i];
        headers_[i].msg_hdr.msg_namelen = sizeof senders_[i];
        headers_[i].msg_hdr.msg_iov = &iovecs_[i];
        headers_[i].msg_hdr.msg_iovlen = 1;
    }
    const int got = recvmmsg(fd, headers_.data(), static_cast<unsigned>(headers_.size()),
                             MSG_DONTWAIT, nullptr);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return std::size_t{0};
        return Error{std::strerror(errno), errno};
    }
    return static_cast<std::size_t>(got);
}

BatchReceiver::Datagram BatchReceiver::operator[](std::size_t i) const {
    const mmsghdr& h = headers_[i];
    const bool truncated = (h.msg_hdr.msg_flags & MSG_TRUNC) != 0;
    const std::size_t len = std::min<std::size_t>(h.msg_len, bytes_each_);
    return Datagram{Bytes(buffer_.get() + i * bytes_each_, len), senders_[i].nl_pid, truncated};
}

} // namespace modtrace
