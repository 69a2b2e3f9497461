#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scripts/bench.sh - the allocator benchmark behind `make bench`.
#
# Replays the workloads of shared/bench/WORKLOADS.md (generator: tests/bench/
# trace.c) against bareslab and the host's usual allocators and writes
# $BENCH_OUT/report.md (default build/bench/report.md) with:
#   1. instructions per operation, counted by callgrind, less the same
#      replay against an allocator that does nothing (the spec's figure);
#   2. wall-clock nanoseconds per operation, median of several runs (noisy);
#      and the threaded churn (tests/bench/threads.c): 1 and 2 threads, each
#      handing a quarter of its frees to the other, throughput in ops/s,
#      median of several runs, against the C libraries' allocators and the
#      bareslab build for several CPUs (SMP_VARIANTS below);
#   3. heap needed by bareslab: the smallest region above which every size
#      tried runs the trace, on a 1% grid (tests/bench/replay.c -H), / peak
#      live requested bytes;
#   4. on target, on the QEMU boards Cortex-M3 (mps2-an385, SysTick at
#      -icount shift=8) and rv64 (virt, minstret at -icount shift=0): exact
#      instructions per ALLOC and per FREE and the worst single op
#      (tests/bench/target.c), against bareslab and the boards' C libraries
#      (newlib and newlib-nano; picolibc), with the counter's calibration;
#      the set-up cost (mm_add_region() and the first ALLOC) apart;
#   5. heap needed on the Cortex-M3 board, for bareslab and both newlibs
#      (tests/bench/heap-target.sh, one boot per try);
#   6. code size and static RAM (.data + .bss) of libmm.a at -Os for
#      Cortex-M3 and rv64, beside the malloc objects of newlib (libc.a,
#      libc_nano.a) and picolibc;
#   6a. on rv64 with 1, 2 and 4 harts at once: minstret per kmalloc and kfree
#      per hart on a threaded churn, one free in four handed to another hart
#      (tests/bench/harts.sh);
#   7. the goals tables, one per mode (static region, page allocator) and
#      one for threads: each goal beside the figure measured, met or missed
#      and by how much, and the figures the issues ask only to report;
#   8. a bar chart of (1), $BENCH_OUT/instructions.svg (gnuplot).
#
# Every bareslab build (VARIANTS below: a name and its MM_CONFIG) is measured
# on the host and on both boards; the builds of SMP_VARIANTS only in the
# threaded churn.
#
# Environment:
#   QUICK=1        fast run: kcache-small and mixed-small stand in for
#                  kcache and mixed, 3 timed runs instead of 7 (threaded
#                  churn too), the boards replay only the two small traces
#                  (no pair32 there), and the heap needed on the board is
#                  searched for QUICK_HEAP_BUILDS (the build whose goals
#                  need it) and the C libraries only
#   BENCH_OUT=dir  output folder (default build/bench)
#   BENCH_JOBS=n   callgrind runs, QEMU runs and builds in parallel (default:
#                  nproc, at most 2)
#   ALLOCATORS="glibc jemalloc ..."  a subset of the allocators below
#
# Needs gcc, valgrind, gnuplot (chart only), libjemalloc-dev, libmimalloc-dev,
# libgoogle-perftools-dev (tcmalloc), arm-none-eabi and riscv64-unknown-elf
# toolchains with newlib and picolibc-riscv64-unknown-elf, qemu-system-arm
# and qemu-system-riscv64 (on target). What is missing is skipped and said so
# in the report; bareslab is skipped the same way while libmm.a does not
# build. A board run whose counter does not give whole instructions stops
# the benchmark.

# shellcheck disable=SC2016 # backquotes in single quotes are Markdown, not commands
set -euo pipefail
cd "$(dirname "$0")/.."
# Run from `make bench`: the caller's make variables (O=, ARCH=, ...) must
# not leak into the builds below, which set their own.
unset MAKEFLAGS MFLAGS MAKELEVEL

QUICK=${QUICK:-0}
OUT=${BENCH_OUT:-build/bench}
JOBS=${BENCH_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ -n "${BENCH_JOBS:-}" ] || [ "$JOBS" -le 2 ] || JOBS=2

# The bareslab builds, "name|MM_CONFIG". Each is built and measured on the
# host and on both boards, and every table has a row for it: one more line
# here adds a build everywhere. "bareslab": single-threaded (no lock calls),
# every debug and hardening option of mm/include/mm/config.h off, the page
# allocator (the default mode); "bareslab-hardened": the same options at
# their defaults; "bareslab-static": "bareslab" without the page allocator
# (static mode: pools and large blocks cut straight from the region by a run
# allocator), everything else at that mode's own defaults.
MM_OFF=$(sed -nE 's/^#define (CONFIG_MM_(HARDENED|DEBUG|POISON|RED_?ZONE|TRACK|VALIDATE|SANITY|CHECK)[A-Z_]*) 1$/-D\1=0/p' \
    mm/include/mm/config.h | tr '\n' ' ')
