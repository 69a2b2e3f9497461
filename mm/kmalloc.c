// SPDX-License-Identifier: MIT
/*
 * mm/kmalloc.c - kmalloc and friends: size classes over caches, and whole
 * pages for large requests.
 *
 * A request of n bytes goes to the smallest size class that holds it: a
 * kmem_cache of its own (kmalloc-<size>). The classes step by MM_MIN_ALIGN up
 * to 128 bytes, then by four per doubling up to PAGE_SIZE, then by whole
 * pages up to KMALLOC_MAX_CACHE_SIZE; beyond that the request takes just the
 * pages it needs (alloc_pages_exact). With 4 KiB pages on a 32-bit target:
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
 * (On 64-bit targets the first step is 16.) Every power-of-two class has a
 * stride equal to its size in pools aligned to their own size, so such
 * blocks are aligned to their size. Sizes up to 1024 find their class
 * through a 128-entry table indexed by (size - 1) / 8, built at compile time;
 * larger ones by arithmetic.
 *
 * kfree() tells the kinds apart by the page descriptor of the block's page:
 * its pool's header for a class block (mm/slab_fast.h), PG_large with
 * PAGE_ORDER_EXACT for pages (mm/lookup.c).
 *
 * Context: every public call takes the port lock.
 */
#include "slab_fast.h"

_Static_assert(PAGE_SHIFT >= 10, "size_index[] assumes pages of at least 1 KiB");
_Static_assert((CONFIG_MM_KMALLOC_MAX & (CONFIG_MM_KMALLOC_MAX - 1)) == 0 &&
		       CONFIG_MM_KMALLOC_MAX >= 2 * (1 << PAGE_SHIFT),
	       "CONFIG_MM_KMALLOC_MAX must be a power of two of at least two pages");

#define NR_LINEAR (128 / MM_MIN_ALIGN) /* classes MM_MIN_ALIGN .. 128 */
#define NR_GEOMETRIC (4 * (PAGE_SHIFT - 7)) /* 160 .. PAGE_SIZE */
#define NR_PAGE_CLASSES (CONFIG_MM_KMALLOC_MAX / (1 << PAGE_SHIFT) - 1) /* 2 pages .. max */
#define NR_KMALLOC_CLASSES (NR_LINEAR + NR_GEOMETRIC + NR_PAGE_CLASSES)

/* Sizes up to this one find their class in size_index[]. */
#define KMALLOC_TABLE_MAX 1024

/* floor(log2(x)) for 128 <= x < 1024, as a constant expression. */
#define FLOG2_SMALL(x) ((x) >= 512 ? 9 : (x) >= 256 ? 8 : 7)
/* The class index of a size from 1 to 1024, as a constant expression. */
#define KMALLOC_INDEX(sz)                                          \
	((sz) <= 128 ? ((sz)-1) / MM_MIN_ALIGN                     \
		     : NR_LINEAR + (FLOG2_SMALL((sz)-1) - 7) * 4 + \
			       ((((sz)-1) >> (FLOG2_SMALL((sz)-1) - 2)) & 3))

#define SI(n) KMALLOC_INDEX(((n) + 1) * 8)
#define SI4(n) SI(n), SI((n) + 1), SI((n) + 2), SI((n) + 3)
#define SI16(n) SI4(n), SI4((n) + 4), SI4((n) + 8), SI4((n) + 12)
#define SI64(n) SI16(n), SI16((n) + 16), SI16((n) + 32), SI16((n) + 48)

/* Zeroed (.bss, not .data): before slab_up() every class has no active
 * pool, so the fast path always misses. */
static struct kmem_cache kmalloc_caches[NR_KMALLOC_CLASSES];

/* size_cache[(size - 1) / 8]: the cache of sizes 1 .. KMALLOC_TABLE_MAX. */
#define SC(n) &kmalloc_caches[SI(n)]
#define SC4(n) SC(n), SC((n) + 1), SC((n) + 2), SC((n) + 3)
#define SC16(n) SC4(n), SC4((n) + 4), SC4((n) + 8), SC4((n) + 12)
#define SC64(n) SC16(n), SC16((n) + 16), SC16((n) + 32), SC16((n) + 48)
static struct kmem_cache *const size_cache[KMALLOC_TABLE_MAX / 8] = { SC64(0), SC64(64) };

static char kmalloc_names[NR_KMALLOC_CLASSES][16];

struct mm_counters mm_counters;

/* The object size of class @i. */
static size_t kmalloc_class_size(unsigned int i)
{
	unsigned int shift;

	if (i < NR_LINEAR)
		return (size_t)(i + 1) * MM_MIN_ALIGN;
	i -= NR_LINEAR;
	if (i < NR_GEOMETRIC) {
		shift = 7 + i / 4 - 2;
		return (size_t)(5 + i % 4) << shift;
	}
	i -= NR_GEOMETRIC;
	return (size_t)(i + 2) << PAGE_SHIFT;
}

