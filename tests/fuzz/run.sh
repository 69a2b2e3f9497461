#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/fuzz/run.sh [SECONDS] - build fuzz_ops in both modes of <mm/config.h>
# and fuzz the allocator for SECONDS in all (default 30): two thirds with the
# page allocator (build/fuzz), one third without it (-DCONFIG_MM_PAGE_ALLOC=0,
# build/fuzz-static: pools and large blocks cut from the region as runs).
# Then print one result line per mode and "fuzz: N passed, N failed, N
# skipped" (the protocol of tests/harness/README.md).
#
# Each mode's corpus grows in its build folder's corpus/ across runs; the
# seeds of tests/fuzz/seeds.sh are read every time. A crash (or leak,
# timeout, out of memory) fails that mode: its input is saved in the mode's
# build folder, and the lines after say how to replay it with every operation
# traced. FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=4); the
# BARESLAB_FUZZ_* variables of fuzz_ops.c pass through, and so does MM_CONFIG,
# to both modes (e.g. MM_CONFIG=-DCONFIG_MM_HARDENED=0 fuzzes that
# configuration; MM_CONFIG=-DCONFIG_MM_MAX_REGIONS=2 gives static mode a
# second region).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

seconds=${1:-30}
page_seconds=$((seconds * 2 / 3))
[ "$page_seconds" -ge 1 ] || page_seconds=1
static_seconds=$((seconds - page_seconds))
[ "$static_seconds" -ge 1 ] || static_seconds=1

. scripts/tally.sh

# fuzz_mode NAME OUT SECONDS MM_CONFIG: build and fuzz one mode, count the result.
fuzz_mode() {
    local name=$1 out=$2 secs=$3 config=$4
    local log=$out/fuzz.log start rc elapsed runs rate units artifact

    mkdir -p "$out"
    if ! make --no-print-directory -f tests/fuzz/Makefile OUT="$out" MM_CONFIG="$config" \
        >"$out/build.log" 2>&1; then
        bad "$name: fuzz_ops did not build (see $out/build.log)" "$(tail -30 "$out/build.log")"
        return
    fi
    rm -rf "$out/seeds"
    tests/fuzz/seeds.sh "$out/seeds"
    mkdir -p "$out/corpus"

    echo "fuzz: $name: running $out/fuzz_ops for ${secs}s (log in $log)"
    start=$SECONDS
    # Inputs up to 2 KiB (250 operations) from the start (-len_control=0): long
    # sequences reach fuller, more fragmented heaps; in a minute they find more
    # features than libFuzzer's slowly growing default, at fewer inputs a second.
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
    "$out/fuzz_ops" -max_total_time="$secs" -max_len=2048 -len_control=0 -timeout=30 \
        -print_final_stats=1 \
        -artifact_prefix="$out/" ${FUZZ_FLAGS:-} "$out/corpus" "$out/seeds" >"$log" 2>&1
    rc=$?
    elapsed=$((SECONDS - start))

    runs=$(grep -aoE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    rate=$(grep -aoE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    units=$(grep -aoE 'corp: [0-9]+/[0-9]+[bKM]' "$log" | tail -1 | sed 's/corp: //')
    echo "fuzz: $name: ${runs:-?} inputs in ${elapsed}s (${rate:-?}/s), corpus ${units:-empty}"

    artifact=$(grep -aoE 'Test unit written to [^ ]+' "$log" | tail -1 |
        sed 's/Test unit written to //')
    if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
        ok "$name: ${runs:-?} inputs in ${elapsed}s, no crash, leak or failed check"
        return
    fi
    # What went wrong: the driver's account, or the sanitizer's first lines.
    if grep -aq 'fuzz_ops: FAILED' "$log"; then
        awk '/fuzz_ops: FAILED/ { on = 1 } listed && !/^  / { exit } on { print }
            /^reports expected/ { listed = 1 }' "$log" | head -40
    else
        grep -aE -A12 'MM_BUG_ON|ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$log" |
            head -30
    fi
    echo "fuzz: $name: failing input: ${artifact:-none saved (exit $rc)}"
    if [ -n "$artifact" ]; then
        echo "fuzz: $name: reproduce with: BARESLAB_FUZZ_TRACE=1 $out/fuzz_ops $artifact"
    fi
    bad "$name: a failing input"
}

fuzz_mode "page allocator" build/fuzz "$page_seconds" "${MM_CONFIG:-}"
fuzz_mode "static (runs)" build/fuzz-static "$static_seconds" \
    "-DCONFIG_MM_PAGE_ALLOC=0 ${MM_CONFIG:-}"

total fuzz
[ "$failed" -eq 0 ]
