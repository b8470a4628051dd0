#!/usr/bin/env bash
# Runs the whole test suite from a fresh checkout: installs prerequisites, builds, tests, and prints
# one closing line "N passed, N failed" counted from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash tests/setup.sh || exit 1

results=artifacts/test-results
rm -rf "$results"
dotnet test Harness.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0 failed=0
for trx in "$results"/*.trx; do
    [[ -e $trx ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
done
if ((passed + failed == 0)); then
    echo "no test results found in $results" >&2
    status=1
fi
echo "$passed passed, $failed failed"
exit $status
