#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scripts/deps.sh - install the Debian packages a make goal needs, if missing.
#
#   scripts/deps.sh [GOAL...]    GOAL: run-BOARD (run-arm, run-riscv, run-host),
#                                test bench fuzz all
#
# No goal, or `deps`, means all; `run` means run- the first board; other words
# (make goals such as clean) need nothing. Each board names its own packages
# (board-packages of arch/BOARD/Makefile); this file lists the others. Silent when nothing is missing. Otherwise runs
# apt-get update once and apt-get install, as root or through sudo; when it
# cannot, names the packages to install and exits 1.
set -euo pipefail
. "$(dirname "$0")/board.sh"

# One line per package: the package, how to tell it is installed (cmd:NAME a
# command on PATH, file:PATH a file, glob:PATTERN any file matching), and the
# goals that need it. `all` needs every package. The boards' lines follow.
DEPS_TABLE='
gcc-multilib                  glob:/usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a   test
libcriterion-dev              file:/usr/include/criterion/criterion.h            test
python3                       cmd:python3                                        test
git                           cmd:git                                            test
cmake                         cmd:cmake                                          test
clang                         cmd:clang                                          test fuzz
libclang-rt-dev               glob:/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a test fuzz
valgrind                      cmd:valgrind                                       test bench
cppcheck                      cmd:cppcheck                                       test
clang-format                  cmd:clang-format                                   test
libjemalloc-dev               file:/usr/include/jemalloc/jemalloc.h              bench
libmimalloc-dev               file:/usr/include/mimalloc.h                       bench
libgoogle-perftools-dev       file:/usr/include/gperftools/tcmalloc.h            bench
gnuplot-nox                   cmd:gnuplot                                        bench
'

# Every board's packages (host's too): to run it, for the tests, for the benchmark.
for b in $(boards) host; do
    board_load "$b"
    for p in $board_packages; do
        DEPS_TABLE+="${p%%:*} ${p#*:} run-$b test bench"$'\n'
    done
done
readonly DEPS_TABLE

# The goals asked for, normalized.
goals=()
for arg in "${@:-all}"; do
    case $arg in
    deps | all) goals+=(all) ;;
    run) goals+=("run-$(boards | awk '{ print $1 }')") ;;
    run-* | test | bench | fuzz) goals+=("$arg") ;;
    esac
done

installed() {
    local kind=${1%%:*} what=${1#*:}
    case $kind in
    cmd) command -v "$what" >/dev/null ;;
    file) [[ -e $what ]] ;;
    glob) compgen -G "$what" >/dev/null ;;
    *) echo "$0: bad check '$1' in DEPS_TABLE" >&2; exit 1 ;;
    esac
}

# Print the packages that the goals need and that are missing.
missing_packages() {
    local pkg check needed_by goal
    while read -r pkg check needed_by; do
        [[ -n $pkg ]] || continue
        for goal in "${goals[@]}"; do
            if [[ $goal == all || " $needed_by " == *" $goal "* ]]; then
                installed "$check" || echo "$pkg"
                break
            fi
        done
    done <<<"$DEPS_TABLE"
}

((${#goals[@]})) || exit 0
mapfile -t missing < <(missing_packages)
((${#missing[@]})) || exit 0

give_up() {
    echo "$0: $1; please install these Debian packages:" >&2
    echo "    apt-get install ${missing[*]}" >&2
    exit 1
}

if [[ $(id -u) -eq 0 ]]; then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null; then
    # sudo may ask for a password on a terminal; without one it must not wait.
    if [[ -t 0 ]]; then
        as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
    else
        as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    fi
else
    give_up "not root and no sudo"
fi
command -v apt-get >/dev/null || give_up "no apt-get here"

echo "deps: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq || give_up "apt-get update failed"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    give_up "apt-get install failed"

mapfile -t missing < <(missing_packages)
((${#missing[@]} == 0)) || give_up "still missing after apt-get install"
