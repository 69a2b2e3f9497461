// SPDX-License-Identifier: MIT
/*
 * tests/bench/alloc_null.c - an allocator that does nothing, to measure the
 * replay loop alone. Every block is the same non-NULL address: the replay
 * never touches the memory it is given.
 */
#include "bench_alloc.h"

static char only_block;

int bench_init(size_t heap_bytes)
{
	(void)heap_bytes;
	return 0;
}

void *bench_alloc(size_t size)
{
	(void)size;
	return &only_block;
}

void bench_free(void *p)
{
	(void)p;
}

const char *bench_alloc_origin(void)
{
	return "none (replay overhead)";
}

void bench_thread_start(unsigned int index)
{
	(void)index;
}
