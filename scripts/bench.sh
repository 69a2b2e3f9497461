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
#   3. heap needed by bareslab: smallest region / peak live requested bytes;
#   4. on target: instructions per operation and the worst single op on the
#      QEMU virt board (rv64), read from minstret (tests/bench/target.c);
#   5. code size of libmm.a at -Os for Cortex-M3 and rv64, beside the malloc
#      objects of newlib (libc.a, libc_nano.a) and picolibc;
#   6. a bar chart of (1), $BENCH_OUT/instructions.svg (gnuplot).
#
# Environment:
#   QUICK=1        fast run (< 2 min): kcache-small and mixed-small stand in
#                  for kcache and mixed, 3 timed runs instead of 7
#   BENCH_OUT=dir  output folder (default build/bench)
#   BENCH_JOBS=n   callgrind runs in parallel (default: nproc)
#   ALLOCATORS="glibc jemalloc ..."  a subset of the allocators below
#
# Needs gcc, valgrind, gnuplot (chart only), libjemalloc-dev, libmimalloc-dev,
# libgoogle-perftools-dev (tcmalloc), arm-none-eabi and riscv64-unknown-elf
# toolchains and picolibc-riscv64-unknown-elf (code size), qemu-system-riscv64
# (on target). What is missing is skipped and said so in the
# report; bareslab is skipped the same way while libmm.a does not build.

# shellcheck disable=SC2016 # backquotes in single quotes are Markdown, not commands
set -euo pipefail
cd "$(dirname "$0")/.."
# Run from `make bench`: the caller's make variables (O=, ARCH=, ...) must
# not leak into the builds below, which set their own.
unset MAKEFLAGS MFLAGS MAKELEVEL

QUICK=${QUICK:-0}
OUT=${BENCH_OUT:-build/bench}
JOBS=${BENCH_JOBS:-$(nproc 2>/dev/null || echo 1)}
ALL_ALLOCATORS="glibc jemalloc mimalloc tcmalloc bareslab bareslab-hardened bareslab-small"
ALLOCATORS=${ALLOCATORS:-$ALL_ALLOCATORS}

if [ "$QUICK" = 1 ]; then
    WORKLOADS="pair32 lifo64 fifo64 kcache-small mixed-small"
    RUNS=3
    MODE="QUICK=1 (kcache-small and mixed-small stand in for kcache and mixed; $RUNS timed runs)"
else
    WORKLOADS="pair32 lifo64 fifo64 kcache mixed"
    RUNS=7
    MODE="full ($RUNS timed runs)"
fi
HEAP_WORKLOADS="pair32 lifo64 fifo64 kcache mixed kcache-small mixed-small"
# On the rv64 board: the small traces (the issue's), then the full-size churns.
TARGET_WORKLOADS="kcache-small mixed-small pair32 kcache mixed"
[ "$QUICK" = 1 ] && TARGET_WORKLOADS="kcache-small mixed-small"

START=$(date +%s)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
mkdir -p "$OUT/logs" "$OUT/callgrind"
REPORT=$OUT/report.md
NOTES=()

say() { printf '%s\n' "$*"; }
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

# bareslab: single-threaded (no lock calls) in both builds; "bareslab" also has
# every debug and hardening option of mm/include/mm/config.h off, while
# "bareslab-hardened" leaves them at their defaults.
MM_OFF=$(sed -nE 's/^#define (CONFIG_MM_(HARDENED|DEBUG|POISON|RED_?ZONE|TRACK|VALIDATE|SANITY|CHECK)[A-Z_]*) 1$/-D\1=0/p' \
    mm/include/mm/config.h | tr '\n' ' ')
MM_CONFIG_FAST="-DCONFIG_MM_LOCKING=0 ${MM_OFF% }"
MM_CONFIG_HARDENED="-DCONFIG_MM_LOCKING=0"
# The profile for small heaps: 1 KiB pages, pools of one object or more whose
# tail loses at most 1/8 (README: Configuration).
MM_CONFIG_SMALL="-DCONFIG_MM_LOCKING=0 -DCONFIG_MM_PAGE_SHIFT=10 -DCONFIG_MM_POOL_MIN_OBJECTS=1 -DCONFIG_MM_POOL_WASTE_SHIFT=3"

