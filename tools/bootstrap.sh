#!/usr/bin/env bash
# Installs the Debian packages cxlvp needs (only those missing), then
# configures build/ and builds the cxlvp program only: the tests are built by
# tools/check.sh (or `cmake --build build`), so a first run does not wait for
# them. Safe to run again: quiet when nothing is missing, incremental when
# already built.
#   tools/bootstrap.sh            # Release-with-debug-info build of cxlvp in build/
#   BUILD_DIR=out tools/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libsystemc-dev libyaml-cpp-dev libboost-dev libboost-program-options-dev
          catch2 verilator
          python3 python3-matplotlib
          clang libclang-rt-14-dev)  # the fuzz build (tools/fuzz.sh): clang's libFuzzer and sanitizer runtimes
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target cxlvp
