// SPDX-License-Identifier: MIT
/*
 * kernel/demo.c - the boot demo: caches of typical kernel objects, filled
 * and partly emptied the way a kernel's are, then the figures.
 *
 * Object sizes are those of a small 32-bit Linux configuration. Allocation
 * goes round-robin over the kinds (as creating files takes an inode, a
 * dentry and buffer heads together); then every n-th object of each kind is
 * freed, which leaves the pools partly used.
 *
 * The full demo takes about 230 KiB of objects. On a heap too small for it
 * (the 64 KiB of a small board without the page allocator), every kind
 * allocates 1/divisor of its count, the smallest divisor whose objects fill
 * at most a third of the heap; the first line says which share ran.
 */
#include <mm/slab.h>
#include <mm/stats.h>

#include "demo.h"
#include "lib.h"
#include "mm_commands.h"
#include "printk.h"

/* One kind of object: a cache of its own, or kmalloc when @name is NULL. */
struct demo_kind {
	const char *name;
	size_t size;
	slab_flags_t flags;
	unsigned int nr; /* objects allocated */
	unsigned int free_every; /* then every free_every-th of them is freed */
};

static const struct demo_kind demo_kinds[] = {
	{ "task_struct", 1728, SLAB_HWCACHE_ALIGN, 24, 4 },
	{ "inode_cache", 600, SLAB_STORE_USER, 120, 3 }, /* sites in `leaks` */
	{ "dentry", 192, 0, 240, 3 },
	{ "buffer_head", 104, 0, 300, 2 },
	{ NULL, 0, 0, 160, 3 }, /* kmalloc, sizes from kmalloc_sizes[] */
};

/* Sizes the kmalloc kind cycles through: strings, small structs, buffers. */
static const size_t kmalloc_sizes[] = { 16, 32, 8, 64, 96, 24, 128, 192, 40, 256, 512, 2048, 1024 };

#define NR_KINDS ARRAY_SIZE(demo_kinds)
/* The sum of demo_kinds[].nr. */
#define DEMO_OBJECTS (24 + 120 + 240 + 300 + 160)

/* The part of the heap the objects may fill: a third. */
#define DEMO_HEAP_SHARE 3

static struct kmem_cache *demo_caches[NR_KINDS];
/* Every object, kind after kind; the freed ones are NULL. */
static void *demo_objs[DEMO_OBJECTS];

/* Object @i of kind @k: a cache object, or a kmalloc block of the next size. */
static void *demo_alloc(unsigned int k, unsigned int i)
{
	if (demo_kinds[k].name)
		return demo_caches[k] ? kmem_cache_alloc(demo_caches[k], GFP_KERNEL) : NULL;
	return kmalloc(kmalloc_sizes[i % ARRAY_SIZE(kmalloc_sizes)], GFP_KERNEL);
}

static void demo_free(unsigned int k, void *obj)
{
	if (demo_kinds[k].name)
		kmem_cache_free(demo_caches[k], obj);
	else
		kfree(obj);
}

/* Bytes the objects of the full demo ask for. */
static size_t demo_bytes(void)
{
	size_t sum = 0, kmalloc_avg = 0;
	unsigned int k, i;

	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		kmalloc_avg += kmalloc_sizes[i];
	kmalloc_avg /= ARRAY_SIZE(kmalloc_sizes);
	for (k = 0; k < NR_KINDS; k++)
		sum += demo_kinds[k].nr * (demo_kinds[k].name ? demo_kinds[k].size : kmalloc_avg);
	return sum;
}

/* 1 for the full demo, else the divisor of every kind's count that fits the heap. */
static unsigned int demo_divisor(void)
{
	struct mm_stats st;
	size_t room;

	mm_get_stats(&st);
	room = st.total_bytes / DEMO_HEAP_SHARE;
	return room ? (unsigned int)((demo_bytes() + room - 1) / room) : 1;
}

void demo_run(void)
{
	unsigned int k, i, first[NR_KINDS], nr[NR_KINDS], made = 0, freed = 0, step, steps = 0;
	unsigned int div = demo_divisor(), want = 0;

	if (div > 1)
		printk("demo: the heap is small: 1/%u of each kind's objects\n", div);
	for (k = 0, i = 0; k < NR_KINDS; i += demo_kinds[k++].nr) {
		first[k] = i;
		nr[k] = (demo_kinds[k].nr / div) ? demo_kinds[k].nr / div : 1;
		want += nr[k];
		if (nr[k] > steps)
			steps = nr[k];
		if (demo_kinds[k].name)
			demo_caches[k] = kmem_cache_create(demo_kinds[k].name, demo_kinds[k].size,
							   0, demo_kinds[k].flags, NULL);
	}
	if (i != DEMO_OBJECTS) { /* demo_objs[] must hold them all */
		printk("demo: demo_kinds[] has %u objects, DEMO_OBJECTS %d\n", i, DEMO_OBJECTS);
		return;
	}
	/* Round-robin: one object of each kind in turn. */
	for (step = 0; step < steps; step++) {
		for (k = 0; k < NR_KINDS; k++) {
			if (step >= nr[k])
				continue;
			demo_objs[first[k] + step] = demo_alloc(k, step);
			made += demo_objs[first[k] + step] != NULL;
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		for (i = 0; i < nr[k]; i += demo_kinds[k].free_every) {
			if (!demo_objs[first[k] + i])
				continue;
			demo_free(k, demo_objs[first[k] + i]);
			demo_objs[first[k] + i] = NULL;
			freed++;
		}
	}
	printk("demo: %u objects of %u kinds allocated, %u freed, %u kept\n", made,
	       (unsigned int)NR_KINDS, freed, made - freed);
	if (made != want)
		printk("demo: %u allocations failed\n", want - made);
	mm_print_slabinfo(&console_printer);
	mm_print_meminfo(&console_printer);
}
