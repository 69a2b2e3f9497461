#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/harness/run.sh - build a board's unit-test image and run it in QEMU:
# every test of tests/unit/, one line each, then the total
# (tests/harness/README.md).
#
#   tests/harness/run.sh BOARD [MM_CONFIG]     e.g. arm -DCONFIG_MM_PAGE_ALLOC=0
#
# The image is build/unit/BOARD[-<options>]/unit.elf. Exit status: 0 when no
# test failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/board.sh

[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 BOARD [MM_CONFIG]" >&2; exit 2; }
board=$1
config=${2:-}
board_load "$board" || exit 2
suffix=$(sed -E 's/-DCONFIG_MM_//g; s/=/-/g; s/ +/,/g' <<<"$config")
out=build/unit/$board${suffix:+-$suffix}
mkdir -p "$out"

if ! make --no-print-directory -j2 ARCH="$board" O="$out" MM_CONFIG="$config" unit-image \
    >"$out/build.log" 2>&1; then
    tail -30 "$out/build.log" | sed 's/^/    /'
    echo "FAIL $board: make ARCH=$board MM_CONFIG='$config' unit-image"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
# A few minutes at most: the arm run takes seconds.
RUN_TIMEOUT=${RUN_TIMEOUT:-600} scripts/run.sh "$board" "$out/unit.elf" </dev/null 2>&1 | tr -d '\r'
