#!/usr/bin/env bash
# scripts/check-tree.sh - checks on the tree itself, one line each:
# mm/ stays freestanding (its headers, and nm -u of libmm.a for every board),
# every option builds, every C file is clang-formatted, cppcheck finds
# nothing, and every path the tree names exists.
set -uo pipefail
cd "$(dirname "$0")/.."

. scripts/tally.sh
. scripts/board.sh

# 1. mm/ includes no libc header beyond the freestanding ones.
# (mm/valgrind.h may include valgrind's client-request header: inline asm, no library.)
inc=$(grep -rnE '^#include <' mm --include='*.c' --include='*.h' | grep -v '^mm/libc/' |
	grep -v '^mm/valgrind.h:[0-9]*:#include <valgrind/memcheck.h>' |
	grep -vE '<(stddef|stdint|stdbool|stdarg|limits)\.h>|<mm/')
if [ -z "$inc" ]; then ok "mm/ includes only freestanding headers"; else bad "mm/ includes libc headers" "$inc"; fi

# 2. libmm.a leaves undefined only libgcc helpers (port hooks have weak defaults).
for build in $(for b in $(boards); do echo "$b $b-debug"; done); do
	arch=${build%-debug}
	board_load "$arch"
	config=
	[ "$build" = "$arch" ] || config=-DCONFIG_MM_DEBUG=1
	out=build/check/$build
	mkdir -p build/check
	# The debug builds at -Os, where gcc turns struct copies into memcpy() most readily.
	opt=
	[ -z "$config" ] || opt=-Os
	if ! make --no-print-directory ARCH=$arch O=$out MM_CONFIG="$config" EXTRA_CFLAGS="$opt" lib \
		>"$out.log" 2>&1; then
		bad "libmm.a builds for $build" "$(tail -20 "$out.log")"
		continue
	fi
	cross=$board_cross
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

# 3. Every option of mm/include/mm/config.h away from its default still builds
#    without a warning (host compiler, -m32 too: the boards are 32 and 64 bit).
variants=(
	"-DCONFIG_MM_LOCKING=0 -DCONFIG_MM_HARDENED=0"
	"-DCONFIG_MM_RANDOM=0 -DCONFIG_MM_EMPTY_POOLS_KEPT=0"
	"-DCONFIG_MM_PAGE_SHIFT=10 -DCONFIG_MM_POOL_MIN_OBJECTS=1 -DCONFIG_MM_POOL_WASTE_SHIFT=3"
	"-DCONFIG_MM_PAGE_SHIFT=14 -DCONFIG_MM_MAX_ORDER=8 -DCONFIG_MM_ARENA_ORDER=1"
	"-DCONFIG_MM_DEBUG=1 -DCONFIG_MM_VALGRIND=1 -DCONFIG_MM_MAX_REGIONS=1"
	"-DCONFIG_MM_POOL_MIN_ORDER=1 -DCONFIG_MM_KMALLOC_MAX=65536"
	"-DCONFIG_MM_NR_CPUS=4"
	"-DCONFIG_MM_PAGE_ALLOC=0 -DCONFIG_MM_NR_CPUS=2 -DCONFIG_MM_DEBUG=1"
)
broken=
for v in "${variants[@]}"; do
	for bits in 64 32; do
		# Every file, also those the options leave out of mm-y: they must compile to nothing.
		for f in mm/*.c; do
			# shellcheck disable=SC2086
			if ! out=$(gcc -m$bits -std=gnu11 -O2 -Wall -Wextra -Werror -Wshadow \
				-ffreestanding -fno-builtin $v -Imm/include -Imm -c "$f" \
				-o /dev/null 2>&1); then
				broken+="-m$bits $v: $f"$'\n'"$out"$'\n'
			fi
		done
	done
done
if [ -z "$broken" ]; then ok "mm/ builds with every option changed (${#variants[@]} sets, -m32 and -m64)"; else bad "mm/ with other options" "$broken"; fi

# 4. Formatting, by the project's .clang-format.
files=$(git ls-files -co --exclude-standard '*.c' '*.h' | grep -vE '^build/')
unformatted=$(for f in $files; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -z "$unformatted" ]; then ok "clang-format: every C file"; else bad "clang-format" "$unformatted"; fi

# 5. Static analysis.
if out=$(cppcheck --quiet --enable=warning,style,performance,portability --error-exitcode=1 \
	--inline-suppr --suppress=missingIncludeSystem --suppress=variableScope --std=c11 -D__GNUC__ \
	-Imm/include -Imm -Ikernel -I. -Itests/harness mm kernel arch tests/harness 2>&1); then
	ok "cppcheck: mm/, kernel/, arch/ and tests/harness/"
else
	bad "cppcheck" "$out"
fi

# 6. Every repository path that a comment, a script or a README names exists
#    (from a top folder, or relative to the file, or under mm/include/ for
#    <mm/...> headers), and so does every source or script file it names
#    alone. Placeholders (arch/<board>/, arch/$(ARCH), arch/ARCH/, *, %) are
#    no paths. External: files outside this repository that it may name.
external='WORKLOADS.md' # the benchmark's spec, shared/bench/ beside the repository
files=$(git ls-files -co --exclude-standard | grep -vE '^build/|\.(svg|png)$')
names=$(sed 's|.*/||' <<<"$files" | sort -u)
dangling=$(for f in $files; do
	dir=$(dirname "$f")
	grep -noE '(^|[^A-Za-z0-9_./$-])(\.\./)*(arch|kernel|mm|linker|tests|scripts|\.ci)/[A-Za-z0-9_.+/-]*.?' \
		"$f" | while IFS=: read -r line tok; do
		[[ ${tok:0:1} =~ [A-Za-z.] ]] || tok=${tok:1}
		case ${tok: -1} in '<' | '$' | '%' | '*' | '{' | '(' | '[') continue ;; esac
		tok=$(sed -E 's/[^A-Za-z0-9_+/-]+$//' <<<"$tok")
		[[ /$tok/ =~ /[A-Z]+/ ]] && continue
		[ -e "$tok" ] || [ -e "mm/include/$tok" ] || [ -e "$dir/$tok" ] || echo "$f:$line: $tok"
	done
	grep -noE '(^|[^A-Za-z0-9_./<$-])[A-Za-z0-9_-]+\.(c|S|ld|sh|mk|md)($|[^A-Za-z0-9_/-])' "$f" |
		while IFS=: read -r line tok; do
			tok=$(sed -E 's/^[^A-Za-z0-9_-]//; s/[^A-Za-z0-9_]$//' <<<"$tok")
			grep -qxF "$tok" <<<"$names"$'\n'"$external" || echo "$f:$line: $tok"
		done
done)
if [ -z "$dangling" ]; then
	ok "every path and file name the tree mentions exists ($(wc -w <<<"$files") files read)"
else
	bad "paths named but missing" "$dangling"
fi

total checks
[ "$failed" -eq 0 ]
