// SPDX-License-Identifier: MIT
/*
 * mm/kmalloc.c - kmalloc and friends: size classes over caches, and blocks of
 * pages or runs for large requests.
 *
 * A request of n bytes goes to the smallest size class that holds it: a
 * kmem_cache of its own (kmalloc-<size>). kmalloc_class_size() is the one rule
 * that gives the classes; everything else (their count in mm/internal.h, the
 * table below, the names) follows from it. With the page allocator and 4 KiB
 * pages on a 32-bit target:
 *
 *   bytes      classes                                     step   worst loss
 *   1-128      8 16 24 32 ... 120 128                      8      7 bytes
 *   129-256    160 192 224 256                             32     19%
 *   257-512    320 384 448 512                             64     19%
 *   513-1024   640 768 896 1024                            128    19%
 *   1025-2048  1280 1536 1792 2048                         256    19%
 *   2049-4096  2560 3072 3584 4096                         512    19%
 *   4097-8192  8192 (two pages: page-aligned, as promised)  4096   50%
 *   above      alloc_pages_exact: whole pages, never 2^n   4096   < 1 page
 *
 * Every power-of-two class has a stride equal to its size in pools aligned to
 * their own size, so such blocks are aligned to their size. Without the page
 * allocator (1 KiB pools, 32-bit):
 *
 *   bytes      classes                                     per pool   loss
 *   1-64       8 16 24 32 40 48 56 64                      122..15    7 bytes
 *   65-320     80 96 120 136 160 192 240 320               12..3      33%
 *              (only those up to CONFIG_MM_KMALLOC_MAX: none by default)
 *   above      a run of their own: to MM_MIN_ALIGN               < 2 words
 *
 * (On 64-bit targets the first step is 16, and the classes above 64 are 80 96
 * 112 128 160 192 240 320.) By default runs serve everything above 64 bytes:
 * a run costs its request a grain, where a pool class costs up to a third of
 * a block and, with a dozen classes, a half-empty pool each: on a heap of a
 * few KiB that is what decides whether a program fits. Sizes up to KMALLOC_TABLE_MAX find their class in
 * size_cache[(size - 1) / 8], filled in by kmalloc_up() in the region's state;
 * larger ones by arithmetic.
 *
 * kfree() tells the kinds apart by the pool pointer of the block's page
 * (mm/slab_fast.h), or the lookup of its block (mm/lookup.c).
 *
 * Context: every public call takes the port lock.
 */
#include "slab_fast.h"

#if CONFIG_MM_PAGE_ALLOC
_Static_assert((CONFIG_MM_KMALLOC_MAX & (CONFIG_MM_KMALLOC_MAX - 1)) == 0 &&
		       CONFIG_MM_KMALLOC_MAX >= 2 * (1 << PAGE_SHIFT),
	       "CONFIG_MM_KMALLOC_MAX must be a power of two of at least two pages");
#endif
_Static_assert(PAGE_SHIFT >= 8, "classes up to 64 bytes are steps");

#define NR_GEOMETRIC (4 * (PAGE_SHIFT - 7)) /* page allocator: 160 .. PAGE_SIZE */

/* kmalloc's fast path serves sizes below this: 0 until the classes are set up. */
static size_t kmalloc_table_max;

struct mm_counters mm_counters;

/* The object size of class @i: the one rule of the classes. */
static size_t kmalloc_class_size(unsigned int i)
{
	static const uint8_t per_pool[8] = { 12, 10, 8, 7, 6, 5, 4, 3 };

	if (i < NR_LINEAR)
		return (size_t)(i + 1) * MM_MIN_ALIGN;
	i -= NR_LINEAR;
	if (!IS_ENABLED(CONFIG_MM_PAGE_ALLOC))
		return pool_class(per_pool[i]);
	if (i < NR_GEOMETRIC)
		return (size_t)(5 + i % 4) << (7 + i / 4 - 2);
	return (size_t)(i - NR_GEOMETRIC + 2) << PAGE_SHIFT;
}

/* The class of @size, 1 <= size <= KMALLOC_MAX_CACHE_SIZE. */
static unsigned int kmalloc_index(size_t size)
{
	unsigned int log;

	if (size <= KMALLOC_TABLE_MAX)
		return (unsigned int)(mm_state->size_cache[(size - 1) >> 3] - mm_state->kmalloc);
	if (size <= PAGE_SIZE) {
		log = highest_bit((unsigned long)(size - 1));
		return NR_LINEAR + (log - 7) * 4 + (unsigned int)(((size - 1) >> (log - 2)) & 3);
	}
	return NR_LINEAR + NR_GEOMETRIC + (unsigned int)((size - 1) >> PAGE_SHIFT) - 1;
}

