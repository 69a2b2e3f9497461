#!/usr/bin/env bash
# tests/valgrind/run.sh - build tests/valgrind/misuse.c against bareslab with
# CONFIG_MM_VALGRIND=1, run it under memcheck, and check that memcheck reports
# each planted bug as it would for malloc. Ends with "valgrind: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."

out=build/tests/valgrind
mkdir -p "$out"
srcs=$(make -s --no-print-directory -f scripts/info.mk mm-objects CC=gcc \
	MM_CONFIG=-DCONFIG_MM_VALGRIND=1)
objs=()
for o in $srcs; do
	gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
		-DCONFIG_MM_VALGRIND=1 -Imm/include -Imm -c "mm/${o%.o}.c" -o "$out/$o" || exit 1
	objs+=("$out/$o")
done
gcc -std=gnu11 -O0 -g -Wall -Wextra -Werror -Imm/include tests/valgrind/misuse.c "${objs[@]}" \
	-o "$out/misuse" || exit 1

valgrind --leak-check=full --show-leak-kinds=definite "$out/misuse" >"$out/stdout" 2>"$out/memcheck.log"

passed=0
failed=0
# expect NAME REGEX: the memcheck log matches REGEX (grep -E, across lines joined by |).
expect() {
	if tr '\n' '|' <"$out/memcheck.log" | grep -Eq "$2"; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: no match for /$2/"
		failed=$((failed + 1))
	fi
}

expect "use after free in a cache" \
	"Invalid write of size 4\|[^|]*at 0x[0-9A-F]+: main \(misuse.c:[0-9]+\)\|[^|]*Address 0x[0-9a-f]+ is 0 bytes inside a block of size 32 free'd"
expect "overflow past the request" \
	"Invalid write of size 1\|.*Address 0x[0-9a-f]+ is 0 bytes after a block of size 20 alloc'd"
expect "use after free of pages" \
	"Invalid read of size 1\|.*Address 0x[0-9a-f]+ is 100 bytes inside a block of size 12,288 free'd"
expect "leak" "77 bytes in 1 blocks are definitely lost"
expect "nothing else: the allocator's own accesses are silent" "ERROR SUMMARY: 4 errors from 4 contexts"
grep -q '^done$' "$out/stdout" || { echo "FAIL program output"; failed=$((failed + 1)); }
if [ "$failed" -gt 0 ]; then
	echo "--- memcheck log"
	cat "$out/memcheck.log"
fi
echo "valgrind: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
