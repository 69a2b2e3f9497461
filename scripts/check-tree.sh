#!/usr/bin/env bash
# scripts/check-tree.sh - checks on the tree itself, one line each:
# mm/ stays freestanding (its headers, and nm -u of libmm.a for both boards),
# every C file is clang-formatted, cppcheck finds nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -30; failed=$((failed + 1)); }

# 1. mm/ includes no libc header beyond the freestanding ones.
# (mm/valgrind.h may include valgrind's client-request header: inline asm, no library.)
inc=$(grep -rnE '^#include <' mm --include='*.c' --include='*.h' | grep -v '^mm/libc/' |
	grep -v '^mm/valgrind.h:[0-9]*:#include <valgrind/memcheck.h>' |
	grep -vE '<(stddef|stdint|stdbool|stdarg|limits)\.h>|<mm/')
if [ -z "$inc" ]; then ok "mm/ includes only freestanding headers"; else bad "mm/ includes libc headers" "$inc"; fi

# 2. libmm.a leaves undefined only libgcc helpers (port hooks have weak defaults).
for build in arm riscv arm-debug riscv-debug; do
	arch=${build%-debug}
	config=
	[ "$build" = "$arch" ] || config=-DCONFIG_MM_DEBUG=1
	out=build/check/$build
	mkdir -p build/check
	if ! make --no-print-directory ARCH=$arch O=$out MM_CONFIG="$config" lib >"$out.log" 2>&1; then
		bad "libmm.a builds for $build" "$(tail -20 "$out.log")"
		continue
	fi
	case $arch in arm) cross=arm-none-eabi- ;; riscv) cross=riscv64-unknown-elf- ;; esac
	# Link the whole archive into one object: what is still undefined must come from outside.
	${cross}ld -r --whole-archive "$out/libmm.a" -o "$out/libmm-all.o"
	undef=$(${cross}nm -u "$out/libmm-all.o" | awk '{ print $NF }' | sort -u |
		grep -vE '^(__aeabi_[a-z0-9_]+|__(u?div|u?mod|clz|ctz|popcount|mul|ashl|ashr|lshr)[a-z]*[0-9]+)$' || true)
	if [ -z "$undef" ]; then
		ok "libmm.a ($build) needs nothing but libgcc helpers"
	else
		bad "libmm.a ($build) needs symbols from outside" "$undef"
	fi
done

# 3. Formatting, by the project's .clang-format.
files=$(git ls-files -co --exclude-standard '*.c' '*.h' | grep -vE '^build/')
unformatted=$(for f in $files; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -z "$unformatted" ]; then ok "clang-format: every C file"; else bad "clang-format" "$unformatted"; fi

# 4. Static analysis.
if out=$(cppcheck --quiet --enable=warning,style,performance,portability --error-exitcode=1 \
	--inline-suppr --suppress=missingIncludeSystem --suppress=variableScope --std=c11 -D__GNUC__ \
	-Imm/include -Imm -Ikernel -I. mm kernel 2>&1); then
	ok "cppcheck: mm/ and kernel/"
else
	bad "cppcheck" "$out"
fi

echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
