// SPDX-License-Identifier: MIT
/*
 * arch/riscv/uart.c - the console: the NS16550A UART of the virt board at
 * 0x10000000, polled through its line status register.
 */
#include <arch/arch.h>

#include "board.h"

#define UART0_BASE 0x10000000ul

/* Registers, one byte apart (National PC16550D data sheet). */
#define UART_RBR 0 /* read: received byte */
#define UART_THR 0 /* write: byte to send */
#define UART_IER 1 /* interrupt enable */
#define UART_LCR 3 /* line control */
#define UART_LSR 5 /* line status */

#define LCR_8N1 0x03 /* 8 data bits, no parity, 1 stop bit */
#define LSR_DR 0x01 /* a received byte is waiting */
#define LSR_THRE 0x20 /* room for a byte to send */

static inline volatile uint8_t *uart_reg(unsigned int reg)
{
	return (volatile uint8_t *)(UART0_BASE + reg);
}

/*
 * QEMU's UART runs at whatever rate the terminal does: no divisor to set. The
 * FIFOs stay off as reset left them: switching them on clears them, which
 * would drop a byte QEMU may already have handed over from piped input.
 */
void uart_init(void)
{
	*uart_reg(UART_IER) = 0;
	*uart_reg(UART_LCR) = LCR_8N1;
}

void arch_console_putc(char c)
{
	while (!(*uart_reg(UART_LSR) & LSR_THRE))
		;
	*uart_reg(UART_THR) = (uint8_t)c;
}

int arch_console_getc(void)
{
	while (!(*uart_reg(UART_LSR) & LSR_DR))
		;
	return *uart_reg(UART_RBR);
}
