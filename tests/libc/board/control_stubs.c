// SPDX-License-Identifier: MIT
/*
 * tests/libc/board/control_stubs.c - only for control.elf of
 * tests/libc/boards.sh: the arm image linked without libmm_libc.a, with
 * newlib-nano's own malloc. That needs an _sbrk to link, and newlib-nano's
 * aligned_alloc calls a posix_memalign that the library lacks. The image is
 * never run: these only have to link.
 */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>

void *_sbrk(ptrdiff_t increment);
int posix_memalign(void **memptr, size_t align, size_t size);

void *_sbrk(ptrdiff_t increment)
{
	(void)increment;
	errno = ENOMEM;
	return (void *)-1;
}

int posix_memalign(void **memptr, size_t align, size_t size)
{
	void *p = memalign(align, size);

	if (!p)
		return ENOMEM;
	*memptr = p;
	return 0;
}
