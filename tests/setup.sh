#!/usr/bin/env bash
# Installs what the fixtures and tests need on a fresh Debian machine (idempotent).
# The .NET SDK, Rust (cargo) and gcc come with the machine; the rest comes from Debian's packages.
set -euo pipefail

packages=(catch2 libgtest-dev googletest cmake g++ binutils lcov libxml2-utils llvm-22 chromium)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for tool in dotnet cargo cmake gcc readelf objcopy; do
    command -v "$tool" >/dev/null || { echo "setup: $tool not found on PATH" >&2; exit 1; }
done
