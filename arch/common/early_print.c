// SPDX-License-Identifier: MIT
/*
 * arch/common/early_print.c - console output for the bare-metal boards' own
 * reports (faults, traps, the exit path) that must not depend on kernel/:
 * strings, hex and decimal numbers straight to arch_console_putc().
 */
#include <arch/arch.h>

#include "early_print.h"

/* "\n" becomes "\r\n", as a serial terminal wants. */
void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			arch_console_putc('\r');
		arch_console_putc(*s);
	}
}

/* "0x" and every hex digit of an unsigned long (8 or 16). */
void uart_puthex(unsigned long v)
{
	static const char digits[] = "0123456789abcdef";
	int shift;

	uart_puts("0x");
	for (shift = (int)sizeof(v) * 8 - 4; shift >= 0; shift -= 4)
		arch_console_putc(digits[(v >> shift) & 0xf]);
}

void uart_putdec(unsigned long v)
{
	char buf[20];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		arch_console_putc(buf[--i]);
}
