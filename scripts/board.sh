# scripts/board.sh - sourced by the scripts that work on boards: the list of
# boards and each one's facts, as arch/boards.mk and arch/<board>/Makefile
# write them (through scripts/info.mk).
#
#   boards                 print the QEMU boards, one line
#   board_load ARCH        set board_cross, board_bits, board_qemu,
#                          board_packages, board_banner, board_regions,
#                          board_timeout, board_libc, board_cflags,
#                          board_libc_cflags, board_ldscript, board_smp_max
#                          (the most CPUs it runs on: make SMP=N)
#
# Both need only make, so they work before any compiler is installed.
board_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

boards() {
    make -s --no-print-directory -C "$board_root" -f scripts/info.mk boards
}

board_load() {
    local facts
    if [[ ! -f $board_root/arch/$1/Makefile ]]; then
        echo "${0##*/}: $1: no such board (arch/$1/Makefile)" >&2
        return 1
    fi
    facts=$(make -s --no-print-directory -C "$board_root" -f scripts/info.mk board ARCH="$1") ||
        return 1
    eval "$facts"
}
