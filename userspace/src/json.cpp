#include "json.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace modtrace {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if there is none (overlong forms,
// surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

// Whether the valid UTF-8 sequence of `len` bytes at s[i] is a code point that can disturb a
// terminal line although it is valid text: C1 controls (U+0080-U+009F; U+009B is CSI to
// terminals that take 8-bit controls), the line and paragraph separators, and the bidirectional
// controls, which reorder how the rest of a line is displayed and so can make one column look
// like another ("Trojan Source").
bool disturbs_line(std::string_view s, std::size_t i, std::size_t len) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    std::uint32_t cp = 0;
    if (len == 2)
        cp = ((byte(0) & 0x1fU) << 6) | (byte(1) & 0x3fU);
    else if (len == 3)
        cp = ((byte(0) & 0x0fU) << 12) | ((byte(1) & 0x3fU) << 6) | (byte(2) & 0x3fU);
    else
        return false;
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

// Printable ASCII other than the quote and the backslash: what a JSON string carries as it is.
constexpr bool plain(unsigned char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

// Whether any byte of `w` is not plain (the exact test for "some byte is less than n" and "some
// byte is zero" on eight bytes at once; which byte is left to the byte loop).
constexpr bool word_has_special(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
    return (below_space | (w & highs) | has_zero(w ^ (ones * 0x7f)) | has_zero(w ^ (ones * '"')) |
            has_zero(w ^ (ones * '\\'))) != 0;
}

// The length of the run of plain bytes at s[i].
std::size_t plain_run(std::string_view s, std::size_t i) {
    std::size_t run = i;
    for (; s.size() - run >= 8; run += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + run, sizeof w);
        if (word_has_special(w))
            break;
    }
    while (run < s.size() && plain(static_cast<unsigned char>(s[run])))
        ++run;
    return run - i;
}

// Whether every byte of `s` is plain: plain_run(s, 0) == s.size(), for the common case of a
// whole string with nothing to escape, in as few word tests as its length allows.
bool all_plain(std::string_view s) {
    const char* p = s.data();
    const std::size_t n = s.size();
    std::uint64_t w;
    if (n >= 8) {
        for (std::size_t k = 0; n - k > 8; k += 8) {
            std::memcpy(&w, p + k, sizeof w);
            if (word_has_special(w))
                return false;
        }
        // The last eight bytes, overlapping the word before when the length is not a multiple.
        std::memcpy(&w, p + n - 8, sizeof w);
        return !word_has_special(w);
    }
    if (n >= 4) {
        // The first four and the last four, overlapping when fewer than eight.
        std::uint32_t head, tail;
        std::memcpy(&head, p, sizeof head);
        std::memcpy(&tail, p + n - 4, sizeof tail);
        return !word_has_special(head | (std::uint64_t{tail} << 32));
    }
    for (std::size_t k = 0; k < n; ++k) {
        if (!plain(static_cast<unsigned char>(p[k])))
            return false;
    }
    return true;
}

template <class Out>
void append_hex_escape(Out& out, const char* prefix, unsigned value, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%s%0*x", prefix, digits, value);
    out += buf;
}

// `s` quoted onto `out`: a std::string, or anything with its append and += of a char and a C
// string.
template <class Out> void quote_onto(Out& out, std::string_view s) {
    out += '"';
    // Plain bytes go out a run at a time; most strings (every key, most values) are one run.
    for (std::size_t i = 0;;) {
        const std::size_t run = plain_run(s, i);
        out.append(s.data() + i, run);
        i += run;
        if (i == s.size())
            break;
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                append_hex_escape(out, "\\u", c, 4);
            } else if (const std::size_t len = utf8_sequence(s, i); len == 0) {
                out += "\\ufffd";
            } else {
                out.append(s.data() + i, len);
                i += len;
                continue;
            }
        }
        ++i;
    }
    out += '"';
}

} // namespace

void append_json_quoted(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    quote_onto(out, s);
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_quoted(out, s);
    return out;
}

std::string text_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\\') {
            out += "\\\\";
        } else if (c < 0x20 || c == 0x7f) {
            append_hex_escape(out, "\\x", c, 2);
        } else if (c >= 0x80) {
            const std::size_t len = utf8_sequence(s, i);
            if (len == 0) {
                append_hex_escape(out, "\\x", c, 2);
            } else if (disturbs_line(s, i, len)) {
                for (std::size_t k = 0; k < len; ++k)
                    append_hex_escape(out, "\\x", static_cast<unsigned char>(s[i + k]), 2);
                i += len;
                continue;
            } else {
                out.append(s.substr(i, len));
                i += len;
                continue;
            }
        } else {
            out += static_cast<char>(c);
        }
        ++i;
    }
    return out;
}

