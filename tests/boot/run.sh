#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/boot/run.sh - boot tests: drive an image's console through a pipe and
# check its serial output and exit status.
#
#   tests/boot/run.sh ARCH IMAGE          ARCH: arm, riscv or host
#   BOOT_TESTS=regex tests/boot/run.sh    only the cases whose name matches
#   RUN_TIMEOUT=60 tests/boot/run.sh      seconds each boot may take (default 30)
#
# Each case boots IMAGE once through scripts/run.sh, feeds its input on stdin
# and checks the exit status and the lines the console printed (carriage
# returns removed). A failing case prints what it expected and every line the
# image printed. The last line is "N passed, N failed"; the exit status is 1
# if any case failed.
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
#   Use `$board` (the banner name) and `$prompt` (the prompt as a regex) in patterns.
set -uo pipefail

usage() {
    echo "usage: $0 arm|riscv|host IMAGE" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
arch=$1
image=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
run=$root/scripts/run.sh
timeout_default=${RUN_TIMEOUT:-30}
filter=${BOOT_TESTS:-}
[[ -f $image ]] || { echo "$0: $image: no such image" >&2; exit 2; }

prompt='mm> '
case $arch in
arm)
    board='mps2-an385 \(Cortex-M3\)'
    regions=('^ *SSRAM1 .*[0-9]+ KiB' '^ *SSRAM2/3 .*[0-9]+ KiB') ;;
riscv)
    board='virt \(rv64imac\)'
    regions=('^ *DRAM .*[0-9]+ KiB') ;;
host)
    board='host \(.* Linux process\)'
    regions=('^ *ram0 .*[0-9]+ KiB' '^ *ram1 .*[0-9]+ KiB') ;;
*)
    usage ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

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

# check NAME STATUS INPUT [PATTERN...]: see the top of this file.
check() {
    local name=$1 want=$2 input=$3
    shift 3
    local limit=${case_timeout:-$timeout_default}
    local status=0 why='' pat re i at=-1 found
    local -a lines

    [[ -z $filter || $name =~ $filter ]] || return 0
    printf '%b' "$input" >"$tmp/in"
    RUN_TIMEOUT=$limit "$run" "$arch" "$image" <"$tmp/in" >"$tmp/raw" 2>"$tmp/err" || status=$?
    tr -d '\r' <"$tmp/raw" >"$tmp/out"
    mapfile -t lines <"$tmp/out"

    if [[ $status -ne $want ]]; then
        why="exit status $status, expected $want"
        [[ $status -eq 124 ]] && why+=" (stopped after ${limit}s)"
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
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name: $why"
        show_output "$status"
        failed=$((failed + 1))
    fi
}

echo "boot tests: $arch $image"

# ---- The cases -------------------------------------------------------------

check 'the banner names the board and its RAM regions, then prompts' 0 'exit\n' \
    "^bareslab .* on $board\$" "${regions[@]}" "^$prompt"

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

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
