// A strict JSON validator (RFC 8259) for the tests and fuzzers: what the reader writes must read
// back. Stricter than the RFC where it only recommends: a key may appear once per object, and
// strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing past U+10FFFF),
// with \u escapes paired where they are surrogates. It also gives the top-level object's keys
// in order, so that a caller can check the documented key list. No allocation beyond the keys;
// nesting is bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace modtrace::test {

class JsonCheck {
public:
    // Checks `text` whole: one value, surrounded by JSON whitespace at most.
    explicit JsonCheck(std::string_view text) : s_(text) {
        skip_space();
        if (value(0)) {
            skip_space();
            if (pos_ != s_.size())
                fail("text after the value");
        }
    }

    bool ok() const { return error_.empty(); }
    // "" when valid, else what is wrong and at which byte.
    const std::string& error() const { return error_; }
    // The keys of the top-level object, in order (empty for anything else).
    const std::vector<std::string>& top_keys() const { return top_keys_; }

private:
    static constexpr int kMaxDepth = 64;

    bool fail(const char* what) {
        if (error_.empty())
            error_ = std::string(what) + " at byte " + std::to_string(pos_);
        return false;
    }

    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    void skip_space() {
        while (!at_end() &&
               (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }

    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word)
            return fail("invalid literal");
        pos_ += word.size();
        return true;
    }

    bool value(int depth) {
        if (depth > kMaxDepth)
            return fail("nesting too deep");
        switch (peek()) {
        case '{':
            return object(depth);
        case '[':
            return array(depth);
        case '"': {
            std::string ignored;
            return string(ignored);
        }
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    bool object(int depth) {
        ++pos_; // '{'
        std::set<std::string> keys;
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (peek() != '"')
                return fail("expected a key");
            std::string key;
            if (!string(key))
                return false;
            if (!keys.insert(key).second)
                return fail("duplicate key");
            if (depth == 0)
                top_keys_.push_back(key);
            skip_space();
            if (peek() != ':')
                return fail("expected ':'");
            ++pos_;
            skip_space();
            if (!value(depth + 1))
                return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool array(int depth) {
        ++pos_; // '['
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (!value(depth + 1))
                return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    bool number() {
        const std::size_t start = pos_;
        if (peek() == '-')
            ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (digit(peek()) && peek() != '0') {
            while (digit(peek()))
                ++pos_;
        } else {
            pos_ = start;
            return fail("invalid value");
        }
        if (peek() == '.') {
            ++pos_;
            if (!digit(peek()))
                return fail("digits expected after '.'");
            while (digit(peek()))
                ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-')
                ++pos_;
            if (!digit(peek()))
                return fail("digits expected in the exponent");
            while (digit(peek()))
                ++pos_;
        }
        return true;
    }

    int hex4() {
        if (pos_ + 4 > s_.size())
            return -1;
        int v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = s_[pos_ + static_cast<std::size_t>(i)];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= c - '0';
            else if (c >= 'a' && c <= 'f')
                v |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                v |= c - 'A' + 10;
            else
                return -1;
        }
        pos_ += 4;
        return v;
    }

    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    // One UTF-8 sequence starting at pos_, appended to `out`.
    bool utf8(std::string& out) {
        const auto b0 = static_cast<unsigned char>(s_[pos_]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            n = 1;
            cp = b0 & 0x1f;
            min = 0x80;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            n = 2;
            cp = b0 & 0x0f;
            min = 0x800;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            n = 3;
            cp = b0 & 0x07;
            min = 0x10000;
        } else {
            return fail("invalid UTF-8");
        }
        if (pos_ + n >= s_.size())
            return fail("truncated UTF-8");
        for (std::size_t i = 1; i <= n; ++i) {
            const auto b = static_cast<unsigned char>(s_[pos_ + i]);
            if ((b & 0xc0) != 0x80)
                return fail("invalid UTF-8");
            cp = (cp << 6) | (b & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return fail("invalid UTF-8");
        out.append(s_.substr(pos_, n + 1));
        pos_ += n + 1;
        return true;
    }

    bool string(std::string& out) {
        ++pos_; // '"'
        for (;;) {
            if (at_end())
                return fail("unterminated string");
            const auto c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20)
                return fail("control character in a string");
            if (c >= 0x80) {
                if (!utf8(out))
                    return false;
                continue;
            }
            if (c != '\\') {
                out += static_cast<char>(c);
                ++pos_;
                continue;
            }
            ++pos_;
            switch (peek()) {
            case '"':
            case '\\':
            case '/':
                out += peek();
                ++pos_;
                break;
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                out += ' '; // what it stands for does not matter here
                ++pos_;
                break;
            case 'u': {
                ++pos_;
                const int hi = hex4();
                if (hi < 0)
                    return fail("invalid \\u escape");
                std::uint32_t cp = static_cast<std::uint32_t>(hi);
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return fail("lone low surrogate");
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (s_.substr(pos_, 2) != "\\u")
                        return fail("high surrogate without its pair");
                    pos_ += 2;
                    const int lo = hex4();
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return fail("high surrogate without its pair");
                    cp =
                        0x10000 + ((cp - 0xd800) << 10) + (static_cast<std::uint32_t>(lo) - 0xdc00);
                }
                append_utf8(out, cp);
                break;
            }
            default:
                return fail("invalid escape");
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string error_;
    std::vector<std::string> top_keys_;
};

// The top-level keys of every event line, in order (README, "JSON output").
inline const std::vector<std::string> kEventKeys = {
    "seq",
    "time",
    "event",
    "pid",
    "tid",
    "ppid",
    "uid",
    "euid",
    "gid",
    "loginuid",
    "sessionid",
    "comm",
    "cgroup_id",
    "pidns_ino",
    "mntns_ino",
    "abi",
    "request",
    "args",
    "module",
    "image",
    "ret",
    "errno",
    "outcome",
    "request_result",
    "duration_ns",
    "init_duration_ns",
    "complete",
    "incomplete_reason",
    "params_mismatch",
    "name_mismatch",
    "file_changed",
    "truncated",
};

} // namespace modtrace::test
