// SPDX-License-Identifier: MIT
/*
 * tests/bench/size_libc.c - the same smallest program as size_mm.c, on the C
 * library's malloc() and free(). What the platform provides anyway (the
 * break, errno, newlib's reentrancy pointer) is stubbed, so that the image
 * holds the allocator and a few bytes more. Build with -fno-builtin, or gcc
 * deletes the malloc/free pair; -DSTUB_NEWLIB for newlib, nothing for picolibc.
 */
#include <stddef.h>
#include <stdlib.h>

void size_entry(size_t size);

void size_entry(size_t size)
{
	free(malloc(size));
}

#ifdef STUB_NEWLIB
void *_sbrk(ptrdiff_t incr);
int errno;
struct _reent *_impure_ptr;

void *_sbrk(ptrdiff_t incr)
{
	(void)incr;
	return (void *)-1;
}
#else
void *sbrk(ptrdiff_t incr);

void *sbrk(ptrdiff_t incr)
{
	(void)incr;
	return (void *)-1;
}
#endif
