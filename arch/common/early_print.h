/* SPDX-License-Identifier: MIT */
/*
 * arch/common/early_print.h - console output for a board's fault and trap
 * reports, without kernel/ (arch/common/early_print.c).
 */
#ifndef ARCH_COMMON_EARLY_PRINT_H
#define ARCH_COMMON_EARLY_PRINT_H

void uart_puts(const char *s);
void uart_puthex(unsigned long v);
void uart_putdec(unsigned long v);

#endif /* ARCH_COMMON_EARLY_PRINT_H */
