#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/boot/run.sh - boot tests: drive an image's console through a pipe and
# check its serial output and exit status.
#
#   tests/boot/run.sh ARCH IMAGE          ARCH: a board of arch/boards.mk, or host
#   BOOT_TESTS=regex tests/boot/run.sh    only the cases whose name matches
#   RUN_TIMEOUT=60 tests/boot/run.sh      seconds each boot may take (default: the
#                                         board's board-timeout)
#   SMP=4 tests/boot/run.sh riscv build/riscv-smp4/bareslab.elf
#                                         an image built with make SMP=4, on 4
#                                         CPUs: one boot, the SMP cases only (at
#                                         the bottom)
#
# Each case boots IMAGE once through scripts/run.sh, feeds its input on stdin
# and checks the exit status and the lines the console printed (carriage
# returns removed). A failing case prints what it expected and every line the
# image printed. The last line is "N passed, N failed, N skipped"; the exit
# status is 1 if any case failed. The banner and RAM regions to expect are
# the board's (board-banner, board-regions of arch/ARCH/Makefile).
#
# Adding a case: one `check` line in the list at the bottom.
#
#   check NAME STATUS INPUT [PATTERN...]
#
#   NAME     what the case shows, as a short sentence.
#   STATUS   exit status expected (`exit 3` gives 3); 124 means the run had to
#            be stopped by the timeout (a board cannot see the end of input).
#   INPUT    console input, with printf %b escapes: 'help\nexit 3\n'.
#   PATTERN  an extended regular expression (bash =~, as grep -E) matched
#            against one output line; ^ and $ are the line's ends. By prefix:
#              re     a line after the line the previous pattern matched
#              +re    the very next line after it
#              *re    any line of the output (the position does not move)
#              !re    no line of the output
#            So plain patterns must appear in order, each on its own line.
#
#   Set case_timeout=N before check for a shorter limit than RUN_TIMEOUT:
#       case_timeout=5 check 'no exit: the run is stopped' 124 'help\n'
#   and case_qemu_flags=... for more QEMU options (scripts/run.sh QEMU_FLAGS).
#   Use `$board` (the banner name) and `$prompt` (the prompt as a regex) in patterns.
#
#   Several cases may also look at one boot: `boot INPUT`, then for each case
#   `verdict NAME STATUS [PATTERN...]` (the same patterns), or `pass NAME` /
#   `fail NAME WHY` for a case the script decides itself.
set -uo pipefail

