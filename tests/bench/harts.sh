#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/bench/harts.sh - the threaded churn on the rv64 board with 1, 2 and 4
# harts: instructions per kmalloc and kfree per hart, counted with minstret.
#
#   tests/bench/harts.sh [OUT]           OUT: build folder (default build/bench/harts)
#   STEPS=20000 tests/bench/harts.sh     steps on each hart (default 20000)
#
# Each image is the demo firmware built with make ARCH=riscv SMP=N and the
# plain allocator (MM_CONFIG empty: no debug layer), booted under QEMU
# -icount shift=0, where minstret counts each instruction exactly. Its
# `churn STEPS 1` command (kernel/churn.c) runs kcache-small-like churn on
# every hart at once, each hart with its own seed, one free in four handed
# to another hart. One line per run on stdout:
#
#   harts n=N smp=M kmalloc=X kfree=Y call=Z left_out=K
#
# N harts running the image built with SMP=M; X, Y, Z: minstret per kmalloc,
# per kfree and per call, averaged over the harts; K: calls left out because
# another hart's turn ran between the two reads. The image for four harts
# also runs on one (smp=4 n=1): the cost of the per-CPU caches alone, apart
# from what the other harts add. Exit status: non-zero when a build or a run
# fails (its log is in OUT).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-build/bench/harts}
steps=${STEPS:-20000}
mkdir -p "$out"

# run SMP HARTS: boot the SMP=SMP image on HARTS harts; print its line.
run() {
    local smp=$1 n=$2 log=$out/run-smp$1-on$2.log line
    printf 'churn %s 1\nexit\n' "$steps" |
        SMP=$n QEMU_FLAGS='-icount shift=0' RUN_TIMEOUT=600 \
            scripts/run.sh riscv "$out/smp$smp/bareslab.elf" >"$log" 2>&1 || {
        echo "harts.sh: the SMP=$smp image on $n harts failed; see $log" >&2
        return 1
    }
    line=$(tr -d '\r' <"$log" | grep '^churn: all: ') || {
        echo "harts.sh: no 'churn: all:' line in $log" >&2
        return 1
    }
    sed -E "s/.*; ([0-9.]+) minstret per kmalloc, ([0-9.]+) per kfree, ([0-9.]+) per call \\(([0-9]+) calls left out.*/harts n=$n smp=$smp kmalloc=\\1 kfree=\\2 call=\\3 left_out=\\4/" \
        <<<"$line"
}

for smp in 1 2 4; do
    make --no-print-directory ARCH=riscv SMP=$smp MM_CONFIG= O="$out/smp$smp" all \
        >"$out/build-smp$smp.log" 2>&1 || {
        echo "harts.sh: make ARCH=riscv SMP=$smp failed; see $out/build-smp$smp.log" >&2
        exit 1
    }
done
run 1 1
run 2 2
run 4 4
run 4 1
