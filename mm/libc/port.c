// SPDX-License-Identifier: MIT
/*
 * mm/libc/port.c - weak defaults for the hooks of mm/libc/mm_libc.h.
 *
 * They suit a firmware: the heap is what it gave mm_add_region() at boot, so
 * there is no memory to add and nothing to map, and a request the heap
 * cannot serve fails with ENOMEM. A hosted port (arch/host/preload.c)
 * defines all three.
 */
#include "mm_libc.h"

__attribute__((weak)) bool mm_libc_port_grow(size_t size)
{
	(void)size;
	return false;
}

__attribute__((weak)) void *mm_libc_port_map(size_t size)
{
	(void)size;
	return NULL;
}

__attribute__((weak)) void mm_libc_port_unmap(void *p, size_t size)
{
	(void)p;
	(void)size;
}