usage() {
    echo "usage: $0 ARCH IMAGE" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
arch=$1
image=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
run=$root/scripts/run.sh
. "$root/scripts/board.sh"
board_load "$arch" || usage
timeout_default=${RUN_TIMEOUT:-$board_timeout}
filter=${BOOT_TESTS:-}
[[ -f $image ]] || { echo "$0: $image: no such image" >&2; exit 2; }

prompt='mm> '
board=$board_banner
regions=()
for r in $board_regions; do
    regions+=("^ *$r .*[0-9]+ KiB")
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
skipped=0

# The build's options, from the line after the banner (kernel/main.c):
# "allocator: page allocator|static region (...), debug layer on|off, ...".
config=$(printf 'exit\n' | RUN_TIMEOUT=$timeout_default "$run" "$arch" "$image" 2>/dev/null |
    tr -d '\r' | grep -m1 '^allocator:')
static=0
debug=0
[[ $config == *'static region'* ]] && static=1
[[ $config == *'debug layer on'* ]] && debug=1
# Without the page allocator the demo gives the allocator part of the first region only.
if ((static)); then
    regions=("${regions[0]}")
fi

# A line of @1 'x' characters.
long_line() {
    local s
    printf -v s '%*s' "$1" ''
    echo "${s// /x}"
}

# Print the output of a failed case: every line, long ones cut.
show_output() {
    local line
    echo "    --- serial output (exit status $1) ---"
    while IFS= read -r line || [[ -n $line ]]; do
        if ((${#line} > 200)); then
            line="${line:0:200}... (${#line} characters)"
        fi
        echo "    | $line"
    done <"$tmp/out"
    if [[ -s $tmp/err ]]; then
        echo "    --- stderr ---"
        sed 's/^/    | /' "$tmp/err"
    fi
}

# boot INPUT: boot the image once with INPUT (printf %b escapes) on its
# console; its exit status goes to boot_status, its output (carriage returns
# removed) to $tmp/out and the array lines.
boot() {
    local limit=${case_timeout:-$timeout_default}

    printf '%b' "$1" >"$tmp/in"
    boot_status=0
    QEMU_FLAGS=${case_qemu_flags:-${QEMU_FLAGS:-}} RUN_TIMEOUT=$limit "$run" "$arch" "$image" \
        <"$tmp/in" >"$tmp/raw" 2>"$tmp/err" || boot_status=$?
    tr -d '\r' <"$tmp/raw" >"$tmp/out"
    mapfile -t lines <"$tmp/out"
    boot_limit=$limit
}

pass() {
    echo "ok   $1"
    passed=$((passed + 1))
}

fail() {
    echo "FAIL $1: $2"
    show_output "$boot_status"
    failed=$((failed + 1))
}

# verdict NAME STATUS [PATTERN...]: case NAME on the last boot's output.
verdict() {
    local name=$1 want=$2
    shift 2
    local why='' pat re i at=-1 found

    if [[ $boot_status -ne $want ]]; then
        why="exit status $boot_status, expected $want"
        [[ $boot_status -eq 124 ]] && why+=" (stopped after ${boot_limit}s)"
    fi
    for pat in "$@"; do
        [[ -z $why ]] || break
        re=${pat:1}
        case $pat in
        '!'*)
            for i in "${!lines[@]}"; do
                if [[ ${lines[i]} =~ $re ]]; then
                    why="line $((i + 1)) matches '$re', which must not appear"
                    break
                fi
            done ;;
        '*'*)
            found=
            for i in "${!lines[@]}"; do
                [[ ${lines[i]} =~ $re ]] && { found=1; break; }
            done
            [[ -n $found ]] || why="no line matches '$re'" ;;
        '+'*)
            i=$((at + 1))
            if ((i < ${#lines[@]})) && [[ ${lines[i]} =~ $re ]]; then
                at=$i
            else
                why="line $((i + 1)) does not match '$re'"
            fi ;;
        *)
            re=$pat
            found=
            for ((i = at + 1; i < ${#lines[@]}; i++)); do
                [[ ${lines[i]} =~ $re ]] && { found=1; at=$i; break; }
            done
            if [[ -z $found ]]; then
                why="no line matches '$re'"
                ((at < 0)) || why+=" after line $((at + 1))"
            fi ;;
        esac
    done

    if [[ -z $why ]]; then
        pass "$name"
    else
        fail "$name" "$why"
    fi
}

# check NAME STATUS INPUT [PATTERN...]: see the top of this file.
check() {
    local name=$1 want=$2 input=$3
    shift 3

    [[ -z $filter || $name =~ $filter ]] || return 0
    boot "$input"
    verdict "$name" "$want" "$@"
}

# skip NAME WHY: a case this build cannot run, counted.
skip() {
    [[ -z $filter || $1 =~ $filter ]] || return 0
    echo "skip $1: $2"
    skipped=$((skipped + 1))
}

echo "boot tests: $arch $image${SMP:+ on $SMP CPUs} (${config:-no allocator line})"

# ==== Several CPUs (make SMP=N): one boot, every case on its output ====
# The harts come up, every command runs on all of them at once (stress with
# blocks freed on another CPU than the one that allocated them, irqstress
# with the timer on CPU 0), the heap validates, and the counts add up: each
# CPU's allocations less frees, summed, are the objects the caches hand out,
# and meminfo's Allocations less Frees are those and the page-backed blocks.
smp=${SMP:-1}
if ((smp > 1)); then
    boot "cpus\nstress 20000 5\nirqstress 5000 7\nchurn 2000\nvalidate\nmeminfo\nslabinfo\ncpus\nexit\n"
    verdict "the banner names the board, its $smp harts and the allocator's $smp CPUs" 0 \
        "^bareslab .* on $board\$" "*^bareslab .*[ (]$smp harts\\)\$" \
        "+^allocator: .*, $smp CPUs\$" '!^warning'
    rows=()
    for ((c = 0; c < smp; c++)); do
        rows+=("+^ +$c +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$")
    done
    verdict "cpus lists the $smp CPUs and their sum" 0 "^${prompt}cpus\$" "+^cpus: $smp CPUs; " \
        '+^  cpu  allocations' "${rows[@]}" '+^  all +[0-9]+ '
    rows=()
    for ((c = 0; c < smp; c++)); do
        rows+=("+^stress: cpu $c: [1-9][0-9]* kmalloc, [0-9]+ krealloc, [0-9]+ kfree, [1-9][0-9]* handed to other CPUs, [1-9][0-9]* freed for them, 0 failed")
    done
    verdict "stress on $smp CPUs at once, blocks freed across CPUs, every block checked" 0 \
        "^${prompt}stress 20000 5\$" "+^stress: 20000 ops on each of $smp CPUs, seed 5\$" \
        "${rows[@]}" "+^stress: $smp CPUs: [0-9]+ kmalloc, [0-9]+ krealloc, [0-9]+ kfree \\([1-9][0-9]* of them on another CPU than the block's\\), 0 failed\$" \
        '+^stress: 0 errors$' '!^stress: error'
    verdict "irqstress on $smp CPUs with the timer interrupt allocating on CPU 0" 0 \
        "^${prompt}irqstress 5000 7\$" "+^irqstress: 5000 ops on each of $smp CPUs, seed 7" \
        '^irqstress: [1-9][0-9]* interrupts: [1-9][0-9]* kmalloc, [1-9][0-9]* kfree, 0 failed in them$' \
        '+^irqstress: 0 errors$'
    verdict "churn on $smp CPUs gives everything back" 0 "^${prompt}churn 2000\$" \
        "+^churn: 2000 steps on each of $smp CPUs" '^churn: all: ' '!^churn: error'
    verdict 'validate finds nothing; no misuse report, no error' 0 "^${prompt}validate\$" \
        '+^validate: 0 problems$' '!^BUG ' '!: error' '!^\*\*\*'

    # The sums, from the last meminfo, slabinfo and cpus.
    after_prompt() { # the lines after the last "mm> @1" up to the next prompt
        awk -v p="${prompt}$1" '$0 == p { n = NR; delete l; c = 0; next }
            n && /^mm> / { n = 0 } n { l[c++] = $0 } END { for (i = 0; i < c; i++) print l[i] }' \
            "$tmp/out"
    }
    meminfo=$(after_prompt meminfo)
    figure() { sed -nE "s/^$1: +([0-9]+).*/\\1/p" <<<"$meminfo"; }
    allocs=$(figure Allocations)
    frees=$(figure Frees)
    large=$(figure LargeBlocks)
    active=$(after_prompt slabinfo | awk '!/^(slabinfo|#)/ { n += $2 } END { print n + 0 }')
    read -r cpu_allocs cpu_frees < <(after_prompt cpus | awk '/^ +all / { print $2, $3 }')
    sums=$(after_prompt cpus | awk '/^ +[0-9]+ / { a += $2; f += $3 } END { print a + 0, f + 0 }')
    name='the counts add up: meminfo, slabinfo and every CPU'
    if [[ -z $allocs || -z $frees || -z $large || -z $cpu_allocs ]]; then
        fail "$name" "no meminfo or cpus figures"
    elif ((allocs - frees != active + large)); then
        fail "$name" "Allocations - Frees = $((allocs - frees)); active objects $active + LargeBlocks $large"
    elif ((cpu_allocs - cpu_frees != active)); then
        fail "$name" "the CPUs' allocations - frees = $((cpu_allocs - cpu_frees)); active objects $active"
    elif [[ $sums != "$cpu_allocs $cpu_frees" ]]; then
        fail "$name" "the CPUs' rows sum to $sums, their 'all' line says $cpu_allocs $cpu_frees"
    else
        pass "$name"
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [[ $failed -eq 0 ]]
    exit
fi

# ---- The cases -------------------------------------------------------------

check 'the banner names the board, the allocator options and the RAM regions, then prompts' 0 \
    'exit\n' "^bareslab .* on $board\$" '+^allocator: (page allocator|static region)[ ,]' \
    "${regions[@]}" "^$prompt"

check 'help lists help and exit' 0 'help\nexit\n' \
    "^${prompt}help\$" '^ +help( |$)' '*^ +exit( |$)' "^${prompt}exit\$"

check 'exit stops with status 0' 0 'exit\n' "^${prompt}exit\$"

check 'exit 3 stops with status 3' 3 'exit 3\n' "^${prompt}exit 3\$"

for status in 1 42 200 255; do
    check "run.sh returns the image's status exactly: $status" "$status" "exit $status\n"
done

check 'an unknown command prints an error and a hint; the shell goes on' 2 \
    'xyzzy\nhelp\nexit 2\n' \
    "^${prompt}xyzzy\$" '+unknown command.*help' "^${prompt}help\$" '^ +exit( |$)' \
    "^${prompt}exit 2\$"

check 'an empty line gives just a new prompt' 5 '\n\n\nexit 5\n' \
    "^${prompt}\$" "+^${prompt}\$" "+^${prompt}\$" "+^${prompt}exit 5\$" \
    '!error|unknown'

check 'a 10,000-character line is refused as too long; the shell goes on' 7 \
    "$(long_line 10000)\nexit 7\n" \
    "^${prompt}x+\$" '+too long' "+^${prompt}exit 7\$" '!unknown command'

helps=()
for i in {1..49}; do
    helps+=("^${prompt}help\$")
done
check '50 piped lines all arrive: 49 x help, then exit 9' 9 \
    "$(printf 'help\\n%.0s' {1..49})exit 9\n" "${helps[@]}" "^${prompt}exit 9\$"

# A board never sees the end of a pipe: only the timeout stops it. The host
# build sees it, and the shell returns 0 there.
if [[ $arch == host ]]; then
    check 'input ending without exit ends the run (status 0)' 0 'help\nxyzzy\n' \
        '^commands:' 'unknown command'
else
    case_timeout=5 check 'input ending without exit: every line runs, then the timeout' \
        124 'help\nxyzzy\n' '^commands:' 'unknown command' "^$prompt\$"
fi

# ==== Allocator console commands (kernel/mm_commands.c, stress.c, selftest.c) ====
# A separate block, in the same `check` format as the cases above. Every
# command on every board: its output, and the bad-input cases, each of which
# must print one error line, go straight back to the prompt and change nothing.

# Whether case @1 runs under the BOOT_TESTS filter.
selected() {
    [[ -z $filter || $1 =~ $filter ]]
}

# The image's console output for input @1 (printf %b escapes), carriage
# returns removed: for cases that need a value only a boot tells (an address,
# a figure). Boots are deterministic, so the value holds in the next boot.
console_output() {
    printf '%b' "$1" | RUN_TIMEOUT=$timeout_default "$run" "$arch" "$image" 2>/dev/null | tr -d '\r'
}

# @1 as an extended regular expression that matches just that text.
literal() {
    sed 's/[][\.*^$()+?{}|/]/\\&/g' <<<"$1"
}

if ((static)); then
    check 'the boot demo fits a share of its objects to the small heap, then prints the figures' \
        0 'exit\n' '^demo: the heap is small: 1/[0-9]+ of each kind' \
        '+^demo: [0-9]+ objects of 5 kinds allocated, [0-9]+ freed, [0-9]+ kept$' \
        '+^slabinfo - version: 2.1$' '^task_struct +[1-9][0-9]* ' '+^inode_cache +[1-9]' \
        '+^dentry +[1-9]' '+^buffer_head +[1-9]' '+^RegionTotal: +[0-9]+ kB$' \
        '^Failures: +0$' '+^Reports: +0$' "+^type 'help' for commands\$" '!allocations failed'
else
    check 'the boot demo keeps typical kernel objects, then prints slabinfo and meminfo' 0 'exit\n' \
        '^demo: 844 objects of 5 kinds allocated, [0-9]+ freed, [0-9]+ kept$' \
        '+^slabinfo - version: 2.1$' '^task_struct +18 +[0-9]+ +1728 ' '+^inode_cache +80 ' \
        '+^dentry +160 ' '+^buffer_head +150 ' '+^RegionTotal: +[0-9]+ kB$' '^Reports: +0$' \
        "+^type 'help' for commands\$" "+^${prompt}exit\$"
fi

check 'help lists every allocator command' 0 'help\nexit\n' \
    '^ +meminfo ' '+^ +slabinfo ' '+^ +buddyinfo ' '+^ +heapmap ' '+^ +kmalloc <size> ' \
    '+^ +kfree <addr> ' '+^ +cache <op> <name> ' '+^ +shrink ' '+^ +stress <ops> \[seed\] ' \
    '+^ +irqstress <ops> \[seed\] ' '+^ +churn <steps> \[seed\] ' '+^ +cpus ' '+^ +selftest '

check 'meminfo prints the figures' 0 'meminfo\nexit\n' \
    "^${prompt}meminfo\$" '+^RegionTotal: +[0-9]+ kB$' '+^MemTotal: +[0-9]+ kB$' \
    '+^MemFree: +[0-9]+ kB$' '^Slab: +[1-9][0-9]* kB$' '^LiveBytes: +[1-9][0-9]* kB$' \
    '^Allocations: +[0-9]+$' '+^Frees: +[0-9]+$' '+^Failures: +0$' '+^Reports: +0$' \
    "+^${prompt}exit\$"

demo_tasks=18
demo_heads=150
((static)) && demo_tasks='[1-9][0-9]*' demo_heads='[1-9][0-9]*'
check 'slabinfo lists the kmalloc classes and the demo caches' 0 'slabinfo\nexit\n' \
    "^${prompt}slabinfo\$" '+^slabinfo - version: 2.1$' '+^# name ' '+^kmem_cache ' \
    '^kmalloc-[0-9]+ ' "^task_struct +$demo_tasks " "^buffer_head +$demo_heads " \
    "+^${prompt}exit\$"

unit='order:'
((static)) && unit='2\^n grains:'
check 'buddyinfo prints one line per region' 0 'buddyinfo\nexit\n' \
    "^${prompt}buddyinfo\$" "+^region +base +$unit +0 +1 +2 " '+^Region 0 0x[0-9a-f]+ ' \
    "^${prompt}exit\$"

check 'heapmap draws the pages and a legend' 0 'heapmap\nexit\n' \
    "^${prompt}heapmap\$" '+^heap map: one character per page of [0-9]+ bytes$' \
    '+^0x[0-9a-f]+ m+' '*^0x[0-9a-f]+ [m.0-9@LPQ]+$' '^legend: m (page descriptors|caches, free lists)' \
    '+^ +@ full pool +Q quarantined pool +L page-backed kmalloc block' \
    '+^ +P pages from get_free_pages' "+^${prompt}exit\$"

# The host build's heap moves from run to run (ASLR), so the address a boot
# prints holds only on the boards; tests/unit/test_commands.c covers the host.
name='kmalloc prints the address and ksize; kfree frees it once, then refuses it'
if [[ $arch != host ]] && selected "$name"; then
    addr=$(console_output 'kmalloc 100\nexit\n' |
        sed -nE 's/^kmalloc\(100\) = (0x[0-9a-f]+), ksize [0-9]+$/\1/p')
    addr=${addr:-0xnone}
    check "$name" 0 "kmalloc 100\nkfree $addr\nkfree $addr\nmeminfo\nexit\n" \
        "^${prompt}kmalloc 100\$" "+^kmalloc\\(100\\) = $addr, ksize (104|112|128)\$" \
        "+^${prompt}kfree $addr\$" "+^kfree\\($addr\\): freed its 100 bytes\$" \
        "+^${prompt}kfree $addr\$" "+^kfree: $addr is not a block" "+^${prompt}meminfo\$" \
        '^Reports: +0$' "+^${prompt}exit\$"
fi

# Above the classes: whole pages from the page allocator, or a run of its own
# (granules of 8 or 16 bytes) from the static region, where the demo's blocks
# above 64 bytes are runs too: the figures grow from those of a fresh boot.
name='kmalloc takes hex; 0 gives ZERO_SIZE_PTR; big sizes take pages or a run'
if selected "$name"; then
    base=$(console_output 'meminfo\nexit\n')
    kb=$(sed -nE 's/^PageBacked: +([0-9]+) kB$/\1/p' <<<"$base" | tail -1)
    nr=$(sed -nE 's/^LargeBlocks: +([0-9]+)$/\1/p' <<<"$base" | tail -1)
    big='+^kmalloc\(20000\) = 0x[0-9a-f]+000, ksize 20480$'
    kb_re=$((${kb:-0} + 20))
    if ((static)); then
        big='+^kmalloc\(20000\) = 0x[0-9a-f]+, ksize 200(00|08|16)$'
        kb_re="($((${kb:-0} + 19))|$((${kb:-0} + 20)))"
    fi
    check "$name" 0 'kmalloc 0x40\nkmalloc 0\nkmalloc 20000\nmeminfo\nexit\n' \
        "^${prompt}kmalloc 0x40\$" '+^kmalloc\(64\) = 0x[0-9a-f]+, ksize 64$' \
        "+^${prompt}kmalloc 0\$" '+^kmalloc\(0\) = 0x0+10: ZERO_SIZE_PTR, nothing to use or free$' \
        "+^${prompt}kmalloc 20000\$" "$big" \
        "+^${prompt}meminfo\$" "^PageBacked: +$kb_re kB\$" \
        "^LargeBlocks: +$((${nr:-0} + 1))\$" "^${prompt}exit\$"
fi

check 'cache: create, alloc, free; destroy refused with a report while objects live' 0 \
    'cache create foo 100\ncache alloc foo 10\ncache free foo 4\nslabinfo\ncache destroy foo\ncache free foo 6\ncache destroy foo\ncache alloc foo\nmeminfo\nexit\n' \
    "^${prompt}cache create foo 100\$" '+^cache foo: 100-byte objects, (104|112) usable$' \
    "+^${prompt}cache alloc foo 10\$" '+^cache foo: 10 objects, the last at 0x[0-9a-f]+; 10 live$' \
    "+^${prompt}cache free foo 4\$" '+^cache foo: freed 4 objects; 6 live$' \
    "+^${prompt}slabinfo\$" '^foo +6 +[0-9]+ +(104|112) ' \
    "+^${prompt}cache destroy foo\$" '+^=+$' '+^BUG foo: destroy of a cache with live objects$' \
    '+^Address: +0x' '+^Object: +none$' '+^Caller: +0x' '+^=+$' \
    "+^cache destroy: refused: 'foo' has 6 live objects" "+^${prompt}cache free foo 6\$" \
    '+^cache foo: freed 6 objects; 0 live$' "+^${prompt}cache destroy foo\$" \
    '+^cache foo: destroyed$' "+^${prompt}cache alloc foo\$" "+^cache alloc: unknown cache 'foo'" \
    "+^${prompt}meminfo\$" '^Reports: +1$' "+^${prompt}exit\$"

check 'cache create takes an alignment; cache alloc and free default to one object' 0 \
    'cache create al 100 0x100\ncache alloc al 3\ncache alloc al\ncache free al\nexit\n' \
    "^${prompt}cache create al 100 0x100\$" '+^cache al: 100-byte objects, 256 usable$' \
    '^cache al: 3 objects, the last at 0x[0-9a-f]*00; 3 live$' \
    '^cache al: 1 object, the last at 0x[0-9a-f]*00; 4 live$' \
    '^cache al: freed 1 object; 3 live$'

# Stress holds up to about 150 KiB: the 64 KiB heap of the static build runs
# out, and each allocation that fails is counted and checked as such.
failed_re=0
((static)) && failed_re='[0-9]+'
check 'stress runs a checked random workload and frees everything' 0 \
    'stress 5000 7\nstress 0x100\nexit\n' \
    "^${prompt}stress 5000 7\$" '+^stress: 5000 ops, seed 7$' \
    "+^stress: [0-9]+ kmalloc, [0-9]+ krealloc, [0-9]+ kfree, $failed_re failed; at most [0-9]+ blocks held\$" \
    '+^stress: 0 errors$' '+^RegionTotal:' '^slabinfo - version: 2.1$' \
    "^${prompt}stress 0x100\$" '+^stress: 256 ops, seed 1$' '^stress: 0 errors$' \
    "^${prompt}exit\$" '!^stress: error' '!^BUG '

name='stress repeats the same run for the same seed'
if selected "$name"; then
    summary=$(console_output 'stress 3000 11\nexit\n')
    summary=$(grep -E '^stress: [0-9]+ kmalloc' <<<"$summary" | head -1)
    summary=$(literal "${summary:-no summary}")
    if ((static)); then
        # Runs that fail allocations leave the runs laid out otherwise: the
        # same seed gives the same run on each boot, not twice in one.
        check "$name (on each boot)" 0 'stress 3000 11\nexit\n' "^${summary}\$"
    else
        check "$name" 0 'stress 3000 11\nstress 3000 11\nexit\n' \
            "^${summary}\$" "^${summary}\$"
    fi
fi

check 'cpus shows the one CPU: allocations, frees, reserved objects, active pools' 0 \
    'cpus\nexit\n' "^${prompt}cpus\$" '+^cpus: 1 CPU; ' '+^  cpu  allocations +frees +reserved +pools$' \
    '+^    0 +[1-9][0-9]* +[1-9][0-9]* +[0-9]+ +[1-9][0-9]*$' "+^${prompt}exit\$"

# A timer interrupt that allocates and frees while the main loop stresses:
# the allocator's lock must mask it. Under -icount the interrupts land at the
# same instructions every run, one every 10,000 instructions or so. With the
# masking taken out of arch/common/lock.c, seeds 1 and 2 each end in errors
# and misuse reports on both boards (some seeds, 3 on arm, happen to pass).
if [[ $arch == host ]]; then
    check 'irqstress: the host has no timer interrupt; one error line, the shell goes on' 0 \
        'irqstress 100\nexit\n' "^${prompt}irqstress 100\$" \
        '+^irqstress: this board has no timer interrupt$' "+^${prompt}exit\$"
else
    irq_run() { # the lines of one `irqstress 20000 SEED` run
        printf '%s\n' "^${prompt}irqstress 20000 $1\$" \
            "+^irqstress: 20000 ops on each of 1 CPU, seed $1; a timer interrupt"
        echo '+^irqstress: [0-9]+ kmalloc, [0-9]+ krealloc, [0-9]+ kfree, 0 failed; at most'
        echo '+^irqstress: [1-9][0-9]{2,} interrupts: [1-9][0-9]* kmalloc, [1-9][0-9]* kfree, 0 failed in them$'
        echo '+^irqstress: 0 errors$'
    }
    mapfile -t irq_lines < <(irq_run 1; irq_run 2)
    case_qemu_flags='-icount shift=0' check \
        'irqstress: a timer interrupt allocates and frees while the main loop stresses; all checked' \
        0 'irqstress 20000 1\nirqstress 20000 2\nvalidate\nexit\n' "${irq_lines[@]}" \
        "+^${prompt}validate\$" '+^validate: 0 problems$' '!^stress: error' '!^BUG '
fi

# 256 blocks of up to 320 bytes do not all fit the 64 KiB heap of the static
# build: the calls that fail are counted; every block made is freed (churn
# itself prints an error line when the counts differ).
churn_counts='2256 kmalloc, 2256 kfree'
churn_failed=0
if ((static)); then
    churn_counts='[1-9][0-9]* kmalloc, [1-9][0-9]* kfree'
    churn_failed='[0-9]+'
fi
check 'churn allocates and frees kernel-object sizes, and gives everything back' 0 \
    'churn 2000 4\nexit\n' '^churn: 2000 steps on each of 1 CPU, seed 4: 256 blocks' \
    "+^churn: cpu 0: $churn_counts \\(0 for other CPUs\\), $churn_failed failed" \
    "+^churn: all: $churn_counts" "+^${prompt}exit\$" '!^churn: error'

check 'shrink gives the empty pools back, then has nothing left to give' 0 \
    'stress 500\nshrink\nshrink\nexit\n' \
    "^${prompt}shrink\$" '+^shrink: [1-9][0-9]* pages given back, [0-9]+ of [0-9]+ free$' \
    "+^${prompt}shrink\$" '+^shrink: 0 pages given back, [0-9]+ of [0-9]+ free$'

check 'selftest checks the firmware on the board, on top of the demo objects' 0 \
    'selftest\nexit\n' \
    "^${prompt}selftest\$" '+^selftest: 3 checks$' '+^ok   ram_regions$' '+^ok   misuse_on_console$' \
    '+^ok   heap_validates$' '+^3 passed, 0 failed, 0 skipped$' "+^${prompt}exit\$" '!^FAIL' \
    '!^BUG '

# Bad input: each line prints one error and the next prompt follows at once;
# meminfo afterwards must show the figures of a boot that saw none of it.
bad_lines=(
    'kmalloc 12x' 'kmalloc: bad size'
    'kmalloc -1' 'kmalloc: bad size'
    'kmalloc 99999999999999999999999' 'kmalloc: bad size'
    'kmalloc' 'kmalloc: missing argument'
    'kmalloc 1 2' 'kmalloc: too many arguments'
    'kfree 0x1234' 'kfree: 0x1234 is not a block'
    'kfree 0' 'kfree: 0 is not a block'
    'kfree zz' 'kfree: bad address'
    'kfree 1 2' 'kfree: too many arguments'
    'cache bogus x' "cache: unknown operation 'bogus'"
    'cache alloc nope' "cache alloc: unknown cache 'nope'"
    'cache free nope 2' "cache free: unknown cache 'nope'"
    'cache destroy nope' "cache destroy: unknown cache 'nope'"
    'cache create x 0' 'cache create: the size must be above 0'
    'cache create x 100 3' 'cache create: the size must be above 0, the alignment a power of two'
    'cache create x 1O0' 'cache create: bad size'
    'cache create abcdefghijklmnop 8' 'cache create: name longer than'
    'cache alloc x 1 2' 'cache alloc: too many arguments'
    'cache create a 1 2 3' 'cache: too many arguments'
    'cache' 'cache: missing argument'
    'stress' 'stress: missing argument'
    'stress 0' 'stress: bad op count'
    'stress 10 seed' 'stress: bad seed'
    'irqstress 0' 'irqstress: bad op count'
    'churn x' 'churn: bad step count'
    'cpus 0' 'cpus: too many arguments'
    'selftest x' 'selftest: too many arguments'
    'selftest 1 2' 'selftest: too many arguments'
    'meminfo now' 'meminfo: too many arguments'
    'shrink 1' 'shrink: too many arguments'
)
name='bad input: one error line each, straight back to the prompt, nothing in the heap changed'
if selected "$name"; then
    base=$(console_output 'meminfo\nexit\n')
    figure() { sed -nE "s/^$1: +([0-9]+).*/\\1/p" <<<"$base" | tail -1; }
    input=''
    pats=()
    for ((i = 0; i < ${#bad_lines[@]}; i += 2)); do
        input+="${bad_lines[i]}\n"
        pats+=("+^${prompt}$(literal "${bad_lines[i]}")\$" "+^$(literal "${bad_lines[i + 1]}")")
    done
    pats[0]=${pats[0]#+} # the first prompt comes after the boot output
    check "$name" 0 "${input}meminfo\nexit\n" "${pats[@]}" "+^${prompt}meminfo\$" \
        "^MemUsed: +$(figure MemUsed) kB\$" "^LiveBytes: +$(figure LiveBytes) kB\$" \
        "^Allocations: +$(figure Allocations)\$" "+^Frees: +$(figure Frees)\$" \
        "+^Failures: +0\$" "+^Reports: +0\$" "+^${prompt}exit\$"
fi

# ==== End of the allocator console commands ====

# ==== Debugging on the console (kernel/debug_commands.c) ====
# Each misuse is reported in one SLUB-style block; the shell goes on and the
# heap is intact after it (mm_validate() finds nothing).
if ((debug)); then
    check 'misuse double-free: reported with the object, its cache and its sites' 0 \
        'misuse double-free\nvalidate\nexit\n' \
        '^={20,}$' '+^BUG victim: double free$' '^Object: +0x[0-9a-f]+, 48 bytes$' \
        '^Allocated: by 0x[0-9a-f]+, event #[0-9]+$' '^Freed: +by 0x[0-9a-f]+' \
        '^misuse: done; mm_validate\(\) finds 0 problems$' "^${prompt}validate$" '^validate: 0 problems$'
    check 'misuse overflow: the red zone report names the first bad byte' 0 \
        'misuse overflow\nexit\n' \
        '^BUG victim: write outside an object \(red zone overwritten\)$' \
        '^Detail: +write past the end of the object$' '^First bad: 0x[0-9a-f]+ holds 0x78$' \
        '^misuse: done; mm_validate\(\) finds 0 problems$'
    check 'misuse use-after-free and late-double-free are caught too' 0 \
        'misuse use-after-free\nmisuse late-double-free\nexit\n' \
        '^BUG victim: write to a freed object \(poison overwritten\)$' \
        '^BUG victim: double free$' '+^Detail: +object is already free$'
    check 'misuse foreign, interior and wrong-cache are reported and ignored' 0 \
        'misuse foreign\nmisuse interior\nmisuse wrong-cache\nvalidate\nexit\n' \
        '^BUG kmalloc: free of a pointer the allocator does not own$' \
        '^BUG victim: free of a pointer inside a block$' '^BUG victim: free to the wrong cache$' \
        '^validate: 0 problems$'
    check 'misuse of an unknown kind is one error line' 0 'misuse nope\nexit\n' \
        "^misuse: unknown kind 'nope'; one of: double-free" "+^${prompt}exit$"
    check 'leaks lists live objects by site, biggest first' 0 'leaks\nexit\n' \
        '^ +bytes +objects +site +cache$' '+^ +[0-9]+ +[0-9]+ +0x[0-9a-f]+ +inode_cache$'
else
    # Without the debug layer: no sites, red zones or poison; the misuses the
    # release build catches are still reported and ignored.
    check 'misuse without the debug layer: double frees, foreign, interior and wrong-cache frees' \
        0 'misuse double-free\nmisuse late-double-free\nmisuse foreign\nmisuse interior\nmisuse wrong-cache\nvalidate\nexit\n' \
        '^BUG victim: double free$' '^misuse: done; mm_validate\(\) finds 0 problems$' \
        '^BUG victim: double free$' '^misuse: done; mm_validate\(\) finds 0 problems$' \
        '^BUG kmalloc: free of a pointer the allocator does not own$' \
        '^BUG victim: free of a pointer inside a block$' '^BUG victim: free to the wrong cache$' \
        '^validate: 0 problems$'
    check 'misuse overflow and leaks say they need the debug layer' 0 \
        'misuse overflow\nleaks\nexit\n' \
        '^misuse: overflow needs the debug layer \(CONFIG_MM_DEBUG=1\)$' \
        'leak report needs CONFIG_MM_DEBUG=1'
    for name in 'misuse double-free: reported with the object, its cache and its sites' \
        'misuse overflow: the red zone report names the first bad byte' \
        'misuse use-after-free and late-double-free are caught too' \
        'leaks lists live objects by site, biggest first'; do
        skip "$name" 'needs the debug layer (CONFIG_MM_DEBUG=1)'
    done
fi
# ==== End of debugging on the console ====

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
