/* SPDX-License-Identifier: MIT */
/*
 * arch/arch.h - the only door from kernel/ to the board.
 *
 * Each board (arch/arm, arch/riscv, arch/host) implements every function
 * below (but the instruction counter: the bare-metal boards only); nothing
 * else under arch/ is visible to the rest of the tree.
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

/*
 * CPUs. A board built with SMP=N (board-smp-max in its Makefile) runs the
 * firmware on N CPUs: CPU 0 boots and runs kernel_main(), the others wait for
 * work from arch_on_each_cpu(). Every other build has one CPU (the
 * functions of arch/common/one_cpu.c).
 */

/* CPUs running the firmware: 1, or those of the N built for that came up. */
unsigned int arch_nr_cpus(void);

/* The caller's CPU, 0 to arch_nr_cpus() - 1. Nothing moves a caller to another
 * CPU on these boards, so it holds for good. */
unsigned int arch_cpu_id(void);

/*
 * Run @fn(@arg) on every CPU at once, the caller's included; return when every
 * one of those calls has returned (what they wrote is then visible to the
 * caller). From CPU 0 only, not from an interrupt handler, not nested.
 */
void arch_on_each_cpu(void (*fn)(void *arg), void *arg);

/*
 * A periodic interrupt on the calling CPU, to test interrupt handlers that
 * allocate: @fn runs in interrupt context about every @period_us microseconds,
 * except while arch_irq_save() masks it, until arch_timer_stop() (from the
 * same CPU). One at a time. Return: false, and nothing runs, when the board
 * has no timer interrupt (host).
 */
bool arch_timer_start(unsigned int period_us, void (*fn)(void));
void arch_timer_stop(void);

/* What the board's C library needs before its first call, in images linked
 * with one (make libc-image, the unit-test image): nothing for newlib, a
 * thread pointer for picolibc's errno. Calling it again changes nothing.
 * Defined in arch/<board>/libc.c, which only those images link. */
void arch_libc_init(void);

/* Stop the machine; QEMU (or the host process) exits with @status. */
void arch_exit(int status) __attribute__((noreturn));

/*
 * Instruction counting, for the benchmark images (tests/bench/target.c). The
 * bare-metal boards only: arch/host has none (callgrind counts there).
 *
 * arch_cycles() reads a free-running counter that goes up and wraps at
 * mask + 1, so the ticks from a read @a to a later read @b are
 * (b - a) & mask. Under QEMU with -icount the counter moves by a fixed
 * number of ticks per instruction: 1 for riscv's minstret (-icount shift=0);
 * 2^shift / 40 for arm's SysTick on the 25 MHz processor clock (6.4 at
 * -icount shift=8). The board does not know that ratio: an image measures it
 * with arch_cycles_nops() and checks every count with it.
 */
struct arch_cycles_info {
	const char *name; /* the counter, e.g. "SysTick" */
	unsigned long mask; /* it wraps at mask + 1 */
	unsigned int nops_max; /* the longest run arch_cycles_nops() takes */
	unsigned int mix_insns; /* instructions arch_cycles_mix() runs besides its jump */
};

/* Start the counter (it runs until the next reset) and describe it in @info. */
void arch_cycles_init(struct arch_cycles_info *info);

/* The counter now. */
unsigned long arch_cycles(void);

/*
 * Straight-line sequences timed between two back-to-back reads of the
 * counter, for calibration; each returns the ticks from the first read to the
 * second. arch_cycles_nops(n): a jump into a run of @n nops (n <= nops_max),
 * so arch_cycles_nops(0) is the empty pair of reads (with the jump) and
 * arch_cycles_nops(n) is n instructions more. arch_cycles_mix(): the same
 * jump, then mix_insns instructions of several kinds (ALU, load, store,
 * multiply, divide, a branch not taken, a branch taken over an instruction).
 */
unsigned long arch_cycles_nops(unsigned int n);
unsigned long arch_cycles_mix(void);

/* Entry point the board's start-up code calls once C can run (BSS cleared,
 * data copied, stack set). Defined in kernel/main.c. */
void kernel_main(void) __attribute__((noreturn));

#endif /* ARCH_ARCH_H */
