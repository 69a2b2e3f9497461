/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/board.h - what the virt board files share with each other and
 * with start.S; nothing outside arch/riscv includes it.
 */
#ifndef ARCH_RISCV_BOARD_H
#define ARCH_RISCV_BOARD_H

#include <stdint.h>
#include <mm/config.h>

/* Status QEMU exits with after an unexpected trap (EX_SOFTWARE). */
#define RISCV_TRAP_STATUS 70

/* Harts the image runs on (SMP=N of the Makefile, else 1); start.S parks the others. */
#define NR_HARTS CONFIG_MM_NR_CPUS

#define MSTATUS_MIE (1ul << 3)
#define MCAUSE_INTERRUPT (1ul << 63)

/* Symbols of linker/riscv.ld; only their addresses mean anything. Hart 0's
 * guard and stack; every other hart's follow, one after the other. */
extern char __stack_guard[], __stack_bottom[], __stack_top[];
extern char __heap0_start[], __heap0_end[];

/* How far hart @hart's guard and stack lie above hart 0's. */
static inline uintptr_t hart_stack_offset(unsigned int hart)
{
	return hart * ((uintptr_t)__stack_top - (uintptr_t)__stack_guard);
}

/* Called by start.S on hart 0 once the stack and .bss are ready. */
void riscv_board_init(void);

/* The guard below hart @hart's stack: a locked PMP region of the calling hart. */
void riscv_stack_guard_init(unsigned int hart);

/* smp.c: release harts 1 to NR_HARTS - 1 and wait until they are up (hart 0). */
void riscv_harts_init(void);

/* smp.c: called by start.S on hart @hart (1 to NR_HARTS - 1) once hart 0
 * releases it, on its own stack: it waits for work from arch_on_each_cpu(). */
void riscv_hart_main(unsigned int hart) __attribute__((noreturn));

/* smp.c: called by start.S for an interrupt, on the interrupted stack;
 * @cause is mcause. Returns to the interrupted code (mret). */
void riscv_interrupt(uint64_t cause);

/*
 * Called by start.S for every trap, on a fresh stack.
 * @cause, @epc, @tval: mcause, mepc and mtval.
 * @sp, @ra: the two registers as the trap found them.
 */
void riscv_trap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t sp, uint64_t ra)
	__attribute__((noreturn));

/* Polled NS16550A (uart.c). */
void uart_init(void);
#include "../common/early_print.h" /* uart_puts, uart_puthex, uart_putdec */

#endif /* ARCH_RISCV_BOARD_H */
