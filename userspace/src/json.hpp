// A small streaming JSON writer for one-object-per-line output. Strings from the kernel or a
// caller (module names, parameters, paths) are arbitrary bytes: everything below 0x20, the
// quote, the backslash and DEL are escaped, and bytes that are not valid UTF-8 are written as
// U+FFFD, so no input can break a line or forge a field.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace modtrace {

// Text written in the code and checked when compiling (Rule::check throws, which fails the
// build), so that writing it is one copy: no escape, and no line break can hide in it.
template <class Rule> class JsonLiteral {
public:
    consteval JsonLiteral(const char* text, std::size_t size) : text_(text), size_(size) {
        for (std::size_t i = 0; i < size; ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c < 0x20 || c >= 0x7f || c == '\\')
                throw "JSON written in the code is printable ASCII without backslashes";
        }
        Rule::check(std::string_view(text, size));
    }
    std::string_view text() const { return {text_, size_}; }

private:
    const char* text_;
    std::size_t size_;
};

// A key, `"name"_key`: its name, written as `"name":`.
struct JsonKeyRule {
    static consteval void check(std::string_view name) {
        if (name.find('"') != std::string_view::npos)
            throw "a JsonKey has no quotes";
    }
};
using JsonKey = JsonLiteral<JsonKeyRule>;

consteval JsonKey operator""_key(const char* name, std::size_t size) {
    return JsonKey(name, size);
}

// Members written as one piece, `R"("a":null,"b":false)"_members`: the runs an event has in the
// common case, one copy where there would be a key and a value each. The tests that print whole
// events check that each is what the members one by one would have been.
struct JsonMembersRule {
    static consteval void check(std::string_view text) {
        if (text.empty() || text.front() != '"' || text.back() == ',')
            throw "JsonMembers are members: a key first, no comma at the end";
    }
};
using JsonMembers = JsonLiteral<JsonMembersRule>;

consteval JsonMembers operator""_members(const char* text, std::size_t size) {
    return JsonMembers(text, size);
}

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
    // Inlined wherever a key is written, so that its size is a constant there and the copy a
    // few moves rather than a call.
    [[gnu::always_inline]] JsonWriter& key(JsonKey name) {
        const std::string_view s = name.text();
        char* p = token(s.size() + 3);
        *p++ = '"';
        std::memcpy(p, s.data(), s.size());
        p += s.size();
        *p++ = '"';
        *p++ = ':';
        len_ = static_cast<std::size_t>(p - buf_.get());
        comma_ = false;
        return *this;
    }

    // Members of the open object, written as they are.
    [[gnu::always_inline]] void members(JsonMembers run) {
        const std::string_view s = run.text();
        char* p = token(s.size());
        std::memcpy(p, s.data(), s.size());
        token_end(p + s.size());
    }

    // The values an event is mostly made of are written inline (plain_value, bool, numbers,
    // null): each is a few stores where it is written, not a call.
    void value(std::string_view s);
    // A string of this reader's own making that needs no escape (a name from its tables, a
    // timestamp): written without the scan value() makes of every byte.
    void plain_value(std::string_view s) {
        char* p = token(s.size() + 2);
        *p++ = '"';
        if (!s.empty())
            std::memcpy(p, s.data(), s.size());
        p += s.size();
        *p++ = '"';
        token_end(p);
    }
    void value(const char* s) { value(std::string_view(s)); }
    void value(bool b) {
        // Constant sizes, so that each copy is a move or two rather than a call.
        char* p = token(5);
        if (b) {
            std::memcpy(p, "true", 4);
            token_end(p + 4);
        } else {
            std::memcpy(p, "false", 5);
            token_end(p + 5);
        }
    }
    void value(std::int64_t n);
    void value(std::uint64_t n) {
        char* p = token(20);
        if (n < 10) {
            *p = static_cast<char>('0' + n);
            token_end(p + 1);
        } else {
            token_end(put_decimal(p, n));
        }
    }
    void value(std::int32_t n) { value(static_cast<std::int64_t>(n)); }
    void value(std::uint32_t n) { value(static_cast<std::uint64_t>(n)); }
    void null() {
        char* p = token(4);
        std::memcpy(p, "null", 4);
        token_end(p + 4);
    }

    // The text so far; complete once every object and array is closed.
    std::string_view str() const { return {buf_.get(), len_}; }
    std::string take();
    // Empty again, keeping the buffer: one writer can make line after line without allocating.
    void clear() {
        len_ = 0;
        depth_ = 0;
        comma_ = false;
    }

private:
    // Before a key, a value or a container: the comma after the member or element before it.
    void separate() {
        if (comma_)
            put(',');
    }
    // After a value or a container: inside one, what comes next is another member or element.
    void written() { comma_ = depth_ != 0; }
    // Room for a comma and `n` bytes, the comma written if one is due (without a branch: it is
    // always stored, and kept only then); where the `n` bytes go.
    char* token(std::size_t n) {
        reserve(n + 1);
        char* p = buf_.get() + len_;
        *p = ',';
        return p + (comma_ ? 1 : 0);
    }
    // The token ends at `end`.
    void token_end(char* end) {
        len_ = static_cast<std::size_t>(end - buf_.get());
        written();
    }
    void open(char bracket) {
        char* p = token(1);
        *p++ = bracket;
        len_ = static_cast<std::size_t>(p - buf_.get());
        ++depth_;
        comma_ = false;
    }
    void close(char bracket) {
        assert(depth_ != 0);
        --depth_;
        put(bracket);
        written();
    }
    // `n` in decimal at `p`, which has room for 20 digits; where it ends.
    static char* put_decimal(char* p, std::uint64_t n);
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
    unsigned depth_ = 0; // containers open
    // Whether what is written next needs a comma first: a member or an element came before it
    // in the open container, and no key since.
    bool comma_ = false;
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
