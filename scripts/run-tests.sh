#!/usr/bin/env bash
# scripts/run-tests.sh - everything `make test` runs, in order, with one total.
#
# Stages: the unit tests of tests/unit/ on the host (Criterion, several
# builds) and on every board of arch/boards.mk (QEMU, tests/harness/), checks
# of the tree, the fuzzer, valgrind, the C library glue on the host and on
# the boards, the console tests of every board (and of every board that runs
# on several CPUs, on four of them). Every stage prints one line
# per case and a total (tests/harness/README.md) and is counted the same
# way, by tally_log of scripts/tally.sh: a stage whose lines do not add up
# to its total (a board that stopped half-way) failed. Every stage runs even
# when an earlier one failed; the last line is the total as
# "N passed, N failed, N skipped" and the exit status is non-zero if
# anything failed. build/test-logs/ keeps each stage's log.
set -uo pipefail
cd "$(dirname "$0")/.."

. scripts/tally.sh
. scripts/board.sh

log_dir=build/test-logs
mkdir -p "$log_dir"
failures=()
start=$SECONDS

# stage NAME COMMAND...: run COMMAND, keep its output in the log, count it.
stage() {
	local name=$1 log=$log_dir/$1.log t0=$SECONDS rc counts p f s
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	counts=$(tally_log "$log")
	local added=$?
	read -r p f s <<<"$counts"
	if [ "$added" -ne 0 ] || [ "$rc" -ne 0 ] || [ "$f" -gt 0 ]; then
		# The failed cases with the lines that explain them, or the end of the log.
		if [ "$f" -gt 0 ]; then
			grep -aE -B8 -A8 '^FAIL ' "$log" | grep -aE '^(FAIL |  )' | head -40
		else
			tail -20 "$log"
		fi
		[ "$added" -eq 0 ] || echo "$name: the ok, FAIL and skip lines do not add up to a total line"
		[ "$rc" -eq 0 ] || echo "$name: exit status $rc"
		[ "$f" -gt 0 ] || f=1
		failures+=("$name")
	fi
	echo "$name: $p passed, $f failed, $s skipped ($((SECONDS - t0))s)"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# The allocator modes every board runs its unit tests in: the defaults, no
# page allocator, and the debug layer compiled in.
modes=("" "-DCONFIG_MM_PAGE_ALLOC=0" "-DCONFIG_MM_DEBUG=1")
# A stage's name for a mode: unit-arm, unit-arm-no-page-alloc, unit-arm-debug.
mode_name() {
	case $1 in
	"") echo "" ;;
	-DCONFIG_MM_PAGE_ALLOC=0) echo "-no-page-alloc" ;;
	-DCONFIG_MM_DEBUG=1) echo "-debug" ;;
	esac
}

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
host_unit() {
	make --no-print-directory -j2 -f tests/Makefile "$@" all && make --no-print-directory \
		-f tests/Makefile "$@" run
}
stage unit-host host_unit OUT=build/tests/unit
stage unit-host-no-page-alloc-asan-ubsan host_unit OUT=build/tests/unit-no-page-alloc-san \
	MM_CONFIG=-DCONFIG_MM_PAGE_ALLOC=0 SANITIZE="$SAN"
stage unit-host-no-page-alloc-debug host_unit OUT=build/tests/unit-no-page-alloc-debug \
	MM_CONFIG="-DCONFIG_MM_PAGE_ALLOC=0 -DCONFIG_MM_DEBUG=1"
# Several CPUs: per-CPU caches and cross-CPU frees (test_smp.c churns on four).
stage unit-host-smp host_unit OUT=build/tests/unit-smp MM_CONFIG=-DCONFIG_MM_NR_CPUS=4
# The churn of test_smp.c under ThreadSanitizer, with four CPUs and with one.
stage tsan-smp make --no-print-directory -f tests/tsan/Makefile NR_CPUS=4 run
stage tsan-one-cpu make --no-print-directory -f tests/tsan/Makefile NR_CPUS=1 run
# The build the benchmark measures: no lock, no hardening, so pools are carved lazily.
stage unit-host-plain host_unit OUT=build/tests/unit-plain \
	MM_CONFIG="-DCONFIG_MM_LOCKING=0 -DCONFIG_MM_HARDENED=0"
stage unit-host-asan-ubsan host_unit OUT=build/tests/unit-san SANITIZE="$SAN"
stage unit-host-debug-asan-ubsan host_unit OUT=build/tests/unit-debug-san \
	MM_CONFIG=-DCONFIG_MM_DEBUG=1 SANITIZE="$SAN"
for board in $(boards); do
	for mode in "${modes[@]}"; do
		stage "unit-$board$(mode_name "$mode")" tests/harness/run.sh "$board" "$mode"
	done
done
stage checks scripts/check-tree.sh
stage fuzz tests/fuzz/run.sh 30
stage valgrind tests/valgrind/run.sh
stage libc-host tests/libc/run.sh
stage libc-boards tests/libc/boards.sh
# The bench images' instruction counter: straight-line code counts exactly on both boards.
stage calibration tests/bench/calibration.sh
# boot BOARD [OUT MM_CONFIG]: build the demo image (the default options, or
# MM_CONFIG into OUT) and run the boot tests on it.
boot() {
	local out=${2:-build/$1} config=("${@:3}")

	make --no-print-directory -j2 ARCH="$1" O="$out" "${config[@]}" all \
		>"$log_dir/build-${out##*/}.log" 2>&1 || {
		tail -30 "$log_dir/build-${out##*/}.log"
		echo "FAIL $1: make ARCH=$1 ${config[*]} all"
		echo "0 passed, 1 failed, 0 skipped"
		return 1
	}
	tests/boot/run.sh "$1" "$out/bareslab.elf"
}
for board in host $(boards); do
	stage "boot-$board" boot "$board"
done
# Static mode as the README runs it: no page allocator, no debug layer.
for board in host $(boards); do
	stage "boot-$board-static" boot "$board" "build/$board-static" MM_CONFIG=-DCONFIG_MM_PAGE_ALLOC=0
done
# The boards that run on several CPUs (board-smp-max): the image of make SMP=N
# (4, or fewer if the board has fewer) booted once on N CPUs, its own cases.
boot_smp() {
	SMP=$2 boot "$1" "build/$1-smp$2" SMP="$2"
}
for board in $(boards); do
	board_load "$board" || continue
	if [ "$board_smp_max" -gt 1 ]; then
		n=$((board_smp_max < 4 ? board_smp_max : 4))
		stage "boot-$board-smp$n" boot_smp "$board" "$n"
	fi
done

echo
if [ "$failed" -gt 0 ]; then
	echo "failed stages: ${failures[*]} (logs in $log_dir)"
fi
echo "make test: $((SECONDS - start))s"
total
[ "$failed" -eq 0 ]
