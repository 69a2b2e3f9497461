#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/libc/bench.sh - wall-clock times of a threaded test program under
# several mallocs, as a table: the median of RUNS runs per cell, with the
# median CPU time (user + system) after it. The runs of a round take every
# malloc in turn, so that a load that comes and goes falls on all of them.
#
#   tests/libc/bench.sh PROGRAM [ARGS...]      runs PROGRAM THREADS ARGS...
#
#   BENCH_LIBS     name=library pairs; an empty library is the C library's own
#                  malloc (default: "bareslab=build/host/libbareslab.so glibc=")
#   BENCH_THREADS  thread counts (default "1 2 4")
#   BENCH_RUNS     runs per cell (default 5)
#
# For example, bareslab before and after a change (build the old one in a
# copy of the tree) against glibc, on the churn and the stress test:
#
#   BENCH_LIBS="before=/tmp/old/build/host/libbareslab.so after=build/host/libbareslab.so glibc=" \
#       tests/libc/bench.sh build/host/tests/libc/churn 5000000
#   tests/libc/bench.sh build/host/tests/libc/threads 1000000 1
set -uo pipefail

[ $# -ge 1 ] || { sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
libs=${BENCH_LIBS:-bareslab=build/host/libbareslab.so glibc=}
runs=${BENCH_RUNS:-5}
program=$1
shift
times=$(mktemp)
trap 'rm -f "$times"' EXIT

# Median of the numbers on stdin.
median() {
    sort -n | awk '{ v[NR] = $1 }
        END { print NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

header="| threads |"
rule="| ---: |"
for spec in $libs; do
    header+=" ${spec%%=*} |"
    rule+=" ---: |"
done
echo "$(basename "$program") $*: wall ms (cpu ms), median of $runs, $(nproc) CPUs"
echo "$header"
echo "$rule"
for threads in ${BENCH_THREADS:-1 2 4}; do
    declare -A wall=() cpu=()
    for ((run = 0; run < runs; run++)); do
        for spec in $libs; do
            name=${spec%%=*}
            lib=${spec#*=}
            [ -z "$lib" ] || lib=$(realpath "$lib")
            start=$(date +%s%N)
            if ! /usr/bin/time -o "$times" -f '%U %S' env ${lib:+LD_PRELOAD=$lib} "$program" \
                "$threads" "$@" >/dev/null 2>&1; then
                echo "$name: $program $threads $*: failed" >&2
                exit 1
            fi
            end=$(date +%s%N)
            wall[$name]+="$(((end - start) / 1000000)) "
            cpu[$name]+="$(awk '{ print int(($1 + $2) * 1000) }' "$times") "
        done
    done
    row="| $threads |"
    for spec in $libs; do
        name=${spec%%=*}
        w=$(tr ' ' '\n' <<<"${wall[$name]}" | grep . | median)
        c=$(tr ' ' '\n' <<<"${cpu[$name]}" | grep . | median)
        row+=" $w ($c) |"
    done
    echo "$row"
    unset wall cpu
done