build() {
    make --no-print-directory -f tests/bench/Makefile OUT="$OUT" \
        "MM_CONFIG_bareslab=$MM_CONFIG_FAST" "MM_CONFIG_bareslab-hardened=$MM_CONFIG_HARDENED" \
        "MM_CONFIG_bareslab-small=$MM_CONFIG_SMALL" "$@"
}

say "== bench: $MODE, output in $OUT"
if ! build "$OUT/replay-null" >"$OUT/logs/build-null.log" 2>&1; then
    cat "$OUT/logs/build-null.log" >&2
    say "bench: the replay program does not build" >&2
    exit 1
fi
BUILT=()
for a in $ALLOCATORS; do
    if build "$OUT/replay-$a" >"$OUT/logs/build-$a.log" 2>&1; then
        BUILT+=("$a")
    else
        note "$a skipped: it did not build (see $OUT/logs/build-$a.log)"
    fi
done

HAVE_VALGRIND=1
if ! command -v valgrind >/dev/null; then
    HAVE_VALGRIND=0
    note "valgrind is missing: no instruction counts (apt-get install valgrind)"
fi

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

# ---- heap needed -------------------------------------------------------------------

say "== heap needed (bareslab)"
declare -A HEAP
HEAP_ALLOCS=()
for a in "${BUILT[@]}"; do
    case $a in bareslab*) HEAP_ALLOCS+=("$a") ;; esac
done
for a in "${HEAP_ALLOCS[@]}"; do
    for w in $HEAP_WORKLOADS; do
        log=$OUT/logs/heap-$a.$w.log
        "$OUT/replay-$a" -H "$w" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
        HEAP[$a.$w]="$(field heap bytes "$log") $(field heap ratio "$log")"
        printf '%-18s %-13s %s bytes, %s x peak\n' "$a" "$w" "$(field heap bytes "$log")" \
            "$(field heap ratio "$log")"
    done
done
[ ${#HEAP_ALLOCS[@]} -gt 0 ] || note "heap needed skipped: no bareslab build"

# ---- on target: QEMU virt (rv64), minstret ------------------------------------------

say "== on target (QEMU virt rv64, minstret, -icount shift=0)"
TARGET_BUILT=()
if ! command -v qemu-system-riscv64 >/dev/null || ! command -v riscv64-unknown-elf-gcc >/dev/null; then
    note "on-target figures skipped: needs qemu-system-riscv64 and riscv64-unknown-elf-gcc"
else
    # picolibc: the same image with picolibc's malloc in the measured pass.
    for v in bareslab bareslab-hardened picolibc; do
        [ $v = picolibc ] || case " $ALLOCATORS " in *" $v "*) ;; *) continue ;; esac
        if ! build "$OUT/target-$v/bench.elf" >"$OUT/logs/build-target-$v.log" 2>&1; then
            note "on-target $v skipped: the image did not build (see $OUT/logs/build-target-$v.log)"
            continue
        fi
        TARGET_BUILT+=("$v")
        for w in $TARGET_WORKLOADS; do
            log=$OUT/logs/target-$v.$w.log
            if ! printf '%s\n' "$w" | timeout 300 qemu-system-riscv64 -M virt -m 128M -bios none \
                -nographic -icount shift=0 -kernel "$OUT/target-$v/bench.elf" >"$log" 2>&1; then
                cat "$log" >&2
                say "bench: on-target $v $w failed" >&2
                exit 1
            fi
            tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
            if [ -z "$(field target instructions_per_op "$log")" ]; then
                cat "$log" >&2
                say "bench: on-target $v $w printed no result" >&2
                exit 1
            fi
            printf '%-18s %-13s %s instructions/op, worst ALLOC %s, worst FREE %s, first ALLOC %s\n' \
                "$v" "$w" "$(field target instructions_per_op "$log")" "$(field target worst_alloc "$log")" \
                "$(field target worst_free "$log")" "$(field target first_alloc "$log")"
        done
    done
fi

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

