/* SPDX-License-Identifier: MIT */
/*
 * kernel/printk.h - formatted output: into a buffer (ksnprintf) or to the
 * console (printk).
 *
 * Conversions: %d %i %u %o %x %X %c %s %p %%, with flags "-0+ #", a width
 * (digits or *), a precision (.digits or .*) and the length modifiers hh h l
 * ll z t j. They behave as in C's printf, except that:
 *   - %s of NULL prints "(null)" (precision permitting);
 *   - %p prints "0x" and the pointer zero-padded to its full width
 *     (0x00006000 on a 32-bit board), like Linux's %px;
 *   - an unknown conversion is copied out as it stands ("%q" prints "%q");
 *   - widths and precisions above 65535 count as 65535;
 *   - there is no floating point and no %n.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define __printf(a, b) __attribute__((format(printf, a, b)))

/**
 * kvformat - the formatter itself: send each output byte to @putc.
 * @putc: called once per byte, in order, with @ctx.
 * @ctx: passed through to @putc.
 * @fmt: the format, as described at the top of this file.
 * @ap: its arguments.
 *
 * Context: any; uses about 100 bytes of stack and no other state.
 * Return: the number of bytes sent.
 */
int kvformat(void (*putc)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

/**
 * kvsnprintf - format into a buffer, like vsnprintf().
 * @buf: where the output goes; may be NULL when @size is 0.
 * @size: bytes available at @buf, the terminating NUL included.
 * @fmt: the format.
 * @ap: its arguments.
 *
 * Writes at most @size - 1 bytes and, when @size > 0, always a NUL after them.
 * Return: the length the whole output has (without the NUL), even when it was
 * cut short: the output was complete iff the result is below @size.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ksnprintf - kvsnprintf() with the arguments inline. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Writes one byte to the console's device. */
typedef void console_putc_t(char c);

/**
 * console_register - send the console's output to @putc from now on.
 * @putc: writes one byte to the device (arch_console_putc on a board); NULL
 *        drops everything, which is also the state before the first call.
 * Return: the previous one, to put back after a capture.
 */
console_putc_t *console_register(console_putc_t *putc);

/**
 * console_putc - write one byte to the console; "\n" goes out as "\r\n".
 * @c: the byte.
 */
void console_putc(char c);

/* console_puts - console_putc() every byte of the string @s. */
void console_puts(const char *s);

/**
 * console_lock - keep the console to this CPU, its interrupts masked, until
 * console_unlock(): what it prints in between comes out in one piece, with no
 * other CPU's output inside. Nests on one CPU. Spins while another CPU holds
 * it, so it must not be held across a call that waits for another CPU (an
 * allocator call: a misuse report prints with the allocator's lock held).
 */
void console_lock(void);
void console_unlock(void);

/**
 * vprintk - format to the console, with "\n" sent as "\r\n".
 * @fmt: the format.
 * @ap: its arguments.
 *
 * Context: any; unbuffered, under console_lock(): the output of one call is
 * not interleaved with another CPU's (an interrupt handler on the same CPU
 * waits for it too). console_putc() and console_puts() take no lock.
 * Return: the number of bytes formatted (before the "\r" are added).
 */
int vprintk(const char *fmt, va_list ap);

/* printk - vprintk() with the arguments inline. */
int printk(const char *fmt, ...) __printf(1, 2);

#endif /* KERNEL_PRINTK_H */
