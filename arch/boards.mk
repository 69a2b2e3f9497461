# arch/boards.mk - the list of QEMU boards. A board is its folder arch/<name>/
# (start-up, UART, and its Makefile: compiler, QEMU command line, packages,
# banner) and its linker script linker/<name>.ld; adding one is adding its
# name here. `make test` builds and tests every board of the list.
# ARCH=host, the firmware as a Linux process, is described the same way in
# arch/host/ but is no QEMU board.
BOARDS := arm riscv
