/* SPDX-License-Identifier: MIT */
/*
 * arch/arch.h - the only door from kernel/ to the board.
 *
 * Each board (arch/arm, arch/riscv, arch/host) implements every function
 * below; nothing else under arch/ is visible to the rest of the tree.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* One RAM range the board gives to the heap (from its linker script). */
struct arch_ram_region {
	const char *name; /* e.g. "SSRAM1" */
	void *start;
	size_t size;
};

/* Board name shown in the banner, e.g. "mps2-an385 (Cortex-M3)". */
const char *arch_board_name(void);

/* Fill @out with up to @max heap regions; return how many there are. */
unsigned int arch_ram_regions(struct arch_ram_region *out, unsigned int max);

/* Console: polled UART. putc blocks until the byte is sent. getc blocks until
 * a byte arrives and returns it, or returns -1 when input has ended for good
 * (end of a pipe on the host; never on a real UART). */
void arch_console_putc(char c);
int arch_console_getc(void);

/* Interrupt masking: arch_irq_save() masks and returns the previous state,
 * arch_irq_restore() puts it back. Nest freely. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

/* What the board's C library needs before its first call, in images linked
 * with one (make libc-image, the unit-test image): nothing for newlib, a
 * thread pointer for picolibc's errno. Calling it again changes nothing.
 * Defined in arch/<board>/libc.c, which only those images link. */
void arch_libc_init(void);

/* Stop the machine; QEMU (or the host process) exits with @status. */
void arch_exit(int status) __attribute__((noreturn));

/* Entry point the board's start-up code calls once C can run (BSS cleared,
 * data copied, stack set). Defined in kernel/main.c. */
void kernel_main(void) __attribute__((noreturn));

#endif /* ARCH_ARCH_H */
