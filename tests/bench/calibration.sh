#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/bench/calibration.sh - the instruction counter of the bench images
# (arch_cycles(), tests/bench/target.c), checked on the QEMU boards.
#
#   tests/bench/calibration.sh [arm] [riscv]        default: both
#
# Builds the bench image of each board (bareslab build, in build/calibration)
# and the images of the board's C libraries that make bench compares with
# (newlib and newlib-nano; picolibc), and boots each with the console line
# "calibrate": the image times a jump into
# runs of 0 to 2000 nops and a known mix of instructions between two reads
# of the counter, derives the ticks per instruction and checks that every
# run converts to exactly its instruction count. Cases:
#   - arm, -icount shift=8: SysTick moves 32/5 ticks per instruction, and
#     every straight-line run (2001 lengths, the mix of 11) counts exactly;
#   - arm, -icount shift=7: 16/5, exact as well (the image measures the
#     ratio, it does not assume it);
#   - arm, -icount shift=6 (8/5: under 2 ticks, a tick off is half an
#     instruction) and without -icount (SysTick follows the host's clock):
#     the calibration must fail, exit status 3;
#   - arm, a count run without -icount stops before replaying, status 3;
#   - riscv, -icount shift=0: minstret, 1/1, exact; without -icount: fails.
# The last line is "calibration: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=scripts/tally.sh
. scripts/tally.sh

OUT=build/calibration
log_dir=build/test-logs
mkdir -p "$OUT" "$log_dir"
boards=("$@")
declare -A board_libcs=([arm]="newlib newlib-nano" [riscv]="picolibc")
declare -A exact_flags=([arm]="-icount shift=8" [riscv]="-icount shift=0")
[ ${#boards[@]} -gt 0 ] || boards=(arm riscv)

# check NAME BOARD IMAGE QEMU_FLAGS INPUT STATUS PATTERN...: boot IMAGE with
# INPUT on its console; want exit STATUS and a line matching each PATTERN
# (extended regular expressions).
check() {
    local name=$1 board=$2 image=$3 flags=$4 input=$5 want=$6 out status=0 pat
    shift 6
    # pipefail: the status is scripts/run.sh's (printf and tr succeed).
    out=$(printf '%s\n' "$input" | QEMU_FLAGS=$flags RUN_TIMEOUT=60 scripts/run.sh "$board" "$image" 2>&1 | tr -d '\r') || status=$?
    if [ "$status" != "$want" ]; then
        bad "$name" "exit status $status, expected $want"$'\n'"$out"
        return
    fi
    for pat in "$@"; do
        if ! grep -qE "$pat" <<<"$out"; then
            bad "$name" "no line matches '$pat'"$'\n'"$out"
            return
        fi
    done
    ok "$name"
}

for board in "${boards[@]}"; do
    image=$OUT/target-$board-bareslab/bench.elf
    if ! make --no-print-directory -f tests/bench/Makefile OUT="$OUT" "$image" \
        >"$log_dir/calibration-build-$board.log" 2>&1; then
        bad "$board: the bench image builds" "$(tail -20 "$log_dir/calibration-build-$board.log")"
        continue
    fi
    ok "$board: the bench image builds"
    case $board in
    arm)
        check "arm, -icount shift=8: SysTick counts 32/5 ticks per instruction, every run exact" \
            arm "$image" "-icount shift=8" calibrate 0 \
            '^calibration counter=SysTick ticks_per_insn=32/5 \(6\.40\) nops=2000 nops_ticks=12800 .*empty_insns=2 lengths=2001/2001 mix=11/11 exact=yes$'
        check "arm, -icount shift=7: 16/5, every run exact" arm "$image" "-icount shift=7" \
            calibrate 0 '^calibration .*ticks_per_insn=16/5 \(3\.20\) .*lengths=2001/2001 mix=11/11 exact=yes$'
        check "arm, -icount shift=6: 8/5 ticks per instruction is too coarse, status 3" \
            arm "$image" "-icount shift=6" calibrate 3 '^calibration .*ticks_per_insn=8/5 .*exact=no$'
        check "arm, no -icount: SysTick follows the host's clock, status 3" arm "$image" "" \
            calibrate 3 '^calibration counter=SysTick .*exact=no$'
        check "arm, no -icount: a count run stops before replaying, status 3" arm "$image" "" \
            kcache-small 3 'exact=no$' '^target: the counter does not count whole instructions'
        ;;
    riscv)
        check "riscv, -icount shift=0: minstret counts 1/1, every run exact" riscv "$image" \
            "-icount shift=0" calibrate 0 \
            '^calibration counter=minstret ticks_per_insn=1/1 \(1\.00\) nops=2000 nops_ticks=2000 .*empty_insns=2 lengths=2001/2001 mix=10/10 exact=yes$'
        check "riscv, no -icount: minstret is not exact, status 3" riscv "$image" "" calibrate 3 \
            '^calibration counter=minstret .*exact=no$'
        ;;
    *)
        bad "board $board" "no such board (arm, riscv)"
        ;;
    esac
    # The C libraries' images: the same target.c, their malloc measured instead.
    for libc in ${board_libcs[$board]}; do
        image=$OUT/target-$board-$libc/bench.elf
        if ! make --no-print-directory -f tests/bench/Makefile OUT="$OUT" "$image" \
            >"$log_dir/calibration-build-$board-$libc.log" 2>&1; then
            bad "$board: the $libc bench image builds" \
                "$(tail -20 "$log_dir/calibration-build-$board-$libc.log")"
            continue
        fi
        ok "$board: the $libc bench image builds"
        check "$board, $libc image: the counter is exact there too" "$board" "$image" \
            "${exact_flags[$board]}" calibrate 0 '^calibration .*exact=yes$'
    done
done

total calibration
[ "$failed" -eq 0 ]
