/* SPDX-License-Identifier: MIT */
/*
 * mm/internal.h - structures and accessors shared inside mm/ and by white-box
 * tests. Not part of the public API: firmware includes <mm/...> headers only.
 *
 * A region, as mm_add_region() lays it out:
 *
 *   start (as given)                                           start + size
 *   |                                                                     |
 *   v                                                                     v
 *   +----+---------------------------+--+-----------+-----------+-----+---+
 *   |pad | struct page[nr_pages]     |  | page 0    | page 1    | ... |pad|
 *   +----+---------------------------+--+-----------+-----------+-----+---+
 *        ^ pages (pointer-aligned)       ^ base (PAGE_SIZE-aligned)  ^ end
 *
 * Page i of the region starts at base + i * PAGE_SIZE and is described by
 * pages[i]. Descriptors cost sizeof(struct page) per page (20 bytes on 32-bit
 * targets, 40 on 64-bit ones). A page is in exactly one of these states:
 *
 *   PG_free   first page of a free buddy block of 2^order pages, on
 *             free_area[order] of its region
 *   PG_slab   first page of a pool (slab) of 2^order pages: slab_cache,
 *             freelist and inuse describe the pool
 *   PG_large  first page of a page-backed allocation: order for
 *             get_free_pages(), or nr_pages for alloc_pages_exact()
 *   PG_tail   any other page of a block above; head points to the first page
 *             (set for pools and page-backed allocations, not free blocks)
 *   0         a page inside a free block, other than its first
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/config.h>
#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>
#include <mm/types.h>

/* ---- checks ---------------------------------------------------------------- */

/* MM_BUG_ON - an internal invariant; never a caller's mistake. */
#define MM_BUG_ON(cond)                                                                          \
	do {                                                                                     \
		if (__builtin_expect(!!(cond), 0))                                               \
			mm_port_bug(__FILE__, __LINE__);                                         \
	} while (0)

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* ---- locking ----------------------------------------------------------------- */

static inline void mm_lock(void)
{
	if (IS_ENABLED(CONFIG_MM_LOCKING))
		mm_port_lock();
}

static inline void mm_unlock(void)
{
	if (IS_ENABLED(CONFIG_MM_LOCKING))
		mm_port_unlock();
}

/* ---- doubly linked lists ------------------------------------------------------ */

struct list_head {
	struct list_head *next, *prev;
};

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_add(n, h->prev);
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

/* ---- page descriptors --------------------------------------------------------- */

enum page_state {
	PG_none = 0,
	PG_free,
	PG_slab,
	PG_large,
	PG_tail,
};

struct page {
	union {
		struct list_head lru; /* PG_free: free_area list; PG_slab: partial list */
		struct page *head; /* PG_tail: the block's first page */
	};
	void *freelist; /* PG_slab: first free object (link encoded when hardened) */
	struct kmem_cache *slab_cache; /* PG_slab: owning cache */
	uint16_t inuse; /* PG_slab: objects handed out */
	uint8_t order; /* PG_free, PG_slab, PG_large: log2 of the block's pages */
	uint8_t state; /* enum page_state */
};

/* PG_large from alloc_pages_exact(): the page count is kept in freelist's place. */
static inline size_t page_nr_exact(const struct page *pg)
{
	return (size_t)(uintptr_t)pg->freelist;
}

struct mm_region {
	uintptr_t start, size; /* as given to mm_add_region() */
	struct page *pages; /* descriptors, one per page */
	uintptr_t base; /* address of page 0 */
	uintptr_t end; /* base + nr_pages * PAGE_SIZE */
	size_t nr_pages;
	size_t nr_free; /* free pages in this region */
	struct list_head free_area[MAX_ORDER + 1]; /* PG_free heads per order */
	size_t nr_free_blocks[MAX_ORDER + 1];
};

/* The regions added so far, in the order they were added. */
extern struct mm_region mm_regions[CONFIG_MM_MAX_REGIONS];
extern unsigned int mm_nr_regions;

#define for_each_region(r) for ((r) = mm_regions; (r) < mm_regions + mm_nr_regions; (r)++)

/* The region holding address @a, or NULL. */
static inline struct mm_region *addr_to_region(uintptr_t a)
{
	struct mm_region *r;

	for_each_region(r)
		if (a - r->base < r->end - r->base)
			return r;
	return NULL;
}

static inline struct page *region_page(const struct mm_region *r, uintptr_t a)
{
	return &r->pages[(a - r->base) >> PAGE_SHIFT];
}

static inline void *page_address(const struct mm_region *r, const struct page *pg)
{
	return (void *)(r->base + ((uintptr_t)(pg - r->pages) << PAGE_SHIFT));
}

/* The descriptor of the page holding @p, or NULL when no region holds it. */
static inline struct page *virt_to_page(const void *p)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);

	return r ? region_page(r, (uintptr_t)p) : NULL;
}

/* The first page of the block holding @pg (itself unless a tail page). */
static inline struct page *compound_head(struct page *pg)
{
	return pg->state == PG_tail ? pg->head : pg;
}

/* ---- page allocator internals (page_alloc.c) ---------------------------------- */

/* Unlocked versions of the public calls, for callers holding the lock. Both
 * mark the block PG_large (first page) and PG_tail (the rest, head set). */
void *__get_free_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct mm_region *r, struct page *pg, unsigned int order);
void *__alloc_pages_exact(size_t size, gfp_t gfp);
void __free_pages_exact(struct mm_region *r, struct page *pg);

/* ---- small helpers ------------------------------------------------------------ */

/* Freestanding memset/memcpy: mm/ links no libc, and builds with -fno-builtin. */
void mm_memset(void *dst, int c, size_t n);
void mm_memcpy(void *dst, const void *src, size_t n);

/* Misuse reports since boot, by kind. */
extern unsigned long mm_nr_reports[NR_MM_REPORTS];

/* Report a misuse through mm_port_report(), counting it. */
void mm_report(enum mm_report_kind kind, const void *addr, const void *object,
	       const struct kmem_cache *s, const void *caller);

#endif /* MM_INTERNAL_H */
