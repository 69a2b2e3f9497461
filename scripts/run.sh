#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scripts/run.sh - boot a bareslab image with its serial console on this
# terminal: QEMU for the boards, a plain process for ARCH=host.
#
#   scripts/run.sh ARCH IMAGE            ARCH: a board of arch/boards.mk, or host
#   RUN_TIMEOUT=30 scripts/run.sh ...    stop after 30 seconds, status 124
#   QEMU_FLAGS="-icount shift=8" scripts/run.sh ...   more QEMU options (boards)
#   SMP=4 scripts/run.sh riscv build/riscv-smp4/bareslab.elf
#                                        N CPUs (QEMU -smp N): for an image built
#                                        with make SMP=N, on a board that has them
#
# Exit status: exactly the image's (`exit 3` at the prompt gives 3), 124 when
# RUN_TIMEOUT ran out, 2 on a usage error, 127 when QEMU is missing.
#
# Typing (stdin a terminal): QEMU puts the terminal in raw mode so every key
# reaches the UART. Ctrl-A x quits QEMU, Ctrl-A h lists the other Ctrl-A keys,
# Ctrl-A Ctrl-A sends a Ctrl-A; Ctrl-C goes to the board like any other key.
#
# Piping (stdin not a terminal): the bytes go to the UART unchanged. QEMU
# reads stdin only while the UART can take a byte (both boards' UARTs hold
# one, unread), so fast input waits for the guest instead of being dropped.
# At the end of the pipe QEMU stops reading but runs on, and a board cannot
# tell: without an `exit` line it waits for more input until RUN_TIMEOUT.
# The host build sees the end and stops.
#
# The QEMU command line is the board's (board-qemu of arch/ARCH/Makefile);
# a board without one (host) is a process.
set -euo pipefail
. "$(dirname "$0")/board.sh"

usage() {
    echo "usage: RUN_TIMEOUT=[seconds] $0 ARCH IMAGE" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
arch=$1
image=$2
[[ -f $image ]] || { echo "$0: $image: no such image (build it with make ARCH=$arch)" >&2; exit 2; }

board_load "$arch" || usage
smp=${SMP:-1}
if ! [[ $smp =~ ^[0-9]+$ ]] || ((smp < 1 || smp > board_smp_max)); then
    echo "$0: SMP=$smp: $arch runs on 1 to $board_smp_max CPUs" >&2
    exit 2
fi
if [[ -n $board_qemu ]]; then
    read -r -a cmd <<<"$board_qemu"
    cmd+=(-kernel "$image")
    ((smp == 1)) || cmd+=(-smp "$smp")
else
    cmd=("$image")
fi

if [[ -n $board_qemu ]]; then
    if ! command -v "${cmd[0]}" >/dev/null; then
        echo "$0: ${cmd[0]} not found; scripts/deps.sh run-$arch installs it" >&2
        exit 127
    fi
    # No display, no monitor; a reset (e.g. exit without semihosting) ends QEMU.
    cmd+=(-nographic -monitor none -no-reboot)
    # shellcheck disable=SC2206 # options, split at spaces
    [[ -z ${QEMU_FLAGS:-} ]] || cmd+=($QEMU_FLAGS)
    if [[ -t 0 ]]; then
        # The mux gives the Ctrl-A keys; signal=off passes Ctrl-C to the board.
        cmd+=(-chardev "stdio,id=console,mux=on,signal=off" -serial chardev:console)
    else
        # Plain stdio: no escape character, every byte of the pipe reaches the UART.
        cmd+=(-serial stdio)
    fi
fi

if [[ -n ${RUN_TIMEOUT:-} ]]; then
    [[ $RUN_TIMEOUT =~ ^[0-9]+([.][0-9]+)?$ ]] || {
        echo "$0: RUN_TIMEOUT=$RUN_TIMEOUT is not a number of seconds" >&2
        exit 2
    }
    # --foreground: QEMU stays in the terminal's process group and may read it.
    cmd=(timeout --foreground --kill-after=5 "$RUN_TIMEOUT" "${cmd[@]}")
fi

# QEMU restores the terminal when it exits; do it again in case it was killed.
saved_tty=
if [[ -t 0 ]]; then
    saved_tty=$(stty -g)
fi

status=0
"${cmd[@]}" || status=$?

if [[ -n $saved_tty ]]; then
    stty "$saved_tty"
fi
# timeout says 137 when its SIGTERM was ignored and it had to use SIGKILL.
if [[ -n ${RUN_TIMEOUT:-} && $status -eq 137 ]]; then
    status=124
fi
exit "$status"
