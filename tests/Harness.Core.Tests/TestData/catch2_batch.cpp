// A Catch2 batch for per-test timeouts and per-test output. Built by TestDataProgram.cs.
// "prints" writes through std::cout/std::cerr (captured per case by Catch2's XML reporter) and printf (not captured).
// The "takes" cases each run well under the 1.5 s timeout the tests use, together well over it; "hangs" never ends.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

static void nap(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST_CASE("prints", "[out]") {
    std::cout << "cout of prints" << std::endl;
    std::cerr << "cerr of prints" << std::endl;
    std::printf("printf of prints\n");
    std::fflush(stdout);
}
TEST_CASE("quiet", "[out]") { REQUIRE(1 + 1 == 2); }
TEST_CASE("takes 1", "[time]") { nap(700); }
TEST_CASE("takes 2", "[time]") { nap(700); }
TEST_CASE("takes 3", "[time]") { nap(700); }
TEST_CASE("takes 4", "[time]") { nap(700); }
TEST_CASE("hangs", "[time]") { nap(600000); }
TEST_CASE("after the hang", "[time]") { REQUIRE(true); }
