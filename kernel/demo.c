// SPDX-License-Identifier: MIT
/*
 * kernel/demo.c - the boot demo: caches of typical kernel objects, filled
 * and partly emptied the way a kernel's are, then the figures.
 *
 * Object sizes are those of a small 32-bit Linux configuration. Allocation
 * goes round-robin over the kinds (as creating files takes an inode, a
 * dentry and buffer heads together); then every n-th object of each kind is
 * freed, which leaves the pools partly used.
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

void demo_run(void)
{
	unsigned int k, i, first[NR_KINDS], made = 0, freed = 0, step, steps = 0;

	for (k = 0, i = 0; k < NR_KINDS; i += demo_kinds[k++].nr) {
		first[k] = i;
		if (demo_kinds[k].nr > steps)
			steps = demo_kinds[k].nr;
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
			if (step >= demo_kinds[k].nr)
				continue;
			demo_objs[first[k] + step] = demo_alloc(k, step);
			made += demo_objs[first[k] + step] != NULL;
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		for (i = 0; i < demo_kinds[k].nr; i += demo_kinds[k].free_every) {
			if (!demo_objs[first[k] + i])
				continue;
			demo_free(k, demo_objs[first[k] + i]);
			demo_objs[first[k] + i] = NULL;
			freed++;
		}
	}
	printk("demo: %u objects of %u kinds allocated, %u freed, %u kept\n", made,
	       (unsigned int)NR_KINDS, freed, made - freed);
	if (made != DEMO_OBJECTS)
		printk("demo: %u allocations failed\n", DEMO_OBJECTS - made);
	mm_print_slabinfo(&console_printer);
	mm_print_meminfo(&console_printer);
}
