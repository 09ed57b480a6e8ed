// The strict JSON validator the tests and fuzzers check the reader's output with: what it
// accepts and what it refuses, case by case.
#include "json_check.hpp"

#include <gtest/gtest.h>

namespace {

using modtrace::test::JsonCheck;

TEST(JsonCheck, AcceptsJson) {
    for (const char* text : {
             R"({})",
             R"([])",
             R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})",
             R"( [ 0 , -0 , 1.5 , -2e10 , 3E+2 , 4e-1 ] )",
             R"("\"\\\/\b\f\n\r\t\u0041")",
             R"("\ud83d\ude00")",
             "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
             R"(18446744073709551615)",
         }) {
        const JsonCheck check(text);
        EXPECT_TRUE(check.ok()) << text << ": " << check.error();
    }
}

TEST(JsonCheck, RefusesWhatIsNot) {
    for (const char* text : {
             "",
             "{",
             R"({"a":1,})",
             R"([1,])",
             R"({"a" 1})",
             R"({a:1})",
             R"({"a":1}{})",
             R"({"a":1,"a":2})",
             R"(01)",
             R"(1.)",
             R"(.5)",
             R"(+1)",
             R"(1e)",
             R"(-)",
             R"("unterminated)",
             "\"tab\there\"",
             R"("\x41")",
             R"("\u12G4")",
             R"("\ud800")",
             R"("\udc00")",
             R"("\ud800\u0041")",
             "\"\xff\"",
             "\"\xc0\xaf\"",
             "\"\xed\xa0\x80\"",
             "\"\xf4\x90\x80\x80\"",
             "\"\xe2\x82\"",
             R"(tru)",
             R"(nul)",
             R"(True)",
             "[1]\x01",
         }) {
        EXPECT_FALSE(JsonCheck(text).ok()) << text;
    }
}

TEST(JsonCheck, RefusesDeepNesting) {
    EXPECT_TRUE(JsonCheck(std::string(60, '[') + std::string(60, ']')).ok());
    EXPECT_FALSE(JsonCheck(std::string(100, '[') + std::string(100, ']')).ok());
}

TEST(JsonCheck, TopLevelKeysInOrder) {
    const JsonCheck check(R"({"seq":1,"x":{"inner":2},"time":"t"})");
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(check.top_keys(), (std::vector<std::string>{"seq", "x", "time"}));
    // Keys are compared once their escapes are decoded.
    EXPECT_FALSE(JsonCheck(R"({"a":1,"\u0061":2})").ok());
}

} // namespace
