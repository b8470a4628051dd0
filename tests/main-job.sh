#!/usr/bin/env bash
# The main job on the bundled fixtures, with the NativeAOT harness (tests/publish.sh):
#   harness test fixtures/rust --coverage   the Rust workspace's tests, parallel, one process per test, under
#                                           breakpoint coverage (no rebuild): results.json, junit.xml, LCOV, Cobertura
#   harness cover -- a C program            its line coverage
#   harness report                          both merged into one report (HTML with the test results, and the rest)
# Everything goes under artifacts/main-job/; the HTML at artifacts/main-job/report/html/index.html.
#   bash tests/main-job.sh [--verbose]      --verbose also shows the C binary's source map (functions, first lines)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
verbose=false
[[ ${1:-} == --verbose ]] && verbose=true

job_started=$SECONDS
step_started=$SECONDS
step() {
    echo "== $* "
    step_started=$SECONDS
}
took() {
    echo "   ($((SECONDS - step_started)) s)"
}

step "setup (Debian packages the main job uses)"
bash tests/setup.sh main-job
took

out=artifacts/main-job
step "build: the NativeAOT harness, the C fixture (CMake, gcc -g -O0)"
bash tests/publish.sh artifacts/harness
harness=("$PWD/artifacts/harness/harness")
cmake -S fixtures/c-ctest -B "$out/c-ctest" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="-g -O0" --no-warn-unused-cli >/dev/null
cmake --build "$out/c-ctest" -j "$(nproc)" >/dev/null
took

binary=$(find "$out/c-ctest" -name test_pass -type f -perm -u+x | head -1)
if $verbose; then
    echo "== harness functions $binary"
    "${harness[@]}" functions "$binary"
    echo "== harness lines $binary (first 10 rows)"
    "${harness[@]}" lines "$binary" | head -10
fi

step "harness cover -- $binary input.txt"
(cd fixtures/c-ctest/data && MATHLIB_MODE=strict MATHLIB_SCALE=3 "${harness[@]}" cover --out "$OLDPWD/$out/coverage-c" -- "$OLDPWD/$binary" input.txt)
took
step "harness test fixtures/rust --per-test-coverage  (one test fails on purpose: exit code 1)"
"${harness[@]}" test fixtures/rust --per-test-coverage --out "$out/rust" || true
took
step "harness report $out/rust $out/coverage-c  (HTML, Cobertura, LCOV, JSON, markdown, JUnit)"
"${harness[@]}" report "$out/rust" "$out/coverage-c" --out "$out/report" --title "Harness fixtures"
took
echo "reports: $out/rust (results.json, junit.xml, lcov.info, coverage.cobertura.xml), $out/coverage-c, $out/report/html/index.html"
echo "main job: $((SECONDS - job_started)) s"
