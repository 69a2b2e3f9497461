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

int arch_console_getc(void)
{
	while (!(*uart_reg(UART_STATE) & STATE_RX_FULL))
		;
	return (int)(*uart_reg(UART_DATA) & 0xff);
}
