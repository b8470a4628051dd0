// Catch2 test names that stress listing and specs: every character the spec parser treats specially,
// a '#' prefix (quoted by --list-test-names-only), two names that sanitize to the same path, hidden
// cases, and a name long enough to wrap in the console listing. Built by TestDataProgram.cs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
TEST_CASE("plain name", "[a]") {}
TEST_CASE("with, comma", "[b]") {}
TEST_CASE("with [bracket] inside", "[c]") {}
TEST_CASE("back\\slash", "[d]") {}
TEST_CASE("\"quoted\" start", "[e]") {}
TEST_CASE("~tilde start", "[f]") {}
TEST_CASE("has \"quote\" inside", "[g]") {}
TEST_CASE("with, comma and more", "[b]") {}
TEST_CASE("with", "[b]") {}
TEST_CASE("#hash start", "[h]") {}
TEST_CASE("dots.and/slashes: x", "[i]") {}
TEST_CASE("dots and slashes  x", "[i]") {}
TEST_CASE("hidden one", "[.][j]") {}
TEST_CASE("hidden bang", "[!hide]") {}
TEST_CASE("a very long test case name that certainly wraps past the eighty column console width of catch", "[k]") {}