/* "kmalloc-<size>", with the NUL, in @buf (KMALLOC_NAME_LEN bytes). */
static void format_name(char *buf, size_t size)
{
	static const char prefix[] = "kmalloc-";

	mm_memcpy(buf, prefix, sizeof(prefix) - 1);
	buf[sizeof(prefix) - 1 + mm_format_num(buf + sizeof(prefix) - 1, size, 10)] = '\0';
}
_Static_assert(sizeof("kmalloc-") - 1 + 7 + 1 <= KMALLOC_NAME_LEN &&
		       KMALLOC_MAX_CACHE_SIZE <= 9999999,
	       "the name of every class, \"kmalloc-\" and up to 7 digits, fits its buffer");

/**
 * kmalloc_up - set up every size-class cache. Called by slab_up(), whose
 * caller holds the shared lock.
 */
void kmalloc_up(void)
{
	struct mm_state *st = mm_state;
	unsigned int i, t;

	for (i = 0; i < NR_KMALLOC_CLASSES; i++) {
		size_t size = kmalloc_class_size(i);
		/* Power-of-two classes up to KMALLOC_ALIGNED_MAX are aligned to
		 * their size, and with the page allocator the page-sized ones to
		 * a page, debug layout or not. */
		size_t align = size > PAGE_SIZE						 ? PAGE_SIZE
			       : (size & (size - 1)) == 0 && size <= KMALLOC_ALIGNED_MAX ? size
											 : 0;

		format_name(st->names[i], size);
		kmem_cache_setup(&st->kmalloc[i], st->names[i], size, align, SLAB_KMALLOC, NULL);
	}
	for (t = 0, i = 0; t < KMALLOC_TABLE_ENTRIES; t++) {
		while (kmalloc_class_size(i) < (t + 1) * 8u)
			i++;
		st->size_cache[t] = &st->kmalloc[i];
	}
	kmalloc_table_max = KMALLOC_TABLE_MAX;
}

/* ---- large blocks ------------------------------------------------------------------ */

static void *kmalloc_large(size_t size, gfp_t gfp, unsigned int cpu)
{
	void *p = NULL;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown) && mm_should_fail())
		size = SIZE_MAX;
	if (size <= LARGE_MAX) {
		p = large_alloc(size, gfp & ~__GFP_ZERO); /* zeroed after the lock */
		if (!p && slab_reclaim(cpu))
			p = large_alloc(size, gfp & ~__GFP_ZERO);
	}
	if (!p) {
		mm_counters.failures++;
		return NULL;
	}
	vg_alloc(p, size, false);
	return p;
}

/* ---- the API -------------------------------------------------------------------------- */

/* Everything but a size-class hit: 0, large sizes, a reservation to refill
 * (@s, the class found by the fast path, else NULL), debug caches, fault
 * injection. Takes the locks itself (@s last: the fast path's registers stay). */
static __attribute__((noinline)) void *kmalloc_slow(size_t size, gfp_t gfp, const void *caller,
						    struct kmem_cache *s)
{
	unsigned int cpu;
	void *p;

	if (size == 0)
		return ZERO_SIZE_PTR;
	cpu = cpu_lock();
	if (s && slab_refill(s, cpu)) {
		p = slab_alloc_fast(s, cpu, size);
	} else {
		shared_lock();
		if (size > KMALLOC_MAX_CACHE_SIZE)
			p = kmalloc_large(size, gfp, cpu);
		else if (slab_is_up)
			p = slab_alloc_slow(s ? s : &mm_state->kmalloc[kmalloc_index(size)], cpu,
					    gfp, size, caller);
		else
			p = NULL; /* no region yet */
		shared_unlock();
	}
	cpu_unlock(cpu);
	if (p && (gfp & __GFP_ZERO))
		mm_memset(p, 0, size);
	return p;
}

