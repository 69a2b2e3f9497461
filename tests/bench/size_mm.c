// SPDX-License-Identifier: MIT
/*
 * tests/bench/size_mm.c - the smallest firmware that uses bareslab: one region,
 * one kmalloc(), one kfree(). scripts/bench.sh links it with --gc-sections
 * and no C library to measure what bareslab adds to an image.
 */
#include <mm/page_alloc.h>
#include <mm/slab.h>

void size_entry(void *heap, size_t heap_bytes, size_t size);

void size_entry(void *heap, size_t heap_bytes, size_t size)
{
	if (mm_add_region(heap, heap_bytes) == 0)
		kfree(kmalloc(size, GFP_KERNEL));
}
