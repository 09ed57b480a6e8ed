// JsonWriter, json_quote and text_escape: structure, numbers, and strings that must not escape
// their quotes or line.
#include "json.hpp"

#include <charconv>
#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

namespace {

using modtrace::json_quote;
using modtrace::JsonWriter;
using modtrace::operator""_key;
using modtrace::text_escape;

TEST(JsonQuote, PlainText) {
    EXPECT_EQ(json_quote("mt_clean"), R"("mt_clean")");
}

TEST(JsonQuote, QuoteAndBackslash) {
    EXPECT_EQ(json_quote(R"(a"b\c)"), R"("a\"b\\c")");
}

TEST(JsonQuote, ControlBytesAndDel) {
    EXPECT_EQ(json_quote("\n\r\t"), R"("\n\r\t")");
    EXPECT_EQ(json_quote(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
    EXPECT_EQ(json_quote("\b\f"), R"("\u0008\u000c")");
}

TEST(JsonQuote, ValidMultibyteIsKept) {
    EXPECT_EQ(json_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");           // 2 bytes
    EXPECT_EQ(json_quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");         // 3 bytes
    EXPECT_EQ(json_quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\""); // 4 bytes
    EXPECT_EQ(json_quote("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\""); // U+10FFFF
}

TEST(JsonQuote, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(json_quote("a\xff"
                         "b"),
              R"("a\ufffdb")");
    EXPECT_EQ(json_quote("\x80"), R"("\ufffd")");                     // lone continuation
    EXPECT_EQ(json_quote("\xe2\x82"), R"("\ufffd\ufffd")");           // cut short at the end
    EXPECT_EQ(json_quote("\xe2\x82x"), R"("\ufffd\ufffdx")");         // cut short by ASCII
    EXPECT_EQ(json_quote("\xc0\xaf"), R"("\ufffd\ufffd")");           // overlong '/'
    EXPECT_EQ(json_quote("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")"); // overlong, 3 bytes
    EXPECT_EQ(json_quote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")"); // surrogate
    EXPECT_EQ(json_quote("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")"); // > U+10FFFF
}

TEST(JsonQuote, ForgedRecordStaysInsideOneString) {
    const std::string evil = "evil\"}\n{\"type\":\"x";
    const std::string quoted = json_quote(evil);
    EXPECT_EQ(quoted, R"("evil\"}\n{\"type\":\"x")");
    EXPECT_EQ(quoted.find('\n'), std::string::npos);

    JsonWriter w;
    w.begin_object();
    w.key("module").begin_object();
    w.key("name").value(evil);
    w.end_object();
    w.end_object();
    EXPECT_EQ(w.str(), R"({"module":{"name":"evil\"}\n{\"type\":\"x"}})");
}

// Plain text is copied eight bytes at a time: every byte, at every place in and around a word,
// is escaped as it is on its own.
TEST(JsonQuote, EveryByteAtEveryPlaceOfAWord) {
    for (int byte = 0; byte < 256; ++byte) {
        const std::string alone = json_quote(std::string(1, static_cast<char>(byte)));
        const std::string inner = alone.substr(1, alone.size() - 2);
        for (std::size_t at = 0; at < 20; ++at) {
            std::string s(20, 'a');
            s[at] = static_cast<char>(byte);
            const std::string expected =
                '"' + std::string(at, 'a') + inner + std::string(19 - at, 'a') + '"';
            ASSERT_EQ(json_quote(s), expected) << "byte " << byte << " at " << at;
        }
    }
}

TEST(JsonQuote, MultibyteAcrossAWord) {
    for (std::size_t at = 0; at < 12; ++at) {
        const std::string valid = std::string(at, 'a') + "\u00e9\u20ac" + std::string(9, 'b');
        EXPECT_EQ(json_quote(valid), '"' + valid + '"') << "at " << at;
        const std::string cut = std::string(at, 'a') + "\xe2\x82" + std::string(9, 'b');
        EXPECT_EQ(json_quote(cut),
                  '"' + std::string(at, 'a') + "\\ufffd\\ufffd" + std::string(9, 'b') + '"')
            << "at " << at;
    }
}

TEST(JsonWriter, NestsSixtyFourDeep) {
    JsonWriter w;
    for (int depth = 0; depth < 64; ++depth) {
        w.begin_array();
        w.value(std::uint32_t{1});
    }
    for (int depth = 0; depth < 64; ++depth)
        w.end_array();
    std::string expected;
    for (int depth = 0; depth < 64; ++depth)
        expected += depth == 0 ? "[1" : ",[1";
    expected += std::string(64, ']');
    EXPECT_EQ(w.str(), expected);
}

TEST(JsonWriter, ObjectsArraysAndCommas) {
    JsonWriter w;
    w.begin_object();
    w.key("a").value(std::uint32_t{1});
    w.key("b").begin_array();
    w.value("x");
    w.value(true);
    w.null();
    w.begin_object();
    w.end_object();
    w.end_array();
    w.key("c").begin_array();
    w.end_array();
    w.key("d").value(false);
    w.end_object();
    EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null,{}],"c":[],"d":false})");
}

TEST(JsonWriter, KeysKnownWhenCompilingAreWrittenAsAnyOther) {
    JsonWriter literal;
    literal.begin_object();
    literal.key("a"_key).value(std::uint32_t{1});
    literal.key("b_c"_key).begin_array();
    literal.end_array();
    literal.key(""_key).null();
    literal.end_object();
    JsonWriter runtime;
    runtime.begin_object();
    runtime.key(std::string_view("a")).value(std::uint32_t{1});
    runtime.key(std::string_view("b_c")).begin_array();
    runtime.end_array();
    runtime.key(std::string_view("")).null();
    runtime.end_object();
    EXPECT_EQ(literal.str(), runtime.str());
    EXPECT_EQ(literal.str(), R"({"a":1,"b_c":[],"":null})");
}

TEST(JsonWriter, ClearStartsAFreshLine) {
    JsonWriter w(4);
    w.begin_object();
    w.key("a"_key).begin_array();
    w.value("left open");
    w.clear();
    w.begin_object();
    w.key("b"_key).value(true);
    w.end_object();
    EXPECT_EQ(w.str(), R"({"b":true})");
}

TEST(JsonWriter, NumberExtremes) {
    JsonWriter w;
    w.begin_array();
    w.value(std::numeric_limits<std::uint64_t>::max());
    w.value(std::numeric_limits<std::int64_t>::min());
    w.value(std::int32_t{-19});
    w.value(std::uint64_t{0});
    w.end_array();
    EXPECT_EQ(w.str(), "[18446744073709551615,-9223372036854775808,-19,0]");
}

// Every digit count, at both its ends and in between, signed and not, as std::to_chars writes it.
TEST(JsonWriter, NumbersOfEveryLengthAsToChars) {
    std::vector<std::uint64_t> values = {
        0, std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::uint32_t>::max(),
        std::uint64_t{std::numeric_limits<std::uint32_t>::max()} + 1};
    for (std::uint64_t power = 1; power <= 10000000000000000000ULL / 10; power *= 10) {
        for (const std::uint64_t around : {power * 10 - 1, power * 10, power * 10 + 1})
            values.push_back(around);
        values.push_back(power * 7 + power / 3);
    }
    for (std::uint64_t x = 0x9e3779b97f4a7c15ULL, i = 0; i < 2000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values.push_back(x >> (i % 64));
    }
    for (const std::uint64_t v : values) {
        char expected[24];
        JsonWriter w;
        w.value(v);
        EXPECT_EQ(w.str(),
                  std::string_view(expected, std::to_chars(expected, expected + 24, v).ptr))
            << v;
        const auto s = static_cast<std::int64_t>(v);
        JsonWriter ws;
        ws.value(s);
        EXPECT_EQ(ws.str(),
                  std::string_view(expected, std::to_chars(expected, expected + 24, s).ptr))
            << s;
    }
}

TEST(JsonWriter, KeysAreEscapedToo) {
    JsonWriter w;
    w.begin_object();
    w.key("a\"b").value("c");
    w.end_object();
    EXPECT_EQ(w.str(), R"({"a\"b":"c"})");
}

TEST(JsonWriter, TakeEmptiesTheWriter) {
    JsonWriter w;
    w.begin_object();
    w.end_object();
    EXPECT_EQ(w.take(), "{}");
    w.begin_array();
    w.end_array();
    EXPECT_EQ(w.take(), "[]");
}

TEST(TextEscape, MakesEveryOddByteVisible) {
    EXPECT_EQ(text_escape("plain text"), "plain text");
    EXPECT_EQ(text_escape("a\nb\x1b[31m"), R"(a\x0ab\x1b[31m)");
    EXPECT_EQ(text_escape("back\\slash"), R"(back\\slash)");
    EXPECT_EQ(text_escape("\x7f"), R"(\x7f)");
    EXPECT_EQ(text_escape("bad\xff"), R"(bad\xff)");
    EXPECT_EQ(text_escape("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(JsonWriter, SeparatesMembersAndElements) {
    JsonWriter w;
    w.begin_object();
    w.key("a").value(std::int64_t{-1});
    w.key("b").begin_array();
    w.value(std::uint64_t{18446744073709551615U});
    w.value("x");
    w.null();
    w.value(true);
    w.begin_object();
    w.end_object();
    w.end_array();
    w.key("c").begin_object();
    w.key("d").value(false);
    w.end_object();
    w.key("e").begin_array();
    w.end_array();
    w.end_object();
    EXPECT_EQ(w.str(),
              R"({"a":-1,"b":[18446744073709551615,"x",null,true,{}],"c":{"d":false},"e":[]})");
}

TEST(JsonWriter, TakeStartsAfresh) {
    JsonWriter w;
    w.begin_object();
    w.key("a").value(std::int32_t{1});
    w.end_object();
    EXPECT_EQ(w.take(), R"({"a":1})");
    w.begin_array();
    w.value(std::uint32_t{2});
    w.end_array();
    EXPECT_EQ(w.take(), "[2]");
}

TEST(JsonWriter, KeyWithQuoteAndNewline) {
    JsonWriter w;
    w.begin_object();
    w.key("k\"\n").value("v");
    w.end_object();
    EXPECT_EQ(w.str(), R"({"k\"\n":"v"})");
}

TEST(JsonQuote, Escapes) {
    EXPECT_EQ(json_quote(""), R"("")");
    EXPECT_EQ(json_quote("plain text"), R"("plain text")");
    EXPECT_EQ(json_quote("evil\"}\n{\"x"), R"("evil\"}\n{\"x")");
    EXPECT_EQ(json_quote("a\\b"), R"("a\\b")");
    EXPECT_EQ(json_quote("\t\r\n"), R"("\t\r\n")");
    EXPECT_EQ(json_quote(std::string("\x01\x1b\x7f\x00", 4)), R"("\u0001\u001b\u007f\u0000")");
    EXPECT_EQ(json_quote("/"), R"("/")");
}

TEST(JsonQuote, InvalidUtf8AmongText) {
    EXPECT_EQ(json_quote("\xff"), R"("\ufffd")");
    EXPECT_EQ(json_quote("a\xc0\xaf"
                         "b"),
              R"("a\ufffd\ufffdb")");                                           // overlong '/'
    EXPECT_EQ(json_quote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");           // surrogate
    EXPECT_EQ(json_quote("\xe2\x82"), R"("\ufffd\ufffd")");                     // cut short
    EXPECT_EQ(json_quote("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")"); // > U+10FFFF
    EXPECT_EQ(json_quote("\xe0\x80\x80"), R"("\ufffd\ufffd\ufffd")");           // overlong 3-byte
}

TEST(JsonQuote, ValidUtf8PassesThrough) {
    EXPECT_EQ(json_quote("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
              "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
}

TEST(TextEscape, ControlsBackslashAndInvalidUtf8) {
    EXPECT_EQ(text_escape("plain \"quoted\" text"), "plain \"quoted\" text");
    EXPECT_EQ(text_escape("a\\b"), "a\\\\b");
    EXPECT_EQ(text_escape("line\nnext"), "line\\x0anext");
    EXPECT_EQ(text_escape("\x1b[31mred"), "\\x1b[31mred");
    EXPECT_EQ(text_escape(std::string("\x00\x7f\r", 3)), "\\x00\\x7f\\x0d");
    EXPECT_EQ(text_escape("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(text_escape("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");
}

TEST(TextEscape, TerminalControlsInValidUtf8) {
    // C1 CSI (U+009B), the line separator and bidirectional overrides are valid UTF-8 that a
    // terminal acts on; they are shown byte by byte.
    EXPECT_EQ(text_escape("\xc2\x9b"
                          "2J"),
              "\\xc2\\x9b2J");
    EXPECT_EQ(text_escape("a\xe2\x80\xa8"
                          "b"),
              "a\\xe2\\x80\\xa8b");
    EXPECT_EQ(text_escape("\xe2\x80\xae"
                          "gnp.exe"),
              "\\xe2\\x80\\xaegnp.exe");
    EXPECT_EQ(text_escape("\xe2\x81\xa6x\xe2\x81\xa9"), "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");
    EXPECT_EQ(text_escape("\xd8\x9c"), "\\xd8\\x9c");          // U+061C
    EXPECT_EQ(text_escape("\xe2\x80\x8f"), "\\xe2\\x80\\x8f"); // U+200F
    // Printable neighbours stay: U+00A0, U+2027, U+2030.
    EXPECT_EQ(text_escape("\xc2\xa0\xe2\x80\xa7\xe2\x80\xb0"), "\xc2\xa0\xe2\x80\xa7\xe2\x80\xb0");
}

} // namespace