void JsonWriter::grow(std::size_t n) {
    const std::size_t cap = std::max({cap_ * 2, len_ + n, std::size_t{256}});
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (len_ != 0)
        std::memcpy(bigger.get(), buf_.get(), len_);
    buf_ = std::move(bigger);
    cap_ = cap;
}

void JsonWriter::put(std::string_view s) {
    reserve(s.size());
    if (!s.empty())
        std::memcpy(buf_.get() + len_, s.data(), s.size());
    len_ += s.size();
}

// What quote_onto needs of an output, onto the writer's buffer.
struct JsonWriter::Onto {
    JsonWriter& w;
    void append(const char* s, std::size_t n) { w.put(std::string_view(s, n)); }
    Onto& operator+=(char c) {
        w.put(c);
        return *this;
    }
    Onto& operator+=(const char* s) {
        w.put(std::string_view(s));
        return *this;
    }
};

void JsonWriter::put_quoted(std::string_view s) {
    if (!all_plain(s)) {
        Onto onto{*this};
        quote_onto(onto, s);
        return;
    }
    reserve(s.size() + 2);
    buf_[len_++] = '"';
    if (!s.empty())
        std::memcpy(buf_.get() + len_, s.data(), s.size());
    len_ += s.size();
    buf_[len_++] = '"';
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    put_quoted(name);
    put(':');
    comma_ = false;
    return *this;
}

void JsonWriter::value(std::string_view s) {
    if (!all_plain(s)) {
        separate();
        Onto onto{*this};
        quote_onto(onto, s);
        written();
        return;
    }
    plain_value(s);
}

void JsonWriter::value(std::int64_t n) {
    char* p = token(21);
    std::uint64_t magnitude = static_cast<std::uint64_t>(n);
    if (n < 0) {
        *p++ = '-';
        magnitude = 0 - magnitude;
    }
    token_end(put_decimal(p, magnitude));
}

// `n` in decimal at `p`, where there is room for 20 digits; the end. std::to_chars() would do,
// but every number of every event goes through here: the digits are counted from the bit
// length, and written two at a time from a table.
char* JsonWriter::put_decimal(char* p, std::uint64_t n) {
    if (n < 10) {
        *p = static_cast<char>('0' + n);
        return p + 1;
    }
    static constexpr std::uint64_t kPowers[] = {1ULL,
                                                10ULL,
                                                100ULL,
                                                1000ULL,
                                                10000ULL,
                                                100000ULL,
                                                1000000ULL,
                                                10000000ULL,
                                                100000000ULL,
                                                1000000000ULL,
                                                10000000000ULL,
                                                100000000000ULL,
                                                1000000000000ULL,
                                                10000000000000ULL,
                                                100000000000000ULL,
                                                1000000000000000ULL,
                                                10000000000000000ULL,
                                                100000000000000000ULL,
                                                1000000000000000000ULL,
                                                10000000000000000000ULL};
    static constexpr char kPairs[] =
        "00010203040506070809101112131415161718192021222324252627282930"
        "31323334353637383940414243444546474849505152535455565758596061"
        "62636465666768697071727374757677787980818283848586878889909192"
        "93949596979899";
    // log10 from log2 (1233 / 4096 is just above log10(2)): `guess` digits or one more.
    const int bits = 64 - __builtin_clzll(n);
    const int guess = (bits * 1233) >> 12;
    const int digits = guess + (n >= kPowers[guess] ? 1 : 0);
    char* end = p + digits;
    char* q = end;
    while (n > 0xffffffffU) {
        q -= 2;
        std::memcpy(q, kPairs + 2 * (n % 100), 2);
        n /= 100;
    }
    // Most numbers (ids, inodes, counts) fit in 32 bits, whose divisions are cheaper; four
    // digits a division there, then their two pairs from a division of a number below 10000.
    auto m = static_cast<std::uint32_t>(n);
    while (m >= 10000) {
        const std::uint32_t four = m % 10000;
        m /= 10000;
        q -= 4;
        std::memcpy(q, kPairs + 2 * (four / 100), 2);
        std::memcpy(q + 2, kPairs + 2 * (four % 100), 2);
    }
    if (m >= 100) {
        q -= 2;
        std::memcpy(q, kPairs + 2 * (m % 100), 2);
        m /= 100;
    }
    if (m >= 10) {
        q -= 2;
        std::memcpy(q, kPairs + 2 * m, 2);
    } else {
        *--q = static_cast<char>('0' + m);
    }
    return end;
}

std::string JsonWriter::take() {
    std::string s(buf_.get(), len_);
    clear();
    return s;
}

} // namespace modtrace