VARIANTS=(
    "bareslab|-DCONFIG_MM_LOCKING=0 ${MM_OFF% }"
    "bareslab-hardened|-DCONFIG_MM_LOCKING=0"
    "bareslab-static|-DCONFIG_MM_LOCKING=0 ${MM_OFF% } -DCONFIG_MM_PAGE_ALLOC=0"
)
# The builds for several threads, measured in the threaded churn only:
# "bareslab-smp": "bareslab" with the lock on and a part of every cache per
# CPU for 8 CPUs; the bench's port (tests/bench/alloc_bareslab.c) makes each
# thread a CPU and the shared lock a mutex.
SMP_VARIANTS=(
    "bareslab-smp|-DCONFIG_MM_LOCKING=1 ${MM_OFF% } -DCONFIG_MM_NR_CPUS=8"
)
# The build whose goals include the heap needed on the board (the
# static-region mode's): QUICK=1 searches it for this one only (and the C
# libraries), so the page-allocator mode's figures there, which the goals only
# report, are not measured.
QUICK_HEAP_BUILDS="bareslab-static"
declare -A VARIANT_CONFIG
VARIANT_NAMES=
for v in "${VARIANTS[@]}"; do
    VARIANT_CONFIG[${v%%|*}]=${v#*|}
    VARIANT_NAMES="$VARIANT_NAMES ${v%%|*}"
done
VARIANT_NAMES=${VARIANT_NAMES# }
SMP_NAMES=
for v in "${SMP_VARIANTS[@]}"; do
    VARIANT_CONFIG[${v%%|*}]=${v#*|}
    SMP_NAMES="$SMP_NAMES ${v%%|*}"
done
SMP_NAMES=${SMP_NAMES# }
is_variant() { [[ " $VARIANT_NAMES " == *" $1 "* ]]; }
is_smp() { [[ " $SMP_NAMES " == *" $1 "* ]]; }

# The C libraries' allocators, on the host.
LIBC_ALLOCATORS="glibc jemalloc mimalloc tcmalloc"
ALL_ALLOCATORS="$LIBC_ALLOCATORS $VARIANT_NAMES $SMP_NAMES"
ALLOCATORS=${ALLOCATORS:-$ALL_ALLOCATORS}

if [ "$QUICK" = 1 ]; then
    WORKLOADS="pair32 lifo64 fifo64 kcache-small mixed-small"
    RUNS=3
    MODE="QUICK=1 (kcache-small and mixed-small stand in for kcache and mixed; $RUNS timed runs, threaded churn too; no pair32 on the boards; heap needed on the board for ${QUICK_HEAP_BUILDS// /, } and the C libraries only)"
else
    WORKLOADS="pair32 lifo64 fifo64 kcache mixed"
    RUNS=7
    MODE="full ($RUNS timed runs)"
fi
HEAP_WORKLOADS="pair32 lifo64 fifo64 kcache mixed kcache-small mixed-small"
# The threaded churn (tests/bench/threads.c): thread counts, steps per thread.
THREAD_COUNTS="1 2"
THREAD_STEPS=1000000

# The QEMU boards: what each is called, needs and replays. Cortex-M3 first.
BOARDS="arm riscv"
declare -A BOARD_NAME=([arm]="Cortex-M3" [riscv]="rv64")
declare -A BOARD_MACHINE=([arm]="QEMU mps2-an385, Cortex-M3" [riscv]="QEMU virt, rv64imac")
declare -A BOARD_TOOLS=([arm]="arm-none-eabi-gcc qemu-system-arm" [riscv]="riscv64-unknown-elf-gcc qemu-system-riscv64")
# -icount makes the board's counter exact (arch/arch.h): SysTick moves 6.4
# ticks per instruction at shift=8, minstret one at shift=0.
declare -A BOARD_ICOUNT=([arm]="-icount shift=8" [riscv]="-icount shift=0")
declare -A BOARD_COUNTER=([arm]="SysTick on the 25 MHz clock" [riscv]="minstret")
# The C libraries whose malloc is measured beside bareslab.
declare -A BOARD_LIBCS=([arm]="newlib newlib-nano" [riscv]="picolibc")
declare -A BOARD_WORKLOADS=([arm]="kcache-small mixed-small pair32" [riscv]="kcache-small mixed-small pair32 kcache mixed")
if [ "$QUICK" = 1 ]; then
    BOARD_WORKLOADS=([arm]="kcache-small mixed-small" [riscv]="kcache-small mixed-small")
fi
# Heap needed on target: the small traces, on the Cortex-M3 board.
TARGET_HEAP_BOARDS="arm"
TARGET_HEAP_WORKLOADS="kcache-small mixed-small"
declare -A IMAGE_LABEL=([newlib]="newlib malloc (libc.a)" [newlib-nano]="newlib-nano malloc (libc_nano.a)"
    [picolibc]="picolibc malloc")
image_label() { echo "${IMAGE_LABEL[$1]:-$1}"; }

START=$(date +%s)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
mkdir -p "$OUT/logs" "$OUT/callgrind"
REPORT=$OUT/report.md
NOTES=()

say() { printf '%s\n' "$*"; }
# phase NAME: note the seconds since the previous phase ended, for the report.
PHASES=()
PHASE_START=$START
phase() {
    local now
    now=$(date +%s)
    PHASES+=("$1 $((now - PHASE_START)) s")
    PHASE_START=$now
}
note() {
    NOTES+=("$*")
    say "bench: $*"
}

# field PREFIX KEY FILE: the value of KEY=... on the line of FILE starting with PREFIX.
field() {
    awk -v p="$1" -v k="$2" '$1 == p { for (i = 2; i <= NF; i++) {
        n = index($i, "="); if (substr($i, 1, n - 1) == k) { print substr($i, n + 1); exit } } }' "$3"
}

# ---- build ------------------------------------------------------------------

# build MAKE_ARGS...: tests/bench/Makefile with every bareslab build's options.
build() {
    local args=() v
    for v in $VARIANT_NAMES $SMP_NAMES; do args+=("MM_CONFIG_$v=${VARIANT_CONFIG[$v]}"); done
    make --no-print-directory -f tests/bench/Makefile OUT="$OUT" BARESLAB_VARIANTS="$VARIANT_NAMES" \
        SMP_VARIANTS="$SMP_NAMES" "${args[@]}" "$@"
}

say "== bench: $MODE, output in $OUT"
# The programs: replay-<allocator> for every allocator but the SMP builds,
# threads-<allocator> for the C libraries' and the SMP builds (and null).
PROGRAMS=("replay-null" "threads-null")
for a in $ALLOCATORS; do
    is_smp "$a" || PROGRAMS+=("replay-$a")
    is_variant "$a" || PROGRAMS+=("threads-$a")
done
# All at once; when that fails, one by one to tell which.
declare -A PROGRAM_OK
if build -j"$JOBS" "${PROGRAMS[@]/#/$OUT/}" >"$OUT/logs/build-host.log" 2>&1; then
    for p in "${PROGRAMS[@]}"; do PROGRAM_OK[$p]=1; done
else
    for p in "${PROGRAMS[@]}"; do
        build "$OUT/$p" >"$OUT/logs/build-$p.log" 2>&1 && PROGRAM_OK[$p]=1
    done
fi
if [ -z "${PROGRAM_OK[replay-null]:-}" ]; then
    cat "$OUT/logs/build-replay-null.log" >&2
    say "bench: the replay program does not build" >&2
    exit 1
fi
BUILT=()         # the allocators replay-<allocator> runs
THREAD_BUILT=()  # and threads-<allocator>
for p in "${PROGRAMS[@]}"; do
    a=${p#*-}
    [ "$a" != null ] || continue
    if [ -z "${PROGRAM_OK[$p]:-}" ]; then
        note "$a skipped in ${p%%-*}: it did not build (see $OUT/logs/build-$p.log)"
    elif [ "${p%%-*}" = replay ]; then
        BUILT+=("$a")
    else
        THREAD_BUILT+=("$a")
    fi
done
if [ -z "${PROGRAM_OK[threads-null]:-}" ]; then
    THREAD_BUILT=()
    note "threaded churn skipped: tests/bench/threads.c does not build (see $OUT/logs/build-threads-null.log)"
fi

HAVE_VALGRIND=1
if ! command -v valgrind >/dev/null; then
    HAVE_VALGRIND=0
    note "valgrind is missing: no instruction counts (apt-get install valgrind)"
fi

phase "build"

# ---- traces -----------------------------------------------------------------

say "== traces"
TRACE_ROWS=""
for w in $WORKLOADS $HEAP_WORKLOADS; do
    case " $TRACE_ROWS " in *" $w "*) continue ;; esac
    log=$OUT/logs/trace-$w.log
    "$OUT/replay-null" "$w" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    printf '%-13s ops %9s  peak live bytes %9s  checksum %s (%s)\n' "$w" \
        "$(field trace ops "$log")" "$(field trace peak_bytes "$log")" \
        "$(field trace checksum "$log")" "$(field trace reference "$log")"
    TRACE_ROWS="$TRACE_ROWS $w"
done

phase "traces"

# ---- instructions per operation (callgrind) ----------------------------------

# callgrind_one ALLOCATOR WORKLOAD: one replay under callgrind, counting only
# inside replay_run(). Runs in parallel, from xargs.
callgrind_one() {
    local base=$OUT/callgrind/$1.$2
    valgrind --tool=callgrind --toggle-collect=replay_run --callgrind-out-file="$base.out" \
        "$OUT/replay-$1" "$2" >"$base.log" 2>&1 || { say "bench: callgrind $1 $2 failed, see $base.log" >&2; return 255; }
}
export -f callgrind_one say
export OUT

# total_ir ALLOCATOR WORKLOAD: instructions counted in replay_run().
total_ir() {
    awk '/^totals:/ { t = $2 } /^summary:/ { s = $2 } END { print (t != "" ? t : s) }' \
        "$OUT/callgrind/$1.$2.out"
}

declare -A IPO
# What the issue measured for the other allocators (Debian 12 packages), to
# catch a replay that no longer measures the same thing.
declare -A REF_IPO
ref_row() {
    local a=$1 w
    shift
    for w in pair32 lifo64 fifo64 kcache mixed; do
        REF_IPO[$a.$w]=$1
        shift
    done
}
ref_row glibc 65 91 91 78 97
ref_row jemalloc 34 86 86 37 50
ref_row mimalloc 53 22 22 24 30
ref_row tcmalloc 34 34 34 35 36
REF_COMPARED=0
REF_OFF=0
if [ "$HAVE_VALGRIND" = 1 ]; then
    say "== callgrind (${#BUILT[@]} allocators + null, $JOBS at a time)"
    for a in null "${BUILT[@]}"; do
        for w in $WORKLOADS; do printf '%s %s\n' "$a" "$w"; done
    done | xargs -P "$JOBS" -n 2 bash -c 'callgrind_one "$1" "$2"' _
    for w in $WORKLOADS; do
        null_ir=$(total_ir null "$w")
        for a in "${BUILT[@]}"; do
            log=$OUT/callgrind/$a.$w.log
            ops=$(field trace ops "$log")
            if [ "$(field trace reference "$log")" != match ] || [ "$(field replay completed "$log")" != "$ops" ]; then
                say "bench: $a $w: wrong trace or a failed allocation, see $log" >&2
                exit 1
            fi
            IPO[$a.$w]=$(awk -v t="$(total_ir "$a" "$w")" -v n="$null_ir" -v o="$ops" \
                'BEGIN { printf "%.1f", (t - n) / o }')
        done
        printf '%-13s' "$w"
        for a in "${BUILT[@]}"; do printf ' %s %s' "$a" "${IPO[$a.$w]}"; done
        printf '  (replay overhead %s/op)\n' "$(awk -v n="$null_ir" -v o="$ops" 'BEGIN { printf "%.1f", n / o }')"
        for a in "${BUILT[@]}"; do
            ref=${REF_IPO[$a.$w]:-}
            [ -n "$ref" ] || continue
            REF_COMPARED=$((REF_COMPARED + 1))
            if awk -v m="${IPO[$a.$w]}" -v r="$ref" 'BEGIN { exit !(m - r > 2 || r - m > 2) }'; then
                REF_OFF=$((REF_OFF + 1))
                note "$a $w: ${IPO[$a.$w]} instructions/op where the issue measured $ref: check how $a is linked"
            fi
        done
    done
fi

phase "callgrind"

# ---- wall clock ------------------------------------------------------------------

say "== wall clock ($RUNS runs each, median; noisy)"
declare -A NS
for w in $WORKLOADS; do
    for a in null "${BUILT[@]}"; do
        log=$OUT/logs/time-$a.$w.log
        "$OUT/replay-$a" -t "$RUNS" "$w" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
        NS[$a.$w]=$(field time ns_per_op_median "$log")
    done
    printf '%-13s' "$w"
    for a in "${BUILT[@]}"; do
        NS[$a.$w]=$(awk -v t="${NS[$a.$w]}" -v n="${NS[null.$w]}" 'BEGIN { printf "%.1f", t - n }')
        printf ' %s %s' "$a" "${NS[$a.$w]}"
    done
    printf '  (replay overhead %s ns/op)\n' "${NS[null.$w]}"
done

phase "wall clock"

# ---- threaded churn ---------------------------------------------------------------

# thread_read I PREFIX: copy the lines of thread_rounds' process I to its log
# up to one that starts with PREFIX; stop the benchmark when the process ends
# before. Reads thread_rounds' names, rout and t.
thread_read() {
    local line log=$OUT/logs/threads-${names[$1]}.$t.log
    while IFS= read -r -u "${rout[$1]}" line; do
        printf '%s\n' "$line" >>"$log"
        [[ "$line" != "$2"* ]] || return 0
    done
    cat "$log" "${log%.log}.err" >&2
    say "bench: threads-${names[$1]} -T $t stopped" >&2
    exit 1
}

# thread_rounds T: tests/bench/threads.c at T threads. One process per
# allocator (threads -s) generates its traces once; then $RUNS rounds, each
# asking every process in turn for one run (the allocators warm after their
# first), starting one further along each round, with nothing else running
# meanwhile: every allocator meets the machine's load alike, and at 2 threads
# a run needs both CPUs. Each process's log ends with its median.
thread_rounds() {
    local t=$1 a i k n r fd dir=$OUT/threads
    local -a names=(null "${THREAD_BUILT[@]}") pids=() win=() rout=()
    mkdir -p "$dir"
    n=${#names[@]}
    for ((i = 0; i < n; i++)); do
        a=${names[i]}
        rm -f "$dir/$a.$t.in" "$dir/$a.$t.out"
        mkfifo "$dir/$a.$t.in" "$dir/$a.$t.out"
        : >"$OUT/logs/threads-$a.$t.log"
        # Without the other processes' pipe ends, so that each sees its own end of input.
        (
            for fd in "${win[@]}" "${rout[@]}"; do eval "exec $fd>&-"; done
            exec "$OUT/threads-$a" -s -T "$t" -n "$THREAD_STEPS" <"$dir/$a.$t.in" \
                >"$dir/$a.$t.out" 2>"$OUT/logs/threads-$a.$t.err"
        ) &
        pids[i]=$!
        exec {fd}>"$dir/$a.$t.in"
        win[i]=$fd
        exec {fd}<"$dir/$a.$t.out"
        rout[i]=$fd
    done
    for ((i = 0; i < n; i++)); do thread_read "$i" ready; done
    for ((r = 0; r < RUNS; r++)); do
        for ((k = 0; k < n; k++)); do
            i=$(((r + k) % n))
            printf 'run\n' >&"${win[i]}"
            thread_read "$i" "run "
        done
    done
    for ((i = 0; i < n; i++)); do
        eval "exec ${win[i]}>&-"
        thread_read "$i" "threads "
        eval "exec ${rout[i]}<&-"
        a=${names[i]}
        wait "${pids[i]}" || { cat "$OUT/logs/threads-$a.$t.err" >&2; say "bench: threads-$a -T $t failed" >&2; exit 1; }
        rm -f "$dir/$a.$t.in" "$dir/$a.$t.out"
        log=$OUT/logs/threads-$a.$t.log
        TPUT[$a.$t]="$(field threads ops_per_s_median "$log") $(field threads ops_per_s_min "$log") $(field threads ops_per_s_max "$log")"
    done
}

declare -A TPUT # ALLOCATOR.T -> "median min max" ops/s
if [ ${#THREAD_BUILT[@]} -gt 0 ]; then
    LOAD_THREADS=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
    say "== threaded churn ($THREAD_COUNTS threads, $THREAD_STEPS steps per thread, $RUNS rounds, median; noisy)"
    for t in $THREAD_COUNTS; do
        thread_rounds "$t"
        printf '%s thread(s), M ops/s:' "$t"
        for a in "${THREAD_BUILT[@]}" null; do
            printf ' %s %s' "$a" "$(awk '{ printf "%.1f", $1 / 1e6 }' <<<"${TPUT[$a.$t]}")"
        done
        printf '\n'
    done
fi

phase "threaded churn"

# ---- heap needed -------------------------------------------------------------------

say "== heap needed (bareslab, host)"
declare -A HEAP
HEAP_ALLOCS=()
for a in "${BUILT[@]}"; do
    is_variant "$a" && HEAP_ALLOCS+=("$a")
done
for a in "${HEAP_ALLOCS[@]}"; do
    for w in $HEAP_WORKLOADS; do
        log=$OUT/logs/heap-$a.$w.log
        "$OUT/replay-$a" -H "$w" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
        HEAP[$a.$w]="$(field heap bytes "$log") $(field heap ratio "$log") $(field heap search_bytes "$log")"
        printf '%-18s %-13s %s bytes, %s x peak (binary search alone: %s)\n' "$a" "$w" \
            "$(field heap bytes "$log")" "$(field heap ratio "$log")" "$(field heap search_bytes "$log")"
    done
done
[ ${#HEAP_ALLOCS[@]} -gt 0 ] || note "heap needed skipped: no bareslab build"

phase "heap needed (host)"

# ---- on target: the QEMU boards ------------------------------------------------------

# target_one BOARD IMAGE WORKLOAD: one count run (calibration, then the
# replay) of $OUT/target-BOARD-IMAGE/bench.elf, under the board's -icount.
# Runs from xargs; exit status 255 stops the other runs.
target_one() {
    local board=$1 img=$2 w=$3 log=$OUT/logs/target-$1-$2.$3.log status=0 icount
    icount=ICOUNT_$board
    printf '%s\n' "$w" | QEMU_FLAGS=${!icount} RUN_TIMEOUT=600 scripts/run.sh "$board" \
        "$OUT/target-$board-$img/bench.elf" >"$log" 2>&1 || status=$?
    tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
    if [ "$status" = 3 ]; then
        cat "$log" >&2
        say "bench: on-target $board $img $w: the counter does not count whole instructions (calibration above; QEMU needs ${!icount}): stopping" >&2
        return 255
    fi
    if [ "$status" != 0 ] || ! grep -q '^target .*worst_free_op=' "$log"; then
        cat "$log" >&2
        say "bench: on-target $board $img $w failed (exit status $status), see $log" >&2
        return 255
    fi
    say "$board $img $w: $(sed -n 's/^target name=[^ ]* //p' "$log" | cut -d' ' -f4-)"
}

# heap_target_one BOARD IMAGE WORKLOAD PEAK: the heap needed on the board.
heap_target_one() {
    local log=$OUT/logs/heap-target-$1-$2.$3.log
    if ! tests/bench/heap-target.sh "$1" "$OUT/target-$1-$2/bench.elf" "$3" "$4" >"$log" 2>&1 ||
        ! grep -q '^heap ' "$log"; then
        cat "$log" >&2
        say "bench: heap needed on $1 for $2 $3 failed, see $log" >&2
        return 255
    fi
    say "$1 $2 $3: heap $(sed -n 's/^heap name=[^ ]* //p' "$log")"
}
ICOUNT_arm=${BOARD_ICOUNT[arm]}
ICOUNT_riscv=${BOARD_ICOUNT[riscv]}
export -f target_one heap_target_one
export ICOUNT_arm ICOUNT_riscv

# target_log BOARD IMAGE WORKLOAD: the log of that count run, if it ran.
target_log() {
    local log=$OUT/logs/target-$1-$2.$3.log
    [ -f "$log" ] && grep -q '^target ' "$log" && echo "$log"
}

declare -A TARGET_IMAGES # board -> the images that built
TARGET_BOARDS=()
for board in $BOARDS; do
    missing=
    for t in ${BOARD_TOOLS[$board]}; do command -v "$t" >/dev/null || missing="$missing $t"; done
    if [ -n "$missing" ]; then
        note "on-target figures for ${BOARD_NAME[$board]} skipped: needs$missing"
        continue
    fi
    images=()
    for v in $VARIANT_NAMES; do
        case " $ALLOCATORS " in *" $v "*) images+=("$v") ;; esac
    done
    for l in ${BOARD_LIBCS[$board]}; do images+=("$l"); done
    say "== on target: ${BOARD_NAME[$board]} (${BOARD_MACHINE[$board]}, ${BOARD_COUNTER[$board]}, ${BOARD_ICOUNT[$board]}): build"
    elfs=()
    for i in "${images[@]}"; do elfs+=("$OUT/target-$board-$i/bench.elf"); done
    built=()
    if build -j"$JOBS" "${elfs[@]}" >"$OUT/logs/build-target-$board.log" 2>&1; then
        built=("${images[@]}")
    else
        # Again one at a time, to tell which.
        for i in "${images[@]}"; do
            if build "$OUT/target-$board-$i/bench.elf" >"$OUT/logs/build-target-$board-$i.log" 2>&1; then
                built+=("$i")
            else
                note "on-target $board $i skipped: the image did not build (see $OUT/logs/build-target-$board-$i.log)"
            fi
        done
    fi
    [ ${#built[@]} -gt 0 ] || continue
    TARGET_BOARDS+=("$board")
    TARGET_IMAGES[$board]="${built[*]}"
done

phase "builds for the boards"

# Every count run of every board, the longest workloads first, $JOBS at a time.
if [ ${#TARGET_BOARDS[@]} -gt 0 ]; then
    say "== on target: count runs ($JOBS at a time)"
    for w in kcache mixed pair32 kcache-small mixed-small; do
        for board in "${TARGET_BOARDS[@]}"; do
            case " ${BOARD_WORKLOADS[$board]} " in *" $w "*) ;; *) continue ;; esac
            for i in ${TARGET_IMAGES[$board]}; do printf '%s %s %s\n' "$board" "$i" "$w"; done
        done
    done | xargs -P "$JOBS" -n 3 bash -c 'target_one "$1" "$2" "$3"' _ || {
        say "bench: stopped: an on-target run failed (above)" >&2
        exit 1
    }
    for board in "${TARGET_BOARDS[@]}"; do
        for i in ${TARGET_IMAGES[$board]}; do
            log=$(target_log "$board" "$i" kcache-small) || continue
            say "${BOARD_NAME[$board]}: $(grep -m1 '^calibration ' "$log") (every run's was exact)"
            break
        done
    done
    phase "count runs on the boards"
    say "== on target: heap needed ($JOBS at a time)"
    for board in "${TARGET_BOARDS[@]}"; do
        case " $TARGET_HEAP_BOARDS " in *" $board "*) ;; *) continue ;; esac
        for w in $TARGET_HEAP_WORKLOADS; do
            for i in ${TARGET_IMAGES[$board]}; do
                # QUICK=1: QUICK_HEAP_BUILDS and the C libraries only.
                [ "$QUICK" != 1 ] || ! is_variant "$i" || [[ " $QUICK_HEAP_BUILDS " == *" $i "* ]] || continue
                printf '%s %s %s %s\n' "$board" "$i" "$w" "$(field trace peak_bytes "$OUT/logs/trace-$w.log")"
            done
        done
    done | xargs -P "$JOBS" -n 4 bash -c 'heap_target_one "$1" "$2" "$3" "$4"' _ || {
        say "bench: stopped: a heap search on target failed (above)" >&2
        exit 1
    }
fi

phase "heap needed on target"

# ---- several harts (rv64) ----------------------------------------------------------

# tests/bench/harts.sh: the churn of kernel/churn.c on the rv64 board at 1, 2
# and 4 harts at once, one free in four on another hart, minstret per call.
HART_ROWS=()
declare -A HART_CALL=()  # per call, by "HARTS SMP"
if command -v riscv64-unknown-elf-gcc >/dev/null && command -v qemu-system-riscv64 >/dev/null; then
    say "== several harts (rv64, threaded churn, minstret)"
    if STEPS=$([ "$QUICK" = 1 ] && echo 5000 || echo 20000) tests/bench/harts.sh "$OUT/harts" \
        >"$OUT/logs/harts.log" 2>&1; then
        while read -r _ kv; do
            declare -A h=()
            for x in $kv; do h[${x%%=*}]=${x#*=}; done
            HART_CALL[${h[n]} ${h[smp]}]=${h[call]}
            HART_ROWS+=("| ${h[n]} | \`SMP=${h[smp]}\` | ${h[kmalloc]} | ${h[kfree]} | ${h[call]} | ${h[left_out]} |")
            unset h
        done < <(grep '^harts ' "$OUT/logs/harts.log")
    else
        note "several harts skipped: tests/bench/harts.sh failed (see $OUT/logs/harts.log)"
    fi
else
    note "several harts skipped: riscv64-unknown-elf-gcc or qemu-system-riscv64 missing"
fi

phase "several harts"

# ---- code size ---------------------------------------------------------------------

# closure NM ARCHIVE SYMBOL...: the members of ARCHIVE a link pulls in for
# SYMBOL..., not following what the platform provides (_sbrk, errno, the
# reentrancy struct), since every firmware pays for those anyway.
closure() {
    local nm=$1 ar=$2
    shift 2
    "$nm" -A "$ar" 2>/dev/null | awk -v roots="$*" '
        { n = split($0, a, ":"); obj = a[2]; m = split(a[n], f, " ")
          if (f[m - 1] == "U") { undef[obj] = undef[obj] " " f[m] }
          else if (f[m - 1] ~ /^[TDBRCWVG]$/) { def[f[m]] = obj } }
        END {
          stop = " _sbrk sbrk errno _impure_ptr _global_impure_ptr __errno "
          nq = split(roots, q, " ")
          for (i = 1; i <= nq; i++) {
            s = q[i]; if (index(stop, " " s " ") || !(s in def) || (def[s] in seen)) continue
            o = def[s]; seen[o] = 1; print o
            k = split(undef[o], u, " "); for (j = 1; j <= k; j++) q[++nq] = u[j]
          }
        }'
}

# size_sum SIZE ARCHIVE "MEMBER...": "text data bss" summed over those members.
size_sum() {
    "$1" "$2" | awk -v members=" $3 " 'NR > 1 && index(members, " " $6 " ") {
        t += $1; d += $2; b += $3 } END { print t + 0, d + 0, b + 0 }'
}

# linked_size CC ARCH_FLAGS CFLAGS SOURCE LIBS...: "text data bss" of SOURCE
# (compiled with ARCH_FLAGS CFLAGS) linked with LIBS at -Os, with
# --gc-sections and no start code, entry size_entry(): what the allocator adds
# to a firmware image. "- - -" when it does not link (see logs/size-link.log).
linked_size() {
    local cc=$1 arch_flags=$2 cflags=$3 src=$4 base
    shift 4
    base=$OUT/size/$(basename "$src" .c)-$(basename "${1%.a}")-${cc%%-*}
    mkdir -p "$OUT/size"
    # shellcheck disable=SC2086 # the flags are several words
    if "$cc" $arch_flags $cflags -Os -fno-builtin -ffunction-sections -fdata-sections \
        -Imm/include -c "$src" -o "$base.o" >>"$OUT/logs/size-link.log" 2>&1 &&
        "$cc" $arch_flags -nostdlib -Wl,--gc-sections -Wl,-e,size_entry -o "$base.elf" \
            "$base.o" "$@" -lgcc >>"$OUT/logs/size-link.log" 2>&1; then
        "${cc%gcc}size" "$base.elf" | awk 'NR == 2 { print $1, $2, $3 }'
    else
        echo "- - -"
    fi
}

# needs NM ARCHIVE: the symbols ARCHIVE uses but does not define, less the
# compiler's runtime helpers (__*, from libgcc, which every link has).
needs() {
    "$1" "$2" | awk '$1 == "U" { u[$2] = 1 } NF == 3 && $2 ~ /^[TDBRCWVG]$/ { d[$3] = 1 }
        END { for (s in u) if (!(s in d) && s !~ /^__/) printf "%s ", s }'
}

# size_row LABEL "ARCHIVE SUMS" "LINKED SUMS" OBJECTS: one row of the table,
# with the static RAM of the linked program (.data + .bss).
size_row() {
    SIZE_ROWS+=("| $1 | $(awk '{ printf "%s | %s | %s", $1, $2, $3 }' <<<"$2") | $(awk '{ printf "%s | %s | %s | %s", $1, $2, $3, ($1 == "-" ? "-" : $2 + $3) }' <<<"$3") | $4 |")
}
# The linked "text data bss" of each bareslab row, by "ARCH.ROW", for the goals.
declare -A SIZE_LINKED

say "== code size (-Os)"
SIZE_ROWS=()
SIZE_DETAIL=()
# size_lib ARCH LABEL PREFIX CFLAGS LIBC VARIANT MM_CONFIG MEMBERS: build libmm.a
# for ARCH at -Os with MM_CONFIG, add the row of VARIANT counting the archive
# members MEMBERS (all when empty). LIBC supplies what libmm.a calls but does
# not define, if anything.
size_lib() {
    local arch=$1 label=$2 prefix=$3 cflags=$4 libc=$5 variant=$6 config=$7 members=$8
    local tag lib ext dir
    tag=$(size_tag "$variant")
    dir=$OUT/size-$arch-$tag
    if ! command -v "${prefix}gcc" >/dev/null; then
        note "code size for $arch skipped: ${prefix}gcc is missing"
        return
    fi
    if ! make --no-print-directory lib ARCH="$arch" O="$dir" EXTRA_CFLAGS=-Os MM_CONFIG="$config" \
        >"$OUT/logs/size-$arch-$tag.log" 2>&1; then
        note "code size for $arch $variant skipped: make lib failed (see $OUT/logs/size-$arch-$tag.log)"
        return
    fi
    lib=$dir/libmm.a
    [ -n "$members" ] || members=$("${prefix}ar" t "$lib" | tr '\n' ' ')
    ext=$(needs "${prefix}nm" "$lib")
    if [ -n "$ext" ]; then
        note "libmm.a for $arch ($variant) calls ${ext% } (a freestanding library should need none); the linked size takes it from $(basename "$libc")"
    fi
    SIZE_LINKED[$arch.$variant]=$(linked_size "${prefix}gcc" "$cflags" -ffreestanding tests/bench/size_mm.c "$lib" ${ext:+"$libc"})
    size_row "$variant, $label" "$(size_sum "${prefix}size" "$lib" "$members")" \
        "${SIZE_LINKED[$arch.$variant]}" "MM_CONFIG=\`${config:-(defaults)}\`: ${members% }"
    SIZE_DETAIL+=("$label, $variant: $("${prefix}size" "$lib" | awk 'NR > 1 { printf "%s%s %d+%d+%d", sep, $6, $1, $2, $3; sep = ", " }')")
}
# size_tag ROW: the row's name as a folder name.
size_tag() {
    local t=${1// /-}
    echo "${t//+/}"
}
# The rows: the core (page allocator or runs, pools, kmalloc) of every
# bareslab build, then the defaults with the statistics and validator, then
# with the debug layer: "name|MM_CONFIG|archive members counted (all when
# empty)". A mode compiles the other's members empty.
CORE_MEMBERS="port.o util.o page_alloc.o runs.o slab.o lookup.o kmalloc.o"
SIZE_CONFIGS=()
for v in $VARIANT_NAMES; do SIZE_CONFIGS+=("$v|${VARIANT_CONFIG[$v]}|$CORE_MEMBERS"); done
SIZE_CONFIGS+=("defaults +stats+validate||$CORE_MEMBERS stats.o validate.o")
SIZE_CONFIGS+=("defaults +debug|-DCONFIG_MM_DEBUG=1|")
size_libs() {
    local c name config members
    for c in "${SIZE_CONFIGS[@]}"; do
        IFS='|' read -r name config members <<<"$c"
        size_lib "$@" "$name" "$config" "$members"
    done
}
# size_build ARCH DIR MM_CONFIG: build one libmm.a at -Os; size_lib's own make
# then finds it up to date (or fails again, into its log).
size_build() {
    make --no-print-directory lib ARCH="$1" O="$2" EXTRA_CFLAGS=-Os MM_CONFIG="$3" >/dev/null 2>&1 || true
}
export -f size_build
# size_malloc LABEL PREFIX ARCH_FLAGS CFLAGS ARCHIVE: add the row of a C library's
# malloc and free.
size_malloc() {
    local label=$1 prefix=$2 arch_flags=$3 cflags=$4 lib=$5 members
    if [ ! -f "$lib" ]; then
        note "$label skipped: $lib is missing"
        return
    fi
    members=$(closure "${prefix}nm" "$lib" malloc free | tr '\n' ' ')
    size_row "$label" "$(size_sum "${prefix}size" "$lib" "$members")" \
        "$(linked_size "${prefix}gcc" "$arch_flags" "$cflags" tests/bench/size_libc.c "$lib")" "${members% }"
}

ARM_CFLAGS="-mcpu=cortex-m3 -mthumb"
RV_CFLAGS="-march=rv64imac -mabi=lp64 -mcmodel=medany"
PICOLIBC=/usr/lib/picolibc/riscv64-unknown-elf/lib/rv64imac/lp64/libc.a
NEWLIB=
if command -v arm-none-eabi-gcc >/dev/null; then
    # shellcheck disable=SC2086 # several flags
    NEWLIB=$(arm-none-eabi-gcc $ARM_CFLAGS -print-file-name=libc.a)
fi
: >"$OUT/logs/size-link.log"
for arch in arm riscv; do
    for c in "${SIZE_CONFIGS[@]}"; do
        IFS='|' read -r name config _ <<<"$c"
        printf '%s\0%s\0%s\0' "$arch" "$OUT/size-$arch-$(size_tag "$name")" "$config"
    done
done | xargs -0 -n 3 -P "$JOBS" bash -c 'size_build "$1" "$2" "$3"' _
size_libs arm "Cortex-M3" arm-none-eabi- "$ARM_CFLAGS" "${NEWLIB%.a}_nano.a"
size_libs riscv "rv64imac" riscv64-unknown-elf- "$RV_CFLAGS" "$PICOLIBC"
if [ -n "$NEWLIB" ]; then
    for l in "$NEWLIB" "${NEWLIB%.a}_nano.a"; do
        size_malloc "newlib $(basename "$l") malloc+free, Cortex-M3" arm-none-eabi- "$ARM_CFLAGS" \
            -DSTUB_NEWLIB "$l"
    done
fi
if command -v riscv64-unknown-elf-gcc >/dev/null; then
    size_malloc "picolibc libc.a malloc+free, rv64imac" riscv64-unknown-elf- "$RV_CFLAGS" \
        -specs=picolibc.specs "$PICOLIBC"
fi
for r in "${SIZE_ROWS[@]}"; do say "$r"; done

phase "code size"

# ---- chart -----------------------------------------------------------------------

CHART=$OUT/instructions.svg
rm -f "$CHART"
if [ "$HAVE_VALGRIND" = 1 ] && command -v gnuplot >/dev/null; then
    {
        printf 'workload'
        for a in "${BUILT[@]}"; do printf ' %s' "$a"; done
        printf '\n'
        for w in $WORKLOADS; do
            printf '%s' "$w"
            for a in "${BUILT[@]}"; do printf ' %s' "${IPO[$a.$w]}"; done
            printf '\n'
        done
    } >"$OUT/instructions.dat"
    gnuplot <<EOF
set terminal svg size 900,480 dynamic font "sans,12"
set output "$CHART"
set title "Instructions per operation (callgrind, replay overhead subtracted; lower is better)"
set ylabel "instructions / op"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top vertical
set grid ytics
set yrange [0:*]
plot for [i=2:$((${#BUILT[@]} + 1))] "$OUT/instructions.dat" using i:xtic(1) title columnheader(i)
EOF
else
    note "chart skipped: needs valgrind and gnuplot (apt-get install gnuplot-nox)"
fi

phase "chart"

# ---- goals ---------------------------------------------------------------------

# Where a goal's figure comes from: each prints the figure measured, or
# nothing when this run did not measure it.
goal_ipo() { echo "${IPO[$1.$2]:-}"; }              # ALLOCATOR WORKLOAD
goal_heap() { [ -z "${HEAP[$1.$2]:-}" ] || awk '{ print $2 }' <<<"${HEAP[$1.$2]}"; }
goal_target() {                                     # BOARD IMAGE WORKLOAD KEY
    local log
    log=$(target_log "$1" "$2" "$3") && field target "$4" "$log"
}
goal_target_worst() {                               # BOARD IMAGE WORKLOAD
    local log a f
    log=$(target_log "$1" "$2" "$3") || return 0
    a=$(field target worst_alloc "$log")
    f=$(field target worst_free "$log")
    echo $((a > f ? a : f))
}
goal_heap_target() {                                # BOARD IMAGE WORKLOAD
    local log=$OUT/logs/heap-target-$1-$2.$3.log
    [ -f "$log" ] || return 0
    if [ "$(field heap bytes "$log")" = - ]; then echo "does not fit"; else field heap ratio "$log"; fi
}
goal_size() {                                       # ARCH ROW text|ram
    local s=${SIZE_LINKED[$1.$2]:-}
    [ -n "$s" ] || return 0
    awk -v k="$3" '$1 != "-" { print (k == "text" ? $1 : $2 + $3) }' <<<"$s"
}

# goal_threads A B T: A's throughput over B's in the threaded churn at T
# threads, and what the table shows: both in M ops/s.
goal_threads() {
    [ -n "${TPUT[$1.$3]:-}" ] && [ -n "${TPUT[$2.$3]:-}" ] || return 0
    awk -v a="${TPUT[$1.$3]%% *}" -v b="${TPUT[$2.$3]%% *}" -v na="$1" -v nb="$2" 'BEGIN {
        printf "%.2f|%.2f (%s %.1f, %s %.1f M ops/s)\n", a / b, a / b, na, a / 1e6, nb, b / 1e6 }'
}

# The goals, one row each: "group|figure|where (board or host, build)|goal
# as shown|<= or >= (the figure must not exceed or must reach the limit), or
# report (no goal: the issue asks for the figure only)|limit|how to fetch
# the figure". Groups: static (the static-region mode, issue 12), page (the
# page-allocator mode, issues 11 and 12), threads (issue 13).
GOALS=()
goal() { GOALS+=("$1|$2|$3|$4|$5|$6|$7"); }
declare -A GOAL_GROUP_TITLE=(
    [static]="Static-region mode: \`bareslab-static\` (issue 12)"
    [page]="Page-allocator mode: \`bareslab\`, \`bareslab-hardened\` (issues 11 and 12)"
    [threads]="Threads on the host: \`bareslab-smp\` (issue 13)"
)
GOAL_GROUPS="static page threads"
# mode_goals GROUP BUILD: the rows issue 12 gives both modes, for BUILD; in the
# static-region mode the small heaps, code and static RAM have goals and the
# large heaps are reported, in the page-allocator mode the other way round.
mode_goals() {
    local g=$1 b=$2 w
    for w in kcache-small mixed-small; do
        goal "$g" "average instructions per op, \`$w\`" "Cortex-M3, $b" "≤ 25" "<=" 25 "goal_target arm $b $w instructions_per_op"
        goal "$g" "average instructions per op, \`$w\`" "rv64, $b" "≤ 25" "<=" 25 "goal_target riscv $b $w instructions_per_op"
    done
    for w in kcache-small mixed-small; do
        goal "$g" "worst single ALLOC or FREE after set-up, \`$w\`" "Cortex-M3, $b" "≤ 90" "<=" 90 "goal_target_worst arm $b $w"
        goal "$g" "worst single ALLOC or FREE after set-up, \`$w\`" "rv64, $b" "≤ 120" "<=" 120 "goal_target_worst riscv $b $w"
    done
    if [ "$g" = static ]; then
        set -- "≤ 1.15" "<=" 1.15 "≤ 1.25" "<=" 1.25 report report "" report report ""
    else
        set -- report report "" report report "" "≤ 1.10" "<=" 1.10 "≤ 1.20" "<=" 1.20
    fi
    goal "$g" "heap needed, \`kcache-small\`" "Cortex-M3, $b" "$1" "$2" "$3" "goal_heap_target arm $b kcache-small"
    goal "$g" "heap needed, \`mixed-small\`" "Cortex-M3, $b" "$4" "$5" "$6" "goal_heap_target arm $b mixed-small"
    goal "$g" "heap needed, \`kcache-small\`" "host (64-bit, as rv64), $b" "$1" "$2" "$3" "goal_heap $b kcache-small"
    goal "$g" "heap needed, \`mixed-small\`" "host (64-bit, as rv64), $b" "$4" "$5" "$6" "goal_heap $b mixed-small"
    goal "$g" "heap needed, \`kcache\`" "host, $b" "$7" "$8" "$9" "goal_heap $b kcache"
    goal "$g" "heap needed, \`mixed\`" "host, $b" "${10}" "${11}" "${12}" "goal_heap $b mixed"
    if [ "$g" = static ]; then
        set -- "≤ 3 KiB (3072)" "<=" 3072 "≤ 512" "<=" 512
    else
        set -- report report "" report report ""
    fi
    goal "$g" "core code (pages or runs, pools, kmalloc), linked, -Os, bytes" "Cortex-M3, $b" "$1" "$2" "$3" "goal_size arm $b text"
    goal "$g" "allocator's own .data + .bss, bytes" "Cortex-M3, $b" "$4" "$5" "$6" "goal_size arm $b ram"
}
mode_goals static bareslab-static
mode_goals page bareslab
set -- 20 16 16 18 22
for w in pair32 lifo64 fifo64 kcache mixed; do
    goal page "instructions per op, \`$w\` (callgrind)" "host, bareslab" "≤ $1" "<=" "$1" "goal_ipo bareslab $w"
    shift
done
set -- 23 19 19 21 25
for w in pair32 lifo64 fifo64 kcache mixed; do
    goal page "instructions per op, \`$w\` (callgrind)" "host, bareslab-hardened" "≤ $1" "<=" "$1" "goal_ipo bareslab-hardened $w"
    shift
done
goal threads "threaded churn, 2 threads: throughput ÷ glibc's" "host, bareslab-smp" "≥ 1.00" ">=" 1 "goal_threads bareslab-smp glibc 2"
goal threads "threaded churn, 2 threads: throughput ÷ tcmalloc's" "host, bareslab-smp" "≥ 1.00" ">=" 1 "goal_threads bareslab-smp tcmalloc 2"
goal threads "threaded churn, 2 threads: mimalloc's throughput ÷ this one's" "host, bareslab-smp" "≤ 1.25" "<=" 1.25 "goal_threads mimalloc bareslab-smp 2"

# The tables' rows by group (GOAL_ROWS[group]), and GOALS_MET / GOALS_MISSED
# / GOALS_UNMEASURED / GOALS_REPORTED. A missed goal says by how much: the
# difference, and the figure as a multiple of the goal.
GOALS_MET=0 GOALS_MISSED=0 GOALS_UNMEASURED=0 GOALS_REPORTED=0
declare -A GOAL_ROWS
for g in "${GOALS[@]}"; do
    IFS='|' read -r group figure where shown op limit cmd <<<"$g"
    read -r -a argv <<<"$cmd"
    value=$("${argv[@]}" 2>/dev/null || true)
    number=${value%%|*}
    value=${value#*|}
    if [ -z "$value" ]; then
        status="not measured"
        value="not measured"
        GOALS_UNMEASURED=$((GOALS_UNMEASURED + 1))
    elif [ "$op" = report ]; then
        status="reported"
        GOALS_REPORTED=$((GOALS_REPORTED + 1))
    elif awk -v v="$number" -v l="$limit" -v op="$op" 'BEGIN {
            exit !(v ~ /^[0-9.]+$/ && (op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0)) }'; then
        status="met"
        GOALS_MET=$((GOALS_MET + 1))
    else
        status="**missed**$(awk -v v="$number" -v l="$limit" 'BEGIN {
            if (v !~ /^[0-9.]+$/) exit
            d = v - l; if (d < 0) d = -d
            n = index(v, ".") ? length(v) - index(v, ".") : 0
            printf " by %.*f (%.2fx the goal)", n, d, v / l }')"
        GOALS_MISSED=$((GOALS_MISSED + 1))
    fi
    GOAL_ROWS[$group]+="| $figure | $where | $shown | $value | $status |"$'\n'
done
say "== goals: $GOALS_MET met, $GOALS_MISSED missed, $GOALS_UNMEASURED not measured; $GOALS_REPORTED figures reported"
# goal_tables: every group's table, under its title.
goal_tables() {
    local g
    for g in $GOAL_GROUPS; do
        [ -n "${GOAL_ROWS[$g]:-}" ] || continue
        say "### ${GOAL_GROUP_TITLE[$g]}"
        say
        say "| figure | where, build | goal | measured | |"
        say "| --- | --- | ---: | ---: | --- |"
        printf '%s' "${GOAL_ROWS[$g]}"
        say
    done
}
goal_tables

# ---- report --------------------------------------------------------------------

# The region of the count runs, per board: "Cortex-M3: 3145728 bytes; ...".
REGIONS=
for board in "${TARGET_BOARDS[@]}"; do
    for i in ${TARGET_IMAGES[$board]}; do
        log=$(target_log "$board" "$i" kcache-small) || continue
        REGIONS="$REGIONS${BOARD_NAME[$board]}: $(field target region "$log") bytes; "
        break
    done
done

ELAPSED=$(($(date +%s) - START))
{
    say "# bareslab benchmark"
    say
    say "- Mode: $MODE; took ${ELAPSED} s ($(printf '%s, ' "${PHASES[@]}" | sed 's/, $//')); load average ${LOAD_START} at the start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown) at the end (wall-clock figures mean little when it is above 1)."
    say "- Commit: $(git describe --always --dirty 2>/dev/null || echo unknown); $(date -u '+%Y-%m-%d %H:%M UTC')."
    say "- Host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs; $(gcc --version | head -1); $(valgrind --version 2>/dev/null || echo 'no valgrind')."
    say "- Workloads: shared/bench/WORKLOADS.md, generated by tests/bench/trace.c; each is replayed in a fresh process."
    builds=$(for v in $VARIANT_NAMES $SMP_NAMES; do printf '`%s`: MM_CONFIG=`%s`; ' "$v" "${VARIANT_CONFIG[$v]}"; done)
    say "- bareslab builds (host and boards at -O2, sizes at -Os): ${builds%; } (\`bareslab-hardened\` leaves the debug and hardening options at their defaults; \`bareslab-static\` has no page allocator and takes that mode's defaults for everything else; \`bareslab-smp\`, for several CPUs, runs in the threaded churn only)."
    origins=$(for a in "${BUILT[@]}"; do
        printf '%s (%s), ' "$a" "$(sed -n 's/^alloc origin=//p' "$OUT/logs/time-$a.${WORKLOADS%% *}.log")"
    done)
    for a in "${THREAD_BUILT[@]}"; do
        is_smp "$a" && origins="$origins$a ($(sed -n 's/^alloc origin=//p' "$OUT/logs/threads-$a.${THREAD_COUNTS%% *}.log")), "
    done
    say "- Allocators, with where malloc was bound: ${origins%, }."
    say
    say "## Goals"
    say
    say "What the allocator must reach (the benchmark only shows it): each goal beside the figure this run"
    say "measured, from the sections below, one table per mode of \`mm/\` and one for threads; a missed goal"
    say "says by how much (the difference, and the figure as a multiple of the goal); *report* rows are"
    say "figures the issues ask to see without a goal. $GOALS_MET met, $GOALS_MISSED missed, $GOALS_UNMEASURED not measured in this"
    say "run$([ "$QUICK" = 1 ] && echo " (QUICK=1 does not replay kcache and mixed on the host, nor search the heap on the board but for ${QUICK_HEAP_BUILDS// /, })"); $GOALS_REPORTED figures reported."
    say
    goal_tables
    say "## Traces"
    say
    say "| workload | ops | peak live requested bytes | checksum | WORKLOADS.md |"
    say "| --- | ---: | ---: | --- | --- |"
    for w in $TRACE_ROWS; do
        log=$OUT/logs/trace-$w.log
        say "| \`$w\` | $(field trace ops "$log") | $(field trace peak_bytes "$log") | \`$(field trace checksum "$log")\` | $(field trace reference "$log") |"
    done
    say
    if [ "$HAVE_VALGRIND" = 1 ]; then
        say "## Instructions per operation"
        say
        say "Instructions retired inside \`replay_run()\` (callgrind \`--toggle-collect=replay_run\`), less those of the"
        say "same replay against an allocator that does nothing, divided by the op count. Exact and repeatable."
        say
        printf '| allocator |'; for w in $WORKLOADS; do printf ' `%s` |' "$w"; done; printf '\n'
        printf '| --- |'; for w in $WORKLOADS; do printf ' ---: |'; done; printf '\n'
        for a in "${BUILT[@]}"; do
            printf '| %s |' "$a"; for w in $WORKLOADS; do printf ' %s |' "${IPO[$a.$w]}"; done; printf '\n'
        done
        printf '| *replay overhead (null)* |'
        for w in $WORKLOADS; do
            printf ' %s |' "$(awk -v n="$(total_ir null "$w")" -v o="$(field trace ops "$OUT/logs/trace-$w.log")" 'BEGIN { printf "%.1f", n / o }')"
        done
        printf '\n'
        say
        if [ "$REF_COMPARED" -gt 0 ]; then
            say "Cross-check: $((REF_COMPARED - REF_OFF)) of the $REF_COMPARED figures of glibc, jemalloc, mimalloc and tcmalloc that"
            say "the issue also measured are within 2 instructions of its values$([ "$REF_OFF" = 0 ] || echo ' (the others are in the notes)')."
            say
        fi
        if [ -f "$CHART" ]; then
            say "![instructions per operation](instructions.svg)"
            say
        fi
    fi
    say "## Wall clock (noisy)"
    say
    say "Nanoseconds per operation, median of $RUNS replays in one process (the first one cold), less the"
    say "median of the null allocator. Depends on the machine and its load; compare within one run only."
    say
    printf '| allocator |'; for w in $WORKLOADS; do printf ' `%s` |' "$w"; done; printf '\n'
    printf '| --- |'; for w in $WORKLOADS; do printf ' ---: |'; done; printf '\n'
    for a in "${BUILT[@]}"; do
        printf '| %s |' "$a"; for w in $WORKLOADS; do printf ' %s |' "${NS[$a.$w]}"; done; printf '\n'
    done
    printf '| *replay overhead (null)* |'; for w in $WORKLOADS; do printf ' %s |' "${NS[null.$w]}"; done; printf '\n'
    say
    if [ ${#THREAD_BUILT[@]} -gt 0 ]; then
        say "## Threaded churn (noisy)"
        say
        say "tests/bench/threads.c: each thread replays a churn of its own (WORKLOADS.md's driver with"
        say "kcache-small's sizes, L = 1024, N = $THREAD_STEPS, seed 100 + thread), generated before the timing,"
        say "and hands every fourth FREE to the next thread, which frees the block (one thread hands to itself)."
        say "Throughput: the ops of every thread's trace over the wall-clock time from the first thread's start"
        say "to the last one's end, harness included. One process per allocator generates its traces once; then"
        say "$RUNS rounds, each asking every process in turn for one run (new threads each run, the allocator warm"
        say "after its first), so that all of them meet the machine's load alike; the median of each one's runs,"
        say "the lowest and highest in brackets. The machine has $(nproc) CPUs; load average ${LOAD_THREADS:-unknown} when this"
        say "part started. Millions of ops per second, higher is better:"
        say
        printf '| allocator |'; for t in $THREAD_COUNTS; do printf ' %s thread%s |' "$t" "$([ "$t" = 1 ] || echo s)"; done
        printf ' %s ÷ 1 |\n' "${THREAD_COUNTS##* }"
        printf '| --- |'; for t in $THREAD_COUNTS; do printf ' ---: |'; done; printf ' ---: |\n'
        for a in "${THREAD_BUILT[@]}" null; do
            if [ "$a" = null ]; then printf '| *harness alone (null)* |'; else printf '| %s |' "$a"; fi
            for t in $THREAD_COUNTS; do
                awk '{ printf " %.1f (%.1f-%.1f) |", $1 / 1e6, $2 / 1e6, $3 / 1e6 }' <<<"${TPUT[$a.$t]}"
            done
            awk -v h="${TPUT[$a.${THREAD_COUNTS##* }]%% *}" -v l="${TPUT[$a.${THREAD_COUNTS%% *}]%% *}" \
                'BEGIN { printf " %.2f |\n", h / l }'
        done
        say
    fi
    if [ ${#HEAP_ALLOCS[@]} -gt 0 ]; then
        say "## Heap needed"
        say
        say "The smallest region given to \`mm_add_region()\` above which every size tried runs the whole trace"
        say "without a failed allocation, divided by the trace's peak of live requested bytes; one fresh process per"
        say "try, the region on a 4 MiB boundary, page descriptors included. Success is not monotonic in the"
        say "size (a region may run a trace that a slightly larger one fails), so the search (replay.c -H) works on"
        say "a grid of 1% steps, g(0) = peak, g(k + 1) = g(k) + ceil(g(k) / 100): it brackets in steps of 16, binary"
        say "searches down to two neighbours (what a plain search would report), then tries every grid size from"
        say "there up to the bracket's top. The figure is the grid size just above the largest one that failed."
        say
        printf '| workload | peak live bytes |'; for a in "${HEAP_ALLOCS[@]}"; do printf ' %s bytes | %s ratio |' "$a" "$a"; done; printf '\n'
        printf '| --- | ---: |'; for a in "${HEAP_ALLOCS[@]}"; do printf ' ---: | ---: |'; done; printf '\n'
        moved=()
        for w in $HEAP_WORKLOADS; do
            printf '| `%s` | %s |' "$w" "$(field trace peak_bytes "$OUT/logs/trace-$w.log")"
            for a in "${HEAP_ALLOCS[@]}"; do
                read -r bytes ratio search <<<"${HEAP[$a.$w]}"
                printf ' %s | %s |' "$bytes" "$ratio"
                [ "$search" = "$bytes" ] || moved+=("$a \`$w\`: $search bytes")
            done
            printf '\n'
        done
        say
        if [ ${#moved[@]} -gt 0 ]; then
            say "Where a plain binary search would have stopped lower (a larger size failed above it): $(printf '%s; ' "${moved[@]}" | sed 's/; $//')."
            say
        fi
    fi
    if [ ${#TARGET_BOARDS[@]} -gt 0 ]; then
        say "## On target"
        say
        say "tests/bench/target.c replays each trace on the bare board, one boot per workload (so a fresh"
        say "allocator): libmm.a from \`make lib ARCH=...\` at -O2 with the same MM_CONFIG as on the host; the"
        say "C libraries' malloc and free in images built the same way, their sbrk given the same region"
        say "(${REGIONS%; }, on a 1 MiB boundary at the top of the board's last RAM bank). The trace is generated op by op"
        say "between the counted calls, and its checksum checked. The board's counter is read around every op,"
        say "once against an allocator that does nothing and once against the one measured, and every reading"
        say "is converted to whole instructions with the board's calibration (below). *ALLOC*, *FREE*: average"
        say "instructions of one ALLOC, one FREE; *per op*: over every op (set-up included, as on the host); each"
        say "less the null pass. *Worst*: the largest single ALLOC or FREE after op 0 (its index in the trace in"
        say "brackets), less the null pass's cost of one op. Set-up is in its own table below."
        say
        for board in "${TARGET_BOARDS[@]}"; do
            cal_runs=0
            cal_log=
            for i in ${TARGET_IMAGES[$board]}; do
                for w in ${BOARD_WORKLOADS[$board]}; do
                    log=$(target_log "$board" "$i" "$w") || continue
                    [ -n "$cal_log" ] || cal_log=$log
                    grep -q '^calibration .*exact=yes$' "$log" && cal_runs=$((cal_runs + 1))
                done
            done
            say "### ${BOARD_NAME[$board]} (${BOARD_MACHINE[$board]})"
            say
            say "Counter: ${BOARD_COUNTER[$board]}, under \`${BOARD_ICOUNT[$board]}\`. Each image calibrates it before"
            say "replaying: it times a jump into runs of 0 to \`nops\` nops and a known mix of instructions between"
            say "two reads (arch_cycles_nops(), arch_cycles_mix() in arch/$board), takes the ticks per instruction"
            say "as the simplest fraction within two ticks of the longest run, and checks that every run and the mix"
            say "convert to exactly their instruction count with every reading within one tick; a run that is not"
            say "exact stops the benchmark. Calibration of the first run (all $cal_runs runs of this board were exact):"
            say
            say "    $(grep -m1 '^calibration ' "$cal_log")"
            say
            say "| build | workload | ALLOC | FREE | per op | worst ALLOC (op) | worst FREE (op) |"
            say "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
            for i in ${TARGET_IMAGES[$board]}; do
                for w in ${BOARD_WORKLOADS[$board]}; do
                    log=$(target_log "$board" "$i" "$w") || continue
                    say "| $(image_label "$i") | \`$w\` | $(field target alloc_per_op "$log") | $(field target free_per_op "$log") | $(field target instructions_per_op "$log") | $(field target worst_alloc "$log") ($(field target worst_alloc_op "$log")) | $(field target worst_free "$log") ($(field target worst_free_op "$log")) |"
                done
            done
            say
        done
        say "### Set-up"
        say
        say "What the calls that set the allocator up cost, in instructions, less a call that does nothing:"
        say "\`mm_add_region()\` of the region the runs use (its page descriptors are written then, so this grows"
        say "with the region), and the first ALLOC of each trace (op 0, left out of the worst figures above). The"
        say "C libraries have no set-up call: their sbrk is simply given the region."
        say
        say "| board | build | region bytes | \`mm_add_region()\` | first ALLOC, \`kcache-small\` | first ALLOC, \`mixed-small\` |"
        say "| --- | --- | ---: | ---: | ---: | ---: |"
        for board in "${TARGET_BOARDS[@]}"; do
            for i in ${TARGET_IMAGES[$board]}; do
                k=$(target_log "$board" "$i" kcache-small) || continue
                m=$(target_log "$board" "$i" mixed-small) || continue
                say "| ${BOARD_NAME[$board]} | $(image_label "$i") | $(field target region "$k") | $(field target add_region "$k") | $(field target first_alloc "$k") | $(field target first_alloc "$m") |"
            done
        done
        say
        heap_rows=()
        for board in "${TARGET_BOARDS[@]}"; do
            for i in ${TARGET_IMAGES[$board]}; do
                for w in $TARGET_HEAP_WORKLOADS; do
                    log=$OUT/logs/heap-target-$board-$i.$w.log
                    [ -f "$log" ] || continue
                    heap_rows+=("| ${BOARD_NAME[$board]} | $(image_label "$i") | \`$w\` | $(field trace peak_bytes "$OUT/logs/trace-$w.log") | $(field heap bytes "$log") | $(field heap ratio "$log") | $(field heap search_bytes "$log") | $(field heap tries "$log") |")
                done
            done
        done
        if [ ${#heap_rows[@]} -gt 0 ]; then
            say "### Heap needed on target"
            say
            say "As on the host (the same grid and search, tests/bench/heap-target.sh), one boot of the image per"
            say "try with the region's size on its console line, without -icount; the region ends at the top of the"
            say "board's last RAM bank and starts on a 1 MiB boundary. *Plain search*: where a binary search alone"
            say "would have stopped."
            say
            say "| board | build | workload | peak live bytes | heap needed | ratio | plain search | tries |"
            say "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
            for r in "${heap_rows[@]}"; do say "$r"; done
            say
        fi
    fi
    if [ ${#HART_ROWS[@]} -gt 0 ]; then
        say "## Several harts (rv64)"
        say
        say "tests/bench/harts.sh: the demo firmware built with \`make ARCH=riscv SMP=N MM_CONFIG=\` (per-CPU"
        say "caches from N = 2 on), its \`churn\` command under QEMU virt \`-icount shift=0\`: every hart at once"
        say "keeps 256 kmalloc blocks of 48, 96, 192 or 320 bytes and each step frees one and allocates one,"
        say "with its own seed; one free in four is handed to another hart, which frees it. minstret is read"
        say "around every kmalloc and kfree (less an empty pair of reads); the figures are per call, averaged"
        say "over the harts. *Left out*: calls another hart's turn ran inside (QEMU runs the harts in turns"
        say "under -icount). The \`SMP=4\` image on 1 hart shows the per-CPU caches' own cost."
        say
        say "| harts | build | per kmalloc | per kfree | per call | left out |"
        say "| ---: | --- | ---: | ---: | ---: | ---: |"
        for r in "${HART_ROWS[@]}"; do say "$r"; done
        say
        one=${HART_CALL[1 1]:-}
        four=${HART_CALL[4 4]:-}
        same=${HART_CALL[1 4]:-}
        if [ -n "$one" ] && [ -n "$four" ]; then
            say "Goal (issue 13): at 4 harts within 1.2x of the 1-hart figure: $(awk -v a="$four" -v b="$one" -v c="$same" 'BEGIN {
                r = a / b; printf "%.2fx of the one-CPU build (%s)", r, r <= 1.2 ? "met" : "missed"
                if (c != "") { r = a / c; printf "; %.2fx of the SMP=4 image on 1 hart (%s)", r, r <= 1.2 ? "met" : "missed" } }')."
            say
        fi
    fi
    if [ ${#SIZE_ROWS[@]} -gt 0 ]; then
        say "## Code size and static RAM"
        say
        say "Bytes at -Os, as \`size\` counts them (text includes read-only data). *Archive*: bareslab's"
        say "libmm.a (\`make lib ARCH=... EXTRA_CFLAGS=-Os MM_CONFIG=...\`), the members named: the core is port,"
        say "util, page_alloc or runs (the other mode's is empty), slab, lookup, kmalloc; for a C library, the members that a link of malloc and free pulls in."
        say "*Linked*: the smallest program on the allocator (tests/bench/size_mm.c: mm_add_region, kmalloc,"
        say "kfree; tests/bench/size_libc.c: malloc, free) linked with --gc-sections and no start code."
        say "*Static RAM*: its .data + .bss, what the allocator itself takes (class and region descriptors;"
        say "size_mm.c has none of its own). What the platform provides anyway is left out: _sbrk/sbrk, errno"
        say "and newlib's reentrancy pointer (stubbed in size_libc.c: 8 bytes of .bss on Cortex-M3)."
        say
        say "| library | archive text | data | bss | linked text | data | bss | static RAM | archive members |"
        say "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        for r in "${SIZE_ROWS[@]}"; do say "$r"; done
        say
        for d in "${SIZE_DETAIL[@]}"; do say "- libmm.a per object (text+data+bss), $d."; done
        say
    fi
    if [ ${#NOTES[@]} -gt 0 ]; then
        say "## Notes"
        say
        for n in "${NOTES[@]}"; do say "- $n"; done
        say
    fi
} >"$REPORT"

say "== bench: report in $REPORT, chart in $CHART (${ELAPSED} s)"
