// SPDX-License-Identifier: MIT
/*
 * arch/arm/uart.c - the console: CMSDK APB UART0 of the mps2-an385, polled.
 * It holds one byte each way, so both directions wait on its STATE flags.
 */
#include <arch/arch.h>

#include "board.h"

#define UART0_BASE 0x40004000u

/* Registers (CMSDK APB UART, ARM DDI 0479). */
#define UART_DATA 0x00 /* read: received byte; write: byte to send */
#define UART_STATE 0x04
#define UART_CTRL 0x08
#define UART_BAUDDIV 0x10

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN (1u << 0)
#define CTRL_RX_EN (1u << 1)

/* The APB clock of the AN385 is 25 MHz; QEMU ignores the divider. */
#define UART_PCLK_HZ 25000000u
#define UART_BAUD 115200u

static inline volatile uint32_t *uart_reg(uint32_t offset)
{
	return (volatile uint32_t *)(UART0_BASE + offset);
}

void uart_init(void)
{
	*uart_reg(UART_BAUDDIV) = UART_PCLK_HZ / UART_BAUD;
	*uart_reg(UART_CTRL) = CTRL_TX_EN | CTRL_RX_EN;
}

void arch_console_putc(char c)
{
	while (*uart_reg(UART_STATE) & STATE_TX_FULL)
		;
	*uart_reg(UART_DATA) = (unsigned char)c;
}

/*
 * CMSDK APB timer 1 (ARM DDI 0479), used only while waiting for a byte. QEMU
 * hands the UART a byte from its input when its main loop wakes up, which,
 * with no timer pending, can take a second; a running timer wakes it every
 * TIMER_TICKS of the 25 MHz clock. No interrupt: nothing else sees it.
 */
#define TIMER1_BASE 0x40001000u
#define TIMER_CTRL 0x00
#define TIMER_VALUE 0x04
#define TIMER_RELOAD 0x08
#define TIMER_CTRL_EN (1u << 0)
#define TIMER_TICKS (UART_PCLK_HZ / 1000) /* 1 ms */

static inline volatile uint32_t *timer_reg(uint32_t offset)
{
	return (volatile uint32_t *)(TIMER1_BASE + offset);
}

int arch_console_getc(void)
{
	if (!(*uart_reg(UART_STATE) & STATE_RX_FULL)) {
		*timer_reg(TIMER_RELOAD) = TIMER_TICKS;
		*timer_reg(TIMER_VALUE) = TIMER_TICKS;
		*timer_reg(TIMER_CTRL) = TIMER_CTRL_EN;
		while (!(*uart_reg(UART_STATE) & STATE_RX_FULL))
			;
		*timer_reg(TIMER_CTRL) = 0;
	}
	return (int)(*uart_reg(UART_DATA) & 0xff);
}