# size_row LABEL "ARCHIVE SUMS" "LINKED SUMS" OBJECTS: one row of the table.
size_row() {
    SIZE_ROWS+=("| $1 | $(awk '{ printf "%s | %s | %s", $1, $2, $3 }' <<<"$2") | $(awk '{ printf "%s | %s | %s", $1, $2, $3 }' <<<"$3") | $4 |")
}

say "== code size (-Os)"
SIZE_ROWS=()
SIZE_DETAIL=()
# size_lib ARCH LABEL PREFIX CFLAGS LIBC VARIANT MM_CONFIG MEMBERS: build libmm.a
# for ARCH at -Os with MM_CONFIG, add the row of VARIANT counting the archive
# members MEMBERS (all when empty). LIBC supplies what libmm.a calls but does
# not define, if anything.
size_lib() {
    local arch=$1 label=$2 prefix=$3 cflags=$4 libc=$5 variant=$6 config=$7 members=$8
    local dir=$OUT/size-$1-$6 lib ext
    if ! command -v "${prefix}gcc" >/dev/null; then
        note "code size for $arch skipped: ${prefix}gcc is missing"
        return
    fi
    if ! make --no-print-directory lib ARCH="$arch" O="$dir" EXTRA_CFLAGS=-Os MM_CONFIG="$config" \
        >"$OUT/logs/size-$arch-$variant.log" 2>&1; then
        note "code size for $arch $variant skipped: make lib failed (see $OUT/logs/size-$arch-$variant.log)"
        return
    fi
    lib=$dir/libmm.a
    [ -n "$members" ] || members=$("${prefix}ar" t "$lib" | tr '\n' ' ')
    ext=$(needs "${prefix}nm" "$lib")
    if [ -n "$ext" ]; then
        note "libmm.a for $arch ($variant) calls ${ext% } (a freestanding library should need none); the linked size takes it from $(basename "$libc")"
    fi
    size_row "bareslab $variant, $label" "$(size_sum "${prefix}size" "$lib" "$members")" \
        "$(linked_size "${prefix}gcc" "$cflags" -ffreestanding tests/bench/size_mm.c "$lib" ${ext:+"$libc"})" \
        "MM_CONFIG=\`${config:-(defaults)}\`: ${members% }"
    SIZE_DETAIL+=("$label, $variant: $("${prefix}size" "$lib" | awk 'NR > 1 { printf "%s%s %d+%d+%d", sep, $6, $1, $2, $3; sep = ", " }')")
}
# The rows: the core (pages, pools, kmalloc) without and with hardening, then
# with the statistics and validator, then with the debug layer compiled in.
CORE_MEMBERS="port.o util.o page_alloc.o slab.o kmalloc.o"
size_libs() {
    size_lib "$@" core "-DCONFIG_MM_HARDENED=0" "$CORE_MEMBERS"
    size_lib "$@" "core+hardening" "" "$CORE_MEMBERS"
    size_lib "$@" "+stats+validate" "" "$CORE_MEMBERS stats.o validate.o"
    size_lib "$@" "+debug" "-DCONFIG_MM_DEBUG=1" ""
}
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

# ---- report --------------------------------------------------------------------

