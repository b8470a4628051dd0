// A GoogleTest batch for per-test timeouts. Built by TestDataProgram.cs.
// The Takes tests each run well under the 1.5 s timeout the tests use, together well over it; Hangs never ends.
#include <gtest/gtest.h>
#include <chrono>
#include <thread>

static void nap(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(Batch, Takes1) { nap(700); }
TEST(Batch, Takes2) { nap(700); }
TEST(Batch, Takes3) { nap(700); }
TEST(Batch, Takes4) { nap(700); }
TEST(Batch, Hangs) { nap(600000); }
TEST(Batch, AfterTheHang) { SUCCEED(); }
