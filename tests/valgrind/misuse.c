// SPDX-License-Identifier: MIT
/*
 * tests/valgrind/misuse.c - a small "firmware logic" program with three heap
 * bugs, run under memcheck with bareslab built with CONFIG_MM_VALGRIND=1.
 * tests/valgrind/run.sh expects memcheck to name each one.
 */
#include <stdio.h>
#include <string.h>

#include <mm/page_alloc.h>
#include <mm/slab.h>

static char heap[1 << 20] __attribute__((aligned(4096)));
static char *volatile sink;

struct msg {
	int id;
	char text[28];
};

int main(void)
{
	struct kmem_cache *msgs;
	struct msg *m;
	char *buf, *big;

	if (mm_add_region(heap, sizeof(heap)) != 0)
		return 1;
	msgs = kmem_cache_create("msg", sizeof(struct msg), 0, 0, NULL);

	/* 1. use after free, in a cache */
	m = kmem_cache_alloc(msgs, GFP_KERNEL);
	m->id = 1;
	kmem_cache_free(msgs, m);
	m->id = 2; /* BUG: write to a freed object */

	/* 2. overflow past the requested size (inside the size class) */
	buf = kmalloc(20, GFP_KERNEL);
	memset(buf, 'a', 21); /* BUG: one byte too many */
	kfree(buf);

	/* 3. use after free of a page-backed block */
	big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	kfree(big);
	sink = (char *)(size_t)big[100]; /* BUG: read of a freed block */

	/* 4. a leak: the only pointer is dropped */
	sink = kmalloc(77, GFP_KERNEL);
	sink = NULL;

	puts("done");
	return 0;
}
