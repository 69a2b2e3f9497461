#!/usr/bin/env bash
# scripts/run-tests.sh - everything `make test` runs, in order, with one total.
#
# Stages: host unit tests (Criterion) in several builds, ThreadSanitizer
# runs, library checks (freestanding symbols, formatting, static analysis),
# fuzzing, valgrind, the C library glue, boot tests on the QEMU boards. Every stage
# runs even when an earlier one failed; the last line is the total as
# "N passed, N failed" and the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
log_dir=build/test-logs
mkdir -p "$log_dir"

# count NAME PASSED FAILED
count() {
	passed=$((passed + $2))
	failed=$((failed + $3))
	if [ "$3" -gt 0 ]; then failures+=("$1"); fi
}

# A Criterion binary: its "Synthesis" line gives the counts.
criterion_stage() {
	local name=$1; shift
	local log=$log_dir/$name.log
	echo "== $name"
	"$@" 2>&1 | tee "$log" | grep -vE '^\[----\]   *$' | grep -E 'FAIL|CRASH|Synthesis|error|seed' || true
	local line tested passing
	line=$(grep -a 'Synthesis:' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: did not run (see $log)"
		tail -20 "$log"
		count "$name" 0 1
		return
	fi
	tested=$(sed -E 's/.*Tested: ([0-9]+).*/\1/' <<<"$line")
	passing=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
	count "$name" "$passing" $((tested - passing))
}

# A script that ends with "N passed, N failed".
plain_stage() {
	local name=$1; shift
	local log=$log_dir/$name.log
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$? line p f
	line=$(grep -aE '^[A-Za-z-]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -z "$line" ]; then
		tail -40 "$log"
		echo "$name: no result line (exit $rc)"
		count "$name" 0 1
		return
	fi
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		grep -aE 'FAIL|fail' "$log" | head -40
		[ "$f" -gt 0 ] || f=1
	fi
	case $line in "$name:"*) echo "$line" ;; *) echo "$name: $line" ;; esac
	count "$name" "$p" "$f"
}

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
criterion_stage unit-64 make --no-print-directory -f tests/Makefile BITS=64 run
# The build the benchmark measures: no lock, no hardening, so pools are carved lazily.
criterion_stage unit-64-plain make --no-print-directory -f tests/Makefile BITS=64 \
	OUT=build/tests/unit64-plain MM_CONFIG="-DCONFIG_MM_LOCKING=0 -DCONFIG_MM_HARDENED=0" run
criterion_stage unit-64-asan-ubsan make --no-print-directory -f tests/Makefile BITS=64 \
	OUT=build/tests/unit64-san SANITIZE="$SAN" run
criterion_stage unit-64-debug-asan-ubsan make --no-print-directory -f tests/Makefile BITS=64 \
	OUT=build/tests/unit64-debug-san MM_CONFIG=-DCONFIG_MM_DEBUG=1 SANITIZE="$SAN" run
# Several CPUs: per-CPU caches and cross-CPU frees (test_smp.c churns on four).
criterion_stage unit-64-smp make --no-print-directory -f tests/Makefile BITS=64 \
	OUT=build/tests/unit64-smp MM_CONFIG=-DCONFIG_MM_NR_CPUS=4 run
# No page allocator: pools and large blocks cut from the region (static mode).
criterion_stage unit-64-static-asan-ubsan make --no-print-directory -f tests/Makefile BITS=64 \
	OUT=build/tests/unit64-static-san MM_CONFIG=-DCONFIG_MM_PAGE_ALLOC=0 SANITIZE="$SAN" run
plain_stage tsan-smp make --no-print-directory -f tests/tsan/Makefile NR_CPUS=4 run
plain_stage tsan-one-cpu make --no-print-directory -f tests/tsan/Makefile NR_CPUS=1 run
plain_stage checks scripts/check-tree.sh
plain_stage fuzz tests/fuzz/run.sh 30
plain_stage valgrind tests/valgrind/run.sh
plain_stage libc-host tests/libc/run.sh
plain_stage libc-boards tests/libc/boards.sh
# The bench images' instruction counter: straight-line code counts exactly on both boards.
plain_stage calibration tests/bench/calibration.sh
for arch in host arm riscv; do
	if make --no-print-directory ARCH=$arch all >"$log_dir/build-$arch.log" 2>&1; then
		plain_stage "boot-$arch" tests/boot/run.sh $arch build/$arch/bareslab.elf
	else
		tail -30 "$log_dir/build-$arch.log"
		echo "boot-$arch: image did not build"
		count "build-$arch" 0 1
	fi
done

echo
if [ "$failed" -gt 0 ]; then
	echo "failed stages: ${failures[*]} (logs in $log_dir)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
