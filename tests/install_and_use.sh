#!/usr/bin/env bash
# Installs the built project into a scratch prefix, then configures, builds and
# runs docs/example as a separate project with find_package(cxlvp): the check
# that a user's own SystemC platform can use our models (cxlvp_example) and the
# RTL NDP engine with its adapter (cxlvp_ndp_rtl_example).
#   install_and_use.sh BUILD_DIR EXAMPLE_DIR
set -euo pipefail
build_dir=$1
example_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$example_dir" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" -j 2 >/dev/null
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$work/example/cxlvp_example"
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$work/example/cxlvp_ndp_rtl_example"
