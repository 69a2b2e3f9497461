#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/fuzz/run.sh [SECONDS] - build fuzz_ops and fuzz the allocator for
# SECONDS (default 30), then print one result line and "fuzz: N passed, N failed, 0 skipped".
#
# The corpus grows in build/fuzz/corpus across runs; the seeds of
# tests/fuzz/seeds.sh are read every time. A crash (or leak, timeout, out of
# memory) fails the run: its input is saved under build/fuzz/, and the last
# lines say how to replay it with every operation traced.
# FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=4); the
# BARESLAB_FUZZ_* variables of fuzz_ops.c pass through, and so does MM_CONFIG
# (e.g. MM_CONFIG=-DCONFIG_MM_HARDENED=0 fuzzes that configuration).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

seconds=${1:-30}
out=build/fuzz
log=$out/fuzz.log

mkdir -p "$out"
if ! make --no-print-directory -f tests/fuzz/Makefile >"$out/build.log" 2>&1; then
    tail -30 "$out/build.log"
    echo "FAIL fuzz: fuzz_ops did not build (see $out/build.log)"
    echo "fuzz: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
rm -rf "$out/seeds"
tests/fuzz/seeds.sh "$out/seeds"
mkdir -p "$out/corpus"

echo "fuzz: running $out/fuzz_ops for ${seconds}s (log in $log)"
start=$SECONDS
# Inputs up to 2 KiB (250 operations) from the start (-len_control=0): long
# sequences reach fuller, more fragmented heaps; in a minute they find more
# features than libFuzzer's slowly growing default, at fewer inputs a second.
# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
"$out/fuzz_ops" -max_total_time="$seconds" -max_len=2048 -len_control=0 -timeout=30 \
    -print_final_stats=1 \
    -artifact_prefix="$out/" ${FUZZ_FLAGS:-} "$out/corpus" "$out/seeds" >"$log" 2>&1
rc=$?
elapsed=$((SECONDS - start))

runs=$(grep -aoE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
rate=$(grep -aoE '^stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$')
units=$(grep -aoE 'corp: [0-9]+/[0-9]+[bKM]' "$log" | tail -1 | sed 's/corp: //')
echo "fuzz: ${runs:-?} inputs in ${elapsed}s (${rate:-?}/s), corpus ${units:-empty}"

artifact=$(grep -aoE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
    echo "ok   fuzz: ${runs:-?} inputs in ${elapsed}s, no crash, leak or failed check"
    echo "fuzz: 1 passed, 0 failed, 0 skipped"
    exit 0
fi
# What went wrong: the driver's account, or the sanitizer's first lines.
if grep -aq 'fuzz_ops: FAILED' "$log"; then
    awk '/fuzz_ops: FAILED/ { on = 1 } listed && !/^  / { exit } on { print }
        /^reports expected/ { listed = 1 }' "$log" | head -40
else
    grep -aE -A12 'MM_BUG_ON|ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$log" | head -30
fi
echo "fuzz: failing input: ${artifact:-none saved (exit $rc)}"
if [ -n "$artifact" ]; then
    echo "fuzz: reproduce with: BARESLAB_FUZZ_TRACE=1 $out/fuzz_ops $artifact"
fi
echo "FAIL fuzz: a failing input"
echo "fuzz: 0 passed, 1 failed, 0 skipped"
exit 1
