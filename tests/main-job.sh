#!/usr/bin/env bash
# The main job on the bundled fixtures: builds fixtures/c-ctest and fixtures/rust with debug info,
# shows what Harness's source map reads from a binary, then runs the C test and the Rust unit tests
# under breakpoint coverage (no rebuild) and writes LCOV + Cobertura reports under artifacts/main-job/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash tests/setup.sh

out=artifacts/main-job
cmake -S fixtures/c-ctest -B "$out/c-ctest" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="-g -O0" --no-warn-unused-cli >/dev/null
cmake --build "$out/c-ctest" -j "$(nproc)" >/dev/null
rust_test=$(CARGO_TARGET_DIR="$out/rust" cargo test --offline --no-run --message-format=json \
    --manifest-path fixtures/rust/Cargo.toml -p calc --lib 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | head -1)

dotnet build harness/Harness.Cli -c Release --nologo -v quiet >/dev/null
harness=(dotnet harness/Harness.Cli/bin/Release/net10.0/harness.dll)

binary=$(find "$out/c-ctest" -name test_pass -type f -perm -u+x | head -1)
echo "== harness functions $binary"
"${harness[@]}" functions "$binary"
echo "== harness lines $binary (first 10 rows)"
"${harness[@]}" lines "$binary" | head -10

echo "== harness cover -- $binary"
(cd fixtures/c-ctest/data && "${harness[@]}" cover --out "$OLDPWD/$out/coverage-c" -- "$OLDPWD/$binary") || true
echo "== harness cover -- $rust_test --test-threads 2  (one test fails on purpose)"
(cd fixtures/rust/calc && "${harness[@]}" cover --out "$OLDPWD/$out/coverage-rust" -- "$rust_test" --test-threads 2 >/dev/null) || true
echo "reports: $out/coverage-c and $out/coverage-rust (lcov.info, coverage.cobertura.xml)"