/* The class of @size, 1 <= size <= KMALLOC_MAX_CACHE_SIZE. */
static unsigned int kmalloc_index(size_t size)
{
	unsigned int log;

	if (size <= KMALLOC_TABLE_MAX)
		return (unsigned int)(size_cache[(size - 1) >> 3] - kmalloc_caches);
	if (size <= PAGE_SIZE) {
		log = (unsigned int)(sizeof(unsigned long) * 8 - 1) -
		      (unsigned int)__builtin_clzl((unsigned long)(size - 1));
		return NR_LINEAR + (log - 7) * 4 + (unsigned int)(((size - 1) >> (log - 2)) & 3);
	}
	return NR_LINEAR + NR_GEOMETRIC + (unsigned int)((size - 1) >> PAGE_SHIFT) - 1;
}

/* "kmalloc-<n>" without libc. */
static void format_name(char *buf, const char *prefix, size_t n)
{
	char digits[24];
	int i = 0;

	while (*prefix)
		*buf++ = *prefix++;
	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (i)
		*buf++ = digits[--i];
	*buf = '\0';
}

/**
 * kmalloc_up - set up every size-class cache. Unlocked; called by slab_up().
 */
void kmalloc_up(void)
{
	unsigned int i;

	for (i = 0; i < NR_KMALLOC_CLASSES; i++) {
		size_t size = kmalloc_class_size(i);
		/* Power-of-two classes are aligned to their size, the page-sized
		 * ones to a page, debug layout or not. */
		size_t align = size > PAGE_SIZE ? PAGE_SIZE : (size & (size - 1)) == 0 ? size : 0;

		format_name(kmalloc_names[i], "kmalloc-", size);
		kmem_cache_setup(&kmalloc_caches[i], kmalloc_names[i], size, align, SLAB_KMALLOC,
				 NULL);
	}
}

/* ---- large blocks ------------------------------------------------------------------ */

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	void *p = NULL;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown) && mm_should_fail())
		size = SIZE_MAX;
	if (size <= (PAGE_SIZE << MAX_ORDER)) {
		p = __alloc_pages_exact(size, gfp);
		if (!p && slab_reclaim())
			p = __alloc_pages_exact(size, gfp);
	}
	if (!p) {
		mm_counters.failures++;
		return NULL;
	}
	mm_counters.large_allocs++;
	mm_counters.large_pages += virt_to_page(p)->nr_exact;
	vg_alloc(p, size, false);
	return p;
}

static void kfree_large(struct mm_region *r, struct page *pg)
{
	mm_counters.large_frees++;
	mm_counters.large_pages -= pg->nr_exact;
	vg_free(page_address(r, pg));
	__free_pages_exact(r, pg);
}

/* ---- the API -------------------------------------------------------------------------- */

/* Everything but a size-class hit: 0, large sizes, a reservation to refill,
 * debug caches, fault injection. Takes the lock itself. */
static __attribute__((noinline)) void *kmalloc_slow(size_t size, gfp_t gfp, const void *caller)
{
	void *p;

	if (size == 0)
		return ZERO_SIZE_PTR;
	mm_lock();
	if (size > KMALLOC_MAX_CACHE_SIZE) {
		p = kmalloc_large(size, gfp);
	} else {
		slab_up();
		p = slab_alloc_slow(&kmalloc_caches[kmalloc_index(size)], gfp, size, caller);
	}
	mm_unlock();
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
	if (likely(size - 1 < KMALLOC_TABLE_MAX)) {
		struct kmem_cache *s = size_cache[(size - 1) >> 3];
		void *p;

		mm_lock();
		if (likely(slab_alloc_ready(s))) {
			p = slab_alloc_fast(s);
			mm_unlock();
			return unlikely(gfp & __GFP_ZERO) ? zero_block(p, size) : p;
		}
		mm_unlock();
	}
	return kmalloc_slow(size, gfp, _RET_IP_);
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

	if ((uintptr_t)p <= (uintptr_t)ZERO_SIZE_PTR)
		return;
	mm_lock();
	mm_lookup(p, &b);
	if (b.kind == BLOCK_OBJECT && (b.cache->flags & SLAB_INTERNAL)) {
		mm_report_init(&r, MM_REPORT_WRONG_CACHE, p, b.start, b.cache, caller);
		r.detail = "kfree() of a kmem_cache handle: use kmem_cache_destroy()";
		mm_report_send(&r);
	} else if (b.kind == BLOCK_OBJECT) {
		slab_free_slow(b.cache, b.slab, (void *)(uintptr_t)p, caller);
	} else if (b.kind == BLOCK_PAGES && b.live && page_is_exact(b.page)) {
		kfree_large(b.region, b.page);
	} else {
		mm_report(b.live ? MM_REPORT_FOREIGN_FREE : b.why, p, b.start, NULL, caller);
	}
	mm_unlock();
}

void kfree(const void *p)
{
	struct slab *slab;

	mm_lock();
	slab = virt_to_slab_fast(p);
	if (likely(slab_free_fast(slab->cache, slab, p))) {
		mm_unlock();
		return;
	}
	mm_unlock();
	kfree_slow(p, _RET_IP_);
}

/* The usable size of the live block at @p, or 0. Unlocked. */
static size_t __ksize(const void *p)
{
	struct mm_block b;

	if ((uintptr_t)p <= (uintptr_t)ZERO_SIZE_PTR)
		return 0;
	mm_lookup(p, &b);
	if (!b.live || (b.kind == BLOCK_PAGES && !page_is_exact(b.page)))
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
	return b.kind == BLOCK_PAGES || (b.kind == BLOCK_OBJECT && b.index < b.cache->objects);
}
