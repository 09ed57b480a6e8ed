// A small streaming JSON writer for one-object-per-line output. Strings from the kernel or a
// caller (module names, parameters, paths) are arbitrary bytes: everything below 0x20, the
// quote, the backslash and DEL are escaped, and bytes that are not valid UTF-8 are written as
// U+FFFD, so no input can break a line or forge a field.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace modtrace {

class JsonWriter {
public:
    // `expected` bytes are reserved up front: a line's worth saves the reallocations.
    explicit JsonWriter(std::size_t expected = 0) { reserve(expected); }

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // The key of the next member; inside an object only.
    JsonWriter& key(std::string_view name);

    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(bool b);
    void value(std::int64_t n);
    void value(std::uint64_t n);
    void value(std::int32_t n) { value(static_cast<std::int64_t>(n)); }
    void value(std::uint32_t n) { value(static_cast<std::uint64_t>(n)); }
    void null();

    // The text so far; complete once every object and array is closed.
    std::string_view str() const { return {buf_.get(), len_}; }
    std::string take();

private:
    void separate();
    void open(char bracket);
    void close(char bracket);
    // Room for `n` more bytes.
    void reserve(std::size_t n) {
        if (cap_ - len_ < n)
            grow(n);
    }
    void grow(std::size_t n);
    void put(char c) {
        reserve(1);
        buf_[len_++] = c;
    }
    void put(std::string_view s);
    void put_quoted(std::string_view s);
    struct Onto;

    // The text: a buffer of its own, not a std::string, so that the small appends an event is
    // made of are a bounds check and a copy each.
    std::unique_ptr<char[]> buf_;
    std::size_t len_ = 0;
    std::size_t cap_ = 0;
    // One bit per open container, innermost lowest: whether it has a member yet. Events nest
    // a few levels deep; 64 is the limit.
    std::uint64_t has_member_ = 0;
    unsigned depth_ = 0;
    bool after_key_ = false;
};

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);
void append_json_quoted(std::string& out, std::string_view s);

// `s` with every byte that could disturb one line of text made visible: control bytes and DEL
// as \xNN, backslash as \\, invalid UTF-8 as \xNN per byte, and valid UTF-8 that a terminal
// treats as control (C1 controls, U+2028/U+2029, bidirectional controls) as \xNN per byte too.
// Quotes are left alone. For the human-readable output.
std::string text_escape(std::string_view s);

} // namespace modtrace
