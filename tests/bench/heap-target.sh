#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/bench/heap-target.sh - the heap needed on a QEMU board, by the same
# search as `replay -H` on the host (tests/bench/replay.c, run_heap_search()),
# one boot of a bench image (tests/bench/target.c) per try.
#
#   tests/bench/heap-target.sh BOARD IMAGE WORKLOAD PEAK_BYTES
#
# On the grid g(0) = PEAK_BYTES, g(k + 1) = g(k) + ceil(g(k) / 100):
# bracket in steps of 16 indices until a size runs the trace (index K),
# binary search down to two adjacent indices (b runs, b - 1 fails: what a
# plain search reports), then try every index between b and K. The figure
# is g(f + 1), f the largest index that failed: every grid size from it up
# to g(K) ran. The image replays WORKLOAD once in a region of that many
# bytes (console line "WORKLOAD BYTES"); a try runs when every op completed.
# No -icount: these runs count nothing.
#
# Prints one line, as replay -H does:
#   heap name=WORKLOAD bytes=B ratio=R tries=T search_bytes=S
# with bytes=- (and no ratio) when not even the largest region the image
# can place runs the trace. Exit status 1 when a boot fails otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

[ $# -eq 4 ] || { echo "usage: $0 BOARD IMAGE WORKLOAD PEAK_BYTES" >&2; exit 2; }
board=$1 image=$2 workload=$3 peak=$4
bracket=16

declare -A ran
tries=0

grid() {
    local k=$1 g=$peak
    while ((k-- > 0)); do g=$((g + (g + 99) / 100)); done
    echo "$g"
}

# try K: 0 when grid size K runs the trace, 1 when it does not, 2 when the
# image cannot place so large a region.
try() {
    local k=$1 out size completed ops
    if [ -n "${ran[$k]:-}" ]; then return "${ran[$k]}"; fi
    size=$(grid "$k")
    tries=$((tries + 1))
    out=$(printf '%s %s\n' "$workload" "$size" | RUN_TIMEOUT=120 scripts/run.sh "$board" "$image" 2>&1 | tr -d '\r')
    if grep -q 'does not fit in RAM' <<<"$out"; then
        ran[$k]=2
        return 2
    fi
    completed=$(sed -n 's/^heap .*completed=\([0-9]*\).*/\1/p' <<<"$out")
    ops=$(sed -n 's/^heap .* ops=\([0-9]*\).*/\1/p' <<<"$out")
    if [ -z "$completed" ] || [ -z "$ops" ]; then
        printf '%s\n' "$out" >&2
        echo "heap-target: $image $workload in $size bytes printed no result" >&2
        exit 1
    fi
    if [ "$completed" = "$ops" ]; then ran[$k]=0; else ran[$k]=1; fi
    return "${ran[$k]}"
}

lo=-1 hi=0
while true; do
    try "$hi"
    case $? in
    0) break ;;
    2)
        echo "heap name=$workload bytes=- tries=$tries search_bytes=-"
        exit 0 ;;
    esac
    lo=$hi
    hi=$((hi + bracket))
done
top=$hi
while ((hi - lo > 1)); do
    mid=$((lo + (hi - lo) / 2))
    if try "$mid"; then hi=$mid; else lo=$mid; fi
done
for ((k = hi + 1; k < top; k++)); do try "$k"; done
worst=-1
for k in "${!ran[@]}"; do
    if [ "${ran[$k]}" != 0 ] && ((k > worst)); then worst=$k; fi
done
bytes=$(grid $((worst + 1)))
echo "heap name=$workload bytes=$bytes ratio=$(awk -v b="$bytes" -v p="$peak" 'BEGIN { printf "%.3f", b / p }') tries=$tries search_bytes=$(grid "$hi")"
