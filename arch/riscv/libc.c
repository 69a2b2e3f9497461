// SPDX-License-Identifier: MIT
/*
 * arch/riscv/libc.c - what picolibc needs on a board with only a
 * console: stdin, stdout and stderr as one stream on the UART ("\n" as
 * "\r\n"), _exit(), and a thread pointer. picolibc's stdio takes no memory
 * for such a stream; its malloc users (strdup, asprintf, fmemopen) call
 * malloc(), which libmm_libc.a provides, so picolibc's own malloc and sbrk
 * stay out.
 */
#include <stdio.h>

#include <arch/arch.h>

void _exit(int status);

static int console_put(char c, FILE *f)
{
	(void)f;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
	return (unsigned char)c;
}

static int console_get(FILE *f)
{
	int c = arch_console_getc();

	(void)f;
	return c < 0 ? EOF : c;
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

void _exit(int status)
{
	arch_exit(status);
}

/*
 * picolibc keeps errno in thread-local storage, addressed from tp. The
 * board's start-up code leaves tp alone (its own code has no thread-local
 * data), so the one thread gets a block here: picolibc has only .tbss
 * (errno, 4 bytes, zero), no .tdata to copy.
 */
static char tls_block[64] __attribute__((aligned(16)));

void arch_libc_init(void)
{
	__asm__ volatile("mv tp, %0" : : "r"(tls_block) : "memory");
}
