#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/libc/run.sh - the host tests of bareslab as the C library's malloc,
# with one total:
#
#   build     build/host/libbareslab.so and the test programs build cleanly
#   exports   the library exports the malloc family and nothing else
#   threads   tests/libc/threads.c under bareslab: 4 threads x 1,000,000
#             operations with cross-thread frees, every block checked
#   threads-8, threads-fork, threads-fork-40   the same with 8 threads; with
#             4 threads and 20 forks meanwhile, each child running 3 threads
#             that must exit 0; with 40 threads (more than the library's
#             slots: some share one) and 5 forks
#   exits     tests/libc/exits.c: 40 and 800 short-lived threads, more at once
#             than there are slots; once they are gone, the pools left are no
#             more than each cache keeps empty, and the main thread's
#   fork      Python forks 50 times while three threads allocate: every
#             child allocates and exits (a lock left held would hang it)
#   real      tests/libc/real-programs.sh: python3, sort, gcc, git
#
# The last line is "libc-host: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."

so=$PWD/build/host/libbareslab.so
threads_bin=build/host/tests/libc/threads
log_dir=build/test-logs
mkdir -p "$log_dir"

. scripts/tally.sh

# Sum of one meminfo figure over every "bareslab[pid]: NAME: value" line of a file.
figure() {
    awk -v name="$2:" '$2 == name { s += $3 } END { print s + 0 }' "$1"
}

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

# ---- build ------------------------------------------------------------------------------

if make --no-print-directory -f tests/libc/Makefile all >"$log_dir/libc-build.log" 2>&1; then
    ok "build: $so and $threads_bin"
else
    bad "build" "$(tail -20 "$log_dir/libc-build.log")"
    total libc-host
    exit 1
fi

# ---- exports ------------------------------------------------------------------------------

expected="aligned_alloc calloc free free_aligned_sized free_sized malloc malloc_usable_size \
memalign posix_memalign pvalloc realloc reallocarray valloc"
exported=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort | tr '\n' ' ' | sed 's/ $//')
if [ "$exported" = "$expected" ]; then
    ok "exports: the malloc family only"
else
    bad "exports" "expected: $expected"$'\n'"exported: $exported"
fi

# ---- threads -------------------------------------------------------------------------------

out=$log_dir/libc-threads
LD_PRELOAD=$so BARESLAB_STATS=1 timeout 300 "$threads_bin" 4 1000000 >"$out.out" 2>"$out.err"
rc=$?
allocs=$(figure "$out.err" Allocations)
reports=$(figure "$out.err" Reports)
if [ $rc -eq 0 ] && grep -q '^threads: ok' "$out.out" && [ "$allocs" -gt 1000000 ] &&
    [ "$reports" -eq 0 ]; then
    ok "threads: $(tail -1 "$out.out" | sed 's/^threads: ok: //'); $allocs allocations by bareslab"
else
    bad "threads: exit $rc, $allocs allocations by bareslab, $reports reports" \
        "$(cat "$out.out"; grep -v '^bareslab\[' "$out.err" | head)"
fi

# ---- threads-8, threads-fork, threads-fork-40 --------------------------------------------------

for run in "threads-8:8 1000000" "threads-fork:4 1000000 $(date +%s) 20" \
    "threads-fork-40:40 100000 $(date +%s) 5"; do
    name=${run%%:*}
    out=$log_dir/libc-$name
    # shellcheck disable=SC2086
    LD_PRELOAD=$so BARESLAB_STATS=1 timeout 300 "$threads_bin" ${run#*:} >"$out.out" 2>"$out.err"
    rc=$?
    allocs=$(figure "$out.err" Allocations)
    reports=$(figure "$out.err" Reports)
    if [ $rc -eq 0 ] && grep -q '^threads: ok' "$out.out" && [ "$allocs" -gt 1000000 ] &&
        [ "$reports" -eq 0 ] &&
        { [[ $name != *fork* ]] || grep -qE ' [1-9][0-9]* forked while' "$out.out"; }; then
        ok "$name: $(tail -1 "$out.out" | sed 's/^threads: ok: //'); $allocs allocations"
    else
        bad "$name: exit $rc, $allocs allocations by bareslab, $reports reports" \
            "$(cat "$out.out"; grep -v '^bareslab\[' "$out.err" | head)"
    fi
done

# ---- exits -------------------------------------------------------------------------------------

# The pools left at the end: in each cache CONFIG_MM_EMPTY_POOLS_KEPT (4) empty ones and the
# main thread's active one, and one per block still live at most. Without the exits' drains,
# every slot would keep an active pool in each cache.
pools_per_cache=5
summary=
exits_ok=true
for rounds in 1 20; do
    out=$log_dir/libc-exits-$rounds
    timeout 120 env LD_PRELOAD="$so" BARESLAB_STATS=1 build/host/tests/libc/exits $rounds 40 \
        >"$out.out" 2>"$out.err"
    rc=$?
    pools=$(figure "$out.err" Pools)
    caches=$(figure "$out.err" Caches)
    live=$(($(figure "$out.err" Allocations) - $(figure "$out.err" Frees)))
    limit=$((pools_per_cache * caches + live))
    summary+="; $((rounds * 40)) threads: $pools pools (at most $limit),"
    summary+=" $(figure "$out.err" MemUsed) kB used"
    if [ $rc -ne 0 ] || ! grep -q '^exits: ok' "$out.out" || [ "$caches" -eq 0 ] ||
        [ "$pools" -gt "$limit" ] || [ "$(figure "$out.err" Reports)" -ne 0 ]; then
        exits_ok=false
        summary+=" (exit $rc: $(cat "$out.out"; grep -v '^bareslab\[' "$out.err" | head -5))"
    fi
done
if $exits_ok; then
    ok "exits: caches given back$summary"
else
    bad "exits: more pools left than caches keep, or a failure$summary"
fi

# ---- fork ----------------------------------------------------------------------------------

out=$log_dir/libc-fork
LD_PRELOAD=$so BARESLAB_STATS=1 PYTHONMALLOC=malloc timeout 120 "$python" \
    tests/libc/programs/fork.py 50 >"$out.out" 2>"$out.err"
rc=$?
allocs=$(figure "$out.err" Allocations)
if [ $rc -eq 0 ] && grep -q '^fork: 50 children' "$out.out" && [ "$allocs" -gt 0 ] &&
    [ "$(figure "$out.err" Reports)" -eq 0 ]; then
    ok "$(cat "$out.out")"
else
    bad "fork: exit $rc (124: a child hung), $allocs allocations by bareslab" "$(cat "$out.out")"
fi

# ---- real programs ---------------------------------------------------------------------------

out=$log_dir/libc-real-programs.log
tests/libc/real-programs.sh "$so" >"$out" 2>&1
rc=$?
cat "$out"
line=$(grep -aE '^real-programs: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
p=$(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)
f=$(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)
if [ -z "$line" ]; then
    bad "real programs: no result (exit $rc)"
else
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -eq 0 ] && [ $rc -ne 0 ]; then
        bad "real programs: exit $rc"
    fi
fi

total libc-host
[ "$failed" -eq 0 ]
