#!/usr/bin/env bash
# The main job on the bundled fixtures: builds fixtures/c-ctest and fixtures/rust with debug info,
# then shows what Harness's source map reads from them (functions, then the first line-table rows).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash tests/setup.sh

out=artifacts/main-job
cmake -S fixtures/c-ctest -B "$out/c-ctest" -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="-g -O0" >/dev/null
cmake --build "$out/c-ctest" -j "$(nproc)" >/dev/null
CARGO_TARGET_DIR="$out/rust" cargo build --offline --quiet --manifest-path fixtures/rust/Cargo.toml --workspace

dotnet build harness/Harness.Cli -c Release --nologo -v quiet >/dev/null
harness=(dotnet harness/Harness.Cli/bin/Release/net10.0/harness.dll)

binary=$(find "$out/c-ctest" -name test_pass -type f -perm -u+x | head -1)
echo "== harness functions $binary"
"${harness[@]}" functions "$binary"
echo "== harness lines $binary (first 20 rows)"
"${harness[@]}" lines "$binary" | head -20
echo "== harness functions $out/rust/debug/calc-cli (functions of the calc crate)"
"${harness[@]}" functions "$out/rust/debug/calc-cli" | grep -F $'\tcalc::' || true
