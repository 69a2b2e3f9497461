// SPDX-License-Identifier: MIT
/*
 * arch/arm/libc.c - the system calls newlib-nano needs on a board
 * with only a console: stdout and stderr go to the UART ("\n" as "\r\n"),
 * stdin comes from it, and there are no files. No _sbrk: bareslab is the
 * C library's malloc (libmm_libc.a), so nothing in newlib asks for one.
 */
#include <errno.h>
#include <sys/stat.h>

#include <arch/arch.h>

int _write(int fd, const char *buf, int n);
int _read(int fd, char *buf, int n);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int offset, int whence);
int _kill(int pid, int sig);
int _getpid(void);
void _exit(int status);

#undef errno
extern int errno;

int _write(int fd, const char *buf, int n)
{
	int i;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			arch_console_putc('\r');
		arch_console_putc(buf[i]);
	}
	return n;
}

int _read(int fd, char *buf, int n)
{
	int c;

	if (fd != 0 || n <= 0)
		return 0;
	c = arch_console_getc();
	if (c < 0)
		return 0;
	buf[0] = (char)c;
	return 1;
}

int _close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

/* Every descriptor is the console: a character device, so stdio buffers lines. */
int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

int _lseek(int fd, int offset, int whence)
{
	(void)fd;
	(void)offset;
	(void)whence;
	errno = ESPIPE;
	return -1;
}

int _kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}

void _exit(int status)
{
	arch_exit(status);
}

/* newlib's state (its struct _reent) is static and ready at reset. */
void arch_libc_init(void)
{
}
