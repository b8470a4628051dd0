#!/usr/bin/env bash
# Installs what the tests or the main job need on a fresh Debian machine (idempotent), saying what and how long.
#   bash tests/setup.sh            everything the test suite uses
#   bash tests/setup.sh main-job   only what tests/main-job.sh uses (CMake for the C fixture; gcc, cargo, .NET come with the machine)
# The .NET SDK, Rust (cargo) and gcc come with the machine; the rest comes from Debian's packages.
set -euo pipefail

case "${1:-tests}" in
    main-job) packages=(cmake g++ binutils) install_options=(--no-install-recommends) ;;
    # catch2, googletest: fixtures; lcov, libxml2-utils (xmllint), llvm-22 (llvm-cov): oracles; chromium: the HTML report's browser test.
    tests) packages=(catch2 libgtest-dev googletest cmake g++ binutils lcov libxml2-utils llvm-22 chromium) install_options=() ;;
    *) echo "usage: tests/setup.sh [tests|main-job]" >&2; exit 2 ;;
esac
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    started=$SECONDS
    echo "setup: installing ${missing[*]} with their dependencies (apt-get)"
    "${sudo_cmd[@]}" apt-get update -qq
    log=$(mktemp)
    # One line per package as dpkg sets it up, so a long install is never silent.
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${install_options[@]}" "${missing[@]}" 2>&1 \
        | tee "$log" | sed -un 's/^Setting up \([^ ]*\) .*/setup:   \1/p'
    status=${PIPESTATUS[0]}
    if ((status != 0)); then
        cat "$log" >&2
        exit "$status"
    fi
    rm -f "$log"
    echo "setup: installed in $((SECONDS - started)) s"
else
    echo "setup: ${packages[*]} already installed"
fi

for tool in dotnet cargo cmake gcc readelf objcopy; do
    command -v "$tool" >/dev/null || { echo "setup: $tool not found on PATH" >&2; exit 1; }
done
