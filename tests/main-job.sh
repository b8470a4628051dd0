#!/usr/bin/env bash
# The main job on the bundled fixtures: runs the Rust workspace's tests with harness (parallel, one
# process per test, under breakpoint coverage: no rebuild) and writes results.json, junit.xml, LCOV and
# Cobertura under artifacts/main-job/rust; also shows the source map of a C binary, covers a C program and
# merges both coverages into one report (HTML and the rest) under artifacts/main-job/report.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash tests/setup.sh

out=artifacts/main-job
cmake -S fixtures/c-ctest -B "$out/c-ctest" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="-g -O0" --no-warn-unused-cli >/dev/null
cmake --build "$out/c-ctest" -j "$(nproc)" >/dev/null

dotnet build harness/Harness.Cli -c Release --nologo -v quiet >/dev/null
harness=(dotnet "$PWD/harness/Harness.Cli/bin/Release/net10.0/harness.dll")

binary=$(find "$out/c-ctest" -name test_pass -type f -perm -u+x | head -1)
echo "== harness functions $binary"
"${harness[@]}" functions "$binary"
echo "== harness lines $binary (first 10 rows)"
"${harness[@]}" lines "$binary" | head -10

echo "== harness cover -- $binary"
(cd fixtures/c-ctest/data && MATHLIB_MODE=strict MATHLIB_SCALE=3 "${harness[@]}" cover --out "$OLDPWD/$out/coverage-c" -- "$OLDPWD/$binary" input.txt)
echo "== harness test fixtures/rust --coverage  (one test fails on purpose: exit code 1)"
"${harness[@]}" test fixtures/rust --coverage --out "$out/rust" || true
echo "== harness report $out/rust $out/coverage-c  (one merged report: HTML, Cobertura, LCOV, JSON, markdown, JUnit)"
"${harness[@]}" report "$out/rust" "$out/coverage-c" --out "$out/report" --title "Harness fixtures"
echo "reports: $out/rust (results.json, junit.xml, lcov.info, coverage.cobertura.xml), $out/coverage-c, $out/report/html/index.html"