/* Zero @p and return it: out of line, so the fast path saves no registers. */
static __attribute__((noinline)) void *zero_block(void *p, size_t size)
{
	mm_memset(p, 0, size);
	return p;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct kmem_cache *s = NULL;

	if (likely(size - 1 < kmalloc_table_max)) {
		unsigned int cpu = cpu_lock();
		void *p;

		s = mm_state->size_cache[(size - 1) >> 3];
		if (likely(slab_alloc_ready(s, cpu))) {
			p = slab_alloc_fast(s, cpu, size);
			cpu_unlock(cpu);
			return unlikely(gfp & __GFP_ZERO) ? zero_block(p, size) : p;
		}
		cpu_unlock(cpu);
	}
	return kmalloc_slow(size, gfp, _RET_IP_, s);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size) {
		mm_lock();
		mm_counters.failures++;
		mm_unlock();
		return NULL;
	}
	return kmalloc(n * size, gfp | __GFP_ZERO);
}

/* kfree() of anything but a plain pool object in the first region. */
static __attribute__((noinline)) void kfree_slow(const void *p, const void *caller)
{
	struct mm_block b;
	struct mm_report r;
	unsigned int cpu;

	if ((uintptr_t)p <= (uintptr_t)ZERO_SIZE_PTR)
		return;
	cpu = cpu_lock();
	shared_lock();
	mm_lookup(p, &b);
	if (b.kind == BLOCK_OBJECT && (b.cache->flags & SLAB_INTERNAL)) {
		mm_report_init(&r, MM_REPORT_WRONG_CACHE, p, b.start, b.cache, caller);
		r.detail = "kfree() of a kmem_cache handle: use kmem_cache_destroy()";
		mm_report_send(&r);
	} else if (b.kind == BLOCK_OBJECT) {
		slab_free_slow(b.cache, b.slab, (void *)(uintptr_t)p, cpu, caller);
	} else if (b.kind == BLOCK_PAGES && b.live && b.kmalloc) {
		vg_free(b.start);
		large_free(&b);
	} else {
		mm_report(b.live ? MM_REPORT_FOREIGN_FREE : b.why, p, b.start, NULL, caller);
	}
	shared_unlock();
	cpu_unlock(cpu);
}

void kfree(const void *p)
{
	unsigned int cpu = cpu_lock();
	struct slab *slab = virt_to_slab_fast(p);

	if (likely(slab_free_fast(slab->cache, slab, p, cpu))) {
		cpu_unlock(cpu);
		return;
	}
	cpu_unlock(cpu);
	kfree_slow(p, _RET_IP_);
}

/* The usable size of the live block at @p, or 0. Caller holds mm_lock(). */
static size_t __ksize(const void *p)
{
	struct mm_block b;

	if ((uintptr_t)p <= (uintptr_t)ZERO_SIZE_PTR)
		return 0;
	mm_lookup(p, &b);
	if (!b.live || (b.kind == BLOCK_PAGES && !b.kmalloc))
		return 0;
	return block_size(&b);
}

size_t ksize(const void *p)
{
	size_t n;

	mm_lock();
	n = __ksize(p);
	mm_unlock();
	return n;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old_size;
	void *n;

	if ((uintptr_t)p <= (uintptr_t)ZERO_SIZE_PTR)
		return kmalloc(new_size, gfp);
	if (new_size == 0) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old_size = ksize(p);
	if (old_size == 0) {
		kfree_slow(p, _RET_IP_); /* reports the bad pointer, frees nothing */
		return NULL;
	}
	if (new_size <= old_size) {
		if ((gfp & __GFP_ZERO) && new_size < old_size)
			mm_memset((char *)(uintptr_t)p + new_size, 0, old_size - new_size);
		return (void *)(uintptr_t)p;
	}
	n = kmalloc(new_size, gfp & ~__GFP_ZERO);
	if (!n)
		return NULL;
	mm_memcpy(n, p, old_size);
	if (gfp & __GFP_ZERO)
		mm_memset((char *)n + old_size, 0, new_size - old_size);
	kfree(p);
	return n;
}

bool mm_owns(const void *p)
{
	struct mm_block b;

	mm_lock();
	mm_lookup(p, &b);
	mm_unlock();
	if (b.kind == BLOCK_OBJECT)
		return b.index < b.cache->objects;
	/* Without the page allocator no lookup finds the run an interior
	 * pointer lies in (in O(1)): the whole heap counts. */
	return b.kind == BLOCK_PAGES ||
	       (!CONFIG_MM_PAGE_ALLOC && b.region && b.why != MM_REPORT_FOREIGN_FREE);
}
