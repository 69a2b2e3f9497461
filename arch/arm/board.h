/* SPDX-License-Identifier: MIT */
/*
 * arch/arm/board.h - what the mps2-an385 files share with each other and
 * with start.S; nothing outside arch/arm includes it.
 */
#ifndef ARCH_ARM_BOARD_H
#define ARCH_ARM_BOARD_H

#include <stdint.h>

/* Status QEMU exits with after a fault or an unexpected exception (EX_SOFTWARE). */
#define ARM_FAULT_STATUS 70

/* Symbols of linker/arm.ld; only their addresses mean anything. */
extern char __stack_guard[], __stack_bottom[], __stack_top[];
extern char __heap0_start[], __heap0_end[], __heap1_start[], __heap1_end[];
extern char __heap2_start[], __heap2_end[];

/* Nonzero while board.c probes for semihosting; fault_entry clears it. */
extern volatile uint32_t semihost_probe;

/* Called by start.S once the stack, .data and .bss are ready. */
void arm_board_init(void);

/*
 * Called by start.S from every exception but reset, on a fresh stack.
 * @frame: the stack the hardware pushed the exception frame on (unchecked).
 * @exc_return: the EXC_RETURN value the exception left in lr.
 */
void arm_fault(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn));

/* The interrupt of CMSDK timer 0 (timer.c), arch_timer_start()'s: its handler,
 * in the vector table (start.S) at 16 + ARM_TIMER0_IRQ. */
#define ARM_TIMER0_IRQ 8
void arm_timer0_irq(void);

/* Polled UART0 (uart.c). */
void uart_init(void);
#include "../common/early_print.h" /* uart_puts, uart_puthex, uart_putdec */

#endif /* ARCH_ARM_BOARD_H */
