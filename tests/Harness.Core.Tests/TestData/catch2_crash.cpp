// A Catch2 binary whose second case dies by SIGSEGV: the XML report is cut off there, so the harness must
// report it crashed, keep the verdict of the case before it and run the cases after it again.
// Built by TestDataProgram.cs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <csignal>

TEST_CASE("a passes first", "[x]") { REQUIRE(1 + 1 == 2); }
TEST_CASE("b segfaults", "[x]") { std::raise(SIGSEGV); }
TEST_CASE("c passes after", "[x]") { REQUIRE(2 + 2 == 4); }
TEST_CASE("d fails after", "[x]") { REQUIRE(2 + 2 == 5); }
