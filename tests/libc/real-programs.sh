#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/libc/real-programs.sh - unmodified Linux programs with bareslab as
# their malloc (build/host/libbareslab.so through LD_PRELOAD).
#
#   tests/libc/real-programs.sh [LIBBARESLAB_SO]
#
# Each case runs three times, each time in a fresh scratch directory at the
# same path and with the same environment (C locale, UTC, fixed hash seed):
#
#   plain     without bareslab: the reference
#   preload   under bareslab: stdout, stderr and exit status must be
#             byte-identical to the reference
#   stats     under bareslab with BARESLAB_STATS=1: stdout and exit status
#             identical, stderr identical once the "bareslab[pid]: " lines
#             are taken out; those lines must show every process's
#             allocations served by bareslab and no misuse reported
#
# One more case checks, through the dynamic linker's own trace, that the C
# library's internal calls to malloc, free, calloc and realloc bind to
# bareslab. The last line is "real-programs: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."

so=$(realpath "${1:-build/host/libbareslab.so}")
programs=$PWD/tests/libc/programs
if [ ! -f "$so" ]; then
    echo "FAIL no $so (make ARCH=host preload)"
    echo "real-programs: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bareslab-real.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home"
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 HOME=$scratch/home
unset LD_PRELOAD BARESLAB_STATS

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

. scripts/tally.sh

# run MODE NAME CMD... - run CMD in a fresh $scratch/run; keep its stdout,
# stderr, exit status and wall time in $scratch/NAME.MODE.*
run() {
    local mode=$1 name=$2
    shift 2
    local out=$scratch/$name.$mode start end
    rm -rf "$scratch/run"
    mkdir "$scratch/run"
    start=$(date +%s%N)
    case $mode in
    plain) (cd "$scratch/run" && "$@") >"$out.out" 2>"$out.err" ;;
    preload) (cd "$scratch/run" && LD_PRELOAD=$so "$@") >"$out.out" 2>"$out.err" ;;
    stats) (cd "$scratch/run" && LD_PRELOAD=$so BARESLAB_STATS=1 "$@") >"$out.out" 2>"$out.err" ;;
    esac
    echo $? >"$out.rc"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >"$out.ms"
}

# The first bytes where two files differ, for the log.
show_diff() {
    diff <(head -c 20000 "$1") <(head -c 20000 "$2") | head -12
}

# check NAME - compare the three runs of NAME and read the figures.
check() {
    local name=$1 ref=$scratch/$1.plain mode f rc stat_lines procs allocs reports
    for mode in preload stats; do
        f=$scratch/$name.$mode
        rc=$(cat "$f.rc")
        if [ "$rc" != "$(cat "$ref.rc")" ]; then
            bad "$name ($mode): exit status $rc, without bareslab $(cat "$ref.rc")" \
                "$(tail -5 "$f.err")"
            return
        fi
        if ! cmp -s "$ref.out" "$f.out"; then
            bad "$name ($mode): stdout differs" "$(show_diff "$ref.out" "$f.out")"
            return
        fi
    done
    if ! cmp -s "$ref.err" "$scratch/$name.preload.err"; then
        bad "$name (preload): stderr differs" "$(show_diff "$ref.err" "$scratch/$name.preload.err")"
        return
    fi
    f=$scratch/$name.stats
    grep -av '^bareslab\[[0-9]*\]: ' "$f.err" >"$f.filtered"
    if ! cmp -s "$ref.err" "$f.filtered"; then
        bad "$name (stats): stderr differs beyond the statistics" \
            "$(show_diff "$ref.err" "$f.filtered")"
        return
    fi
    stat_lines=$(grep -a '^bareslab\[[0-9]*\]: ' "$f.err")
    procs=$(grep -c ': meminfo$' <<<"$stat_lines")
    allocs=$(awk '$2 == "Allocations:" { s += $3 } END { print s + 0 }' <<<"$stat_lines")
    reports=$(awk '$2 == "Reports:" { s += $3 } END { print s + 0 }' <<<"$stat_lines")
    # Every process that printed figures must have allocated through bareslab.
    idle=$(awk '$2 == "Allocations:" && $3 == 0' <<<"$stat_lines" | wc -l)
    if [ "$procs" -eq 0 ] || [ "$allocs" -eq 0 ] || [ "$idle" -ne 0 ]; then
        bad "$name (stats): bareslab did not serve the allocations" \
            "$procs processes, $allocs allocations, $idle processes without any"
        return
    fi
    if [ "$reports" -ne 0 ]; then
        bad "$name (stats): $reports misuse reports" "$(grep -av ': [A-Za-z]*: ' <<<"$stat_lines")"
        return
    fi
    ok "$name: identical stdout, stderr and exit status $(cat "$ref.rc"); $procs processes,\
 $allocs allocations by bareslab ($(cat "$ref.ms") ms plain,\
 $(cat "$scratch/$name.preload.ms") ms under bareslab)"
}

# case NAME CMD... - the three runs and their comparison.
case_run() {
    local name=$1 mode
    shift
    for mode in plain preload stats; do
        run "$mode" "$name" "$@"
    done
    check "$name"
}

# ---- the programs -------------------------------------------------------------------------

# Python: dicts, strings, regular expressions, JSON, threads (exits 3 on
# purpose). PYTHONMALLOC=malloc sends every object to malloc, not only those
# over 512 bytes that Python's own small-object allocator passes on.
case_run python3 env PYTHONMALLOC=malloc "$python" "$programs/workload.py"

# sort: 600,000 generated lines (about 17 MB), two keys, two threads, small
# buffers so that it merges temporary files; then a unique numeric sort.
awk 'BEGIN { x = 12345; for (i = 0; i < 600000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%d %s%d %x\n", x % 100000, substr("abcdefghijklmnopqrstuvwxyz", x % 26 + 1, 3), x % 977, x
    } }' >"$scratch/input.txt"
case_run sort bash -c "sort --parallel=2 -S 4M -T . -k2,2 -k1,1n '$scratch/input.txt' &&
    sort -u -n -r '$scratch/input.txt' | sha256sum"

# gcc: compile (with a warning on stderr), link, run, and show the object's checksum.
case_run gcc bash -c "gcc -O2 -Wall -c '$programs/sample.c' -o sample.o &&
    gcc sample.o -o sample && ./sample && sha256sum sample.o"

# git: a scratch repository: commits, branches, a merge, log, blame, gc, fsck.
case_run git bash "$programs/git-ops.sh"

# ---- the C library's own calls ---------------------------------------------------------------

bindings=$(LD_BIND_NOW=1 LD_DEBUG=bindings LD_PRELOAD=$so /bin/true 2>&1 |
    grep -E "binding file [^ ]*/libc\.so\.6 .*symbol \`(malloc|free|calloc|realloc)'")
missing=
for sym in malloc free calloc realloc; do
    grep -q "to $so .*symbol \`$sym'" <<<"$bindings" || missing="$missing $sym"
done
if [ -z "$missing" ]; then
    ok "libc.so.6 binds malloc, free, calloc and realloc to libbareslab.so"
else
    bad "libc.so.6 does not bind to libbareslab.so:$missing" "$bindings"
fi

total real-programs
[ "$failed" -eq 0 ]
