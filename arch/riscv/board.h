/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/board.h - what the virt board files share with each other and
 * with start.S; nothing outside arch/riscv includes it.
 */
#ifndef ARCH_RISCV_BOARD_H
#define ARCH_RISCV_BOARD_H

#include <stdint.h>

/* Status QEMU exits with after an unexpected trap (EX_SOFTWARE). */
#define RISCV_TRAP_STATUS 70

/* Symbols of linker/riscv.ld; only their addresses mean anything. */
extern char __stack_guard[], __stack_bottom[], __stack_top[];
extern char __heap0_start[], __heap0_end[];

/* Called by start.S on hart 0 once the stack and .bss are ready. */
void riscv_board_init(void);

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