ELAPSED=$(($(date +%s) - START))
{
    say "# bareslab benchmark"
    say
    say "- Mode: $MODE; took ${ELAPSED} s; load average ${LOAD_START} at the start, $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown) at the end (wall-clock figures mean little when it is above 1)."
    say "- Commit: $(git describe --always --dirty 2>/dev/null || echo unknown); $(date -u '+%Y-%m-%d %H:%M UTC')."
    say "- Host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs; $(gcc --version | head -1); $(valgrind --version 2>/dev/null || echo 'no valgrind')."
    say "- Workloads: shared/bench/WORKLOADS.md, generated by tests/bench/trace.c; each is replayed in a fresh process."
    say "- bareslab builds (host, -O2): \`bareslab\`: MM_CONFIG=\`$MM_CONFIG_FAST\`; \`bareslab-hardened\`: MM_CONFIG=\`$MM_CONFIG_HARDENED\` (debug and hardening options at their defaults); \`bareslab-small\`: MM_CONFIG=\`$MM_CONFIG_SMALL\` (the profile for small heaps)."
    origins=$(for a in "${BUILT[@]}"; do
        printf '%s (%s), ' "$a" "$(sed -n 's/^alloc origin=//p' "$OUT/logs/time-$a.${WORKLOADS%% *}.log")"
    done)
    say "- Allocators, with where malloc was bound: ${origins%, }."
    say
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
    if [ ${#HEAP_ALLOCS[@]} -gt 0 ]; then
        say "## Heap needed"
        say
        say "The smallest region given to \`mm_add_region()\` (found by binary search to 1%, one fresh process per"
        say "try; the region starts on a 4 MiB boundary) in which the whole trace runs without a failed"
        say "allocation, divided by the trace's peak of live requested bytes. Page descriptors are included."
        say
        printf '| workload | peak live bytes |'; for a in "${HEAP_ALLOCS[@]}"; do printf ' %s bytes | %s ratio |' "$a" "$a"; done; printf '\n'
        printf '| --- | ---: |'; for a in "${HEAP_ALLOCS[@]}"; do printf ' ---: | ---: |'; done; printf '\n'
        for w in $HEAP_WORKLOADS; do
            printf '| `%s` | %s |' "$w" "$(field trace peak_bytes "$OUT/logs/trace-$w.log")"
            for a in "${HEAP_ALLOCS[@]}"; do
                read -r bytes ratio <<<"${HEAP[$a.$w]}"
                printf ' %s | %s |' "$bytes" "$ratio"
            done
            printf '\n'
        done
        say
    fi
    if [ ${#TARGET_BUILT[@]} -gt 0 ]; then
        say "## On target: QEMU virt, rv64imac"
        say
        say "tests/bench/target.c replays each trace on the bare board (one boot per workload, so a fresh"
        say "allocator; libmm.a from \`make lib ARCH=riscv\` at -O2 with the same MM_CONFIG as on the host),"
        say "reading \`minstret\` around every op under \`qemu-system-riscv64 -icount shift=0\` (exact and"
        say "repeatable), once against an allocator that does nothing and once against kmalloc/kfree"
        say "(\`picolibc\`: against picolibc's malloc/free, in an image built the same way, its sbrk given the same region)."
        say "*Instructions/op*: the difference of the two totals over the op count. *Worst*: the largest single"
        say "ALLOC or FREE after the first op (its index in the trace in brackets), less the null pass's cost of"
        say "one op. *First ALLOC*: op 0, where bareslab sets its caches up."
        say
        say "| build | workload | instructions/op | worst ALLOC (op) | worst FREE (op) | first ALLOC |"
        say "| --- | --- | ---: | ---: | ---: | ---: |"
        for v in "${TARGET_BUILT[@]}"; do
            for w in $TARGET_WORKLOADS; do
                log=$OUT/logs/target-$v.$w.log
                say "| $v | \`$w\` | $(field target instructions_per_op "$log") | $(field target worst_alloc "$log") ($(field target worst_alloc_op "$log")) | $(field target worst_free "$log") ($(field target worst_free_op "$log")) | $(field target first_alloc "$log") |"
            done
        done
        say
    fi
    if [ ${#SIZE_ROWS[@]} -gt 0 ]; then
        say "## Code size"
        say
        say "Bytes at -Os, as \`size\` counts them (text includes read-only data). *Archive*: bareslab's whole"
        say "libmm.a (\`make lib ARCH=... EXTRA_CFLAGS=-Os MM_CONFIG=...\`): the core is port, util, page_alloc, slab, kmalloc; for a C library, the members"
        say "that a link of malloc and free pulls in. *Linked*: the smallest program on the allocator"
        say "(tests/bench/size_mm.c: mm_add_region, kmalloc, kfree; tests/bench/size_libc.c: malloc, free)"
        say "linked with --gc-sections and no start code, its own few bytes included. What the platform"
        say "provides anyway is left out of both: _sbrk/sbrk, errno and newlib's reentrancy struct (stubbed)."
        say
        say "| library | archive text | data | bss | linked text | data | bss | archive members |"
        say "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
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
