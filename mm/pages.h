/* SPDX-License-Identifier: MIT */
/*
 * mm/pages.h - what lies under the pools with the page allocator
 * (CONFIG_MM_PAGE_ALLOC=1): page descriptors, regions, the pool header in the
 * descriptor of its first page. Included by mm/internal.h only.
 *
 * A region, as mm_add_region() lays it out:
 *
 *   start (as given)                                                   start + size
 *   |                                                                             |
 *   v                                                                             v
 *   +----+-----------------+----------------+---------------+--+--------+-----+---+
 *   |pad | struct page[nr] | slab *slabs[nr]| free bits[nr] |  | page 0 | ... |pad|
 *   +----+-----------------+----------------+---------------+--+--------+-----+---+
 *        ^ pages            ^ slabs          ^ bits            ^ base           ^ end
 *
 * The pages end at end, the last page boundary of the region; the gap
 * between the bits and page 0 is what the metadata leaves of a page, so
 * that a region aligned at its top keeps its largest blocks whole.
 * Page i of the region starts at base + i * PAGE_SIZE (base is PAGE_SIZE-
 * aligned) and is described by pages[i]; slabs[i] is the header of the pool
 * the page belongs to (&mm_no_slab when none), and its slot of free bits,
 * bits + i * PAGE_BITS_LONGS, is the free map of a pool that starts on that
 * page (one bit per MM_MIN_ALIGN bytes of the page: enough for any pool,
 * whose objects are at least that far apart). Per page that costs
 * sizeof(struct page) (32 bytes on 32-bit targets, 56 on 64-bit ones), a
 * pointer, and PAGE_SIZE / MM_MIN_ALIGN / 8 bytes of bits (64 on 32-bit, 32 on
 * 64-bit targets, with 4 KiB pages): PAGE_META, 100 or 96 bytes, 2.4% of the
 * region.
 * The bits live apart from the objects, so no overflow of an object reaches
 * them.
 *
 * A page is in exactly one of these states (struct page.state):
 *
 *   PG_free   first page of a free buddy block of 2^order pages, on
 *             free_area[order] of its region (or pool_area[order], in an arena)
 *   PG_slab   first page of a pool: page->pool is the pool's header (struct slab)
 *   PG_large  first page of a page-backed allocation: order for
 *             get_free_pages(), or PAGE_ORDER_EXACT and nr_exact pages for
 *             alloc_pages_exact()
 *   PG_tail   any other page of a block above; head points to the first page
 *   PG_none   a page inside a free block, other than its first
 *
 * Every page of a pool, its first included, has slabs[i] pointing to the
 * pool's header; every other page points to mm_no_slab, a header that no
 * pointer passes the fast free path's checks in. So the free path finds the
 * pool of any object in one load, whatever page of the pool it lies on.
 *
 * Arenas: the slab layer's pools come from aligned runs of 2^ARENA_ORDER pages
 * claimed for pools (every page's arena field is ARENA_POOLS), and free
 * blocks smaller than an arena inside them sit on pool_area[] instead of
 * free_area[], so pools and large blocks keep to their own parts of the heap.
 */
#ifndef MM_PAGES_H
#define MM_PAGES_H

/* ---- pools ----------------------------------------------------------------------- */

/*
 * struct slab - a pool's header: the descriptor of the pool's first page
 * holds it (page->pool), outside the pool's memory.
 *
 * Object i of the pool is free exactly when bit i of bitmap is set. Words of
 * the bitmap are started lazily: words [0, fresh) are kept, the others are
 * not looked at, and their objects have never been handed out.
 */
struct slab {
	struct kmem_cache *cache; /* the pool's cache */
	unsigned long *bitmap; /* free bits, one per object */
	struct list_head list; /* on the cache's partial or empty list */
	uintptr_t limit; /* the fast free path's bound: objects of the started words,
			  * or 0 for caches that free through the slow path only */
	unsigned int inuse; /* objects handed out, or held by the CPUs to hand out */
	union {
		uint16_t built; /* caches with a constructor or debug layer: the objects
				 * of the bits before bit position built (word * bits
				 * per long + bit) were made ready */
		uint16_t lost; /* SLAB_QUARANTINED: objects given up as lost */
	};
	uint8_t fresh; /* bitmap words started */
	uint8_t cursor; /* the word the next refill looks at first */
};

/* ---- page descriptors --------------------------------------------------------- */

enum page_state {
	PG_none = 0,
	PG_free,
	PG_slab,
	PG_large,
	PG_tail,
};

/* struct page.flags of a page that is no pool's (page_was_freed()): the first
 * page of a page-backed block that was freed, so a second free of it is a
 * double free, not a foreign pointer. */
#define PGF_FREED 0x1

struct page {
	union {
		struct list_head lru; /* PG_free: its free_area or pool_area list */
		struct slab pool; /* PG_slab: the pool's header */
		struct {
			struct page *head; /* PG_tail: the block's first page */
			size_t nr_exact; /* PG_large, order PAGE_ORDER_EXACT: its pages */
		};
	};
	uint8_t arena; /* ARENA_POOLS when the page lies in an arena claimed for pools */
	uint8_t order; /* PG_free, PG_slab, PG_large: log2 of the block's pages */
	uint8_t state; /* enum page_state */
	uint8_t flags; /* PG_slab: enum slab_state of the pool (slab_state()); free
			* pages: PGF_* */
};

_Static_assert(sizeof(struct page) == (sizeof(void *) == 4 ? 32 : 56),
	       "the region drawing above states the descriptor size");

/* Free bits per page (one per MM_MIN_ALIGN bytes), in longs. */
#define PAGE_BITS (PAGE_SIZE / MM_MIN_ALIGN)
#define PAGE_BITS_LONGS (PAGE_BITS / BITS_PER_LONG)
_Static_assert(PAGE_BITS % (8 * sizeof(unsigned long)) == 0, "whole longs of bits per page");

/* Bytes of metadata per page: its descriptor, pool pointer and slot of free bits. */
#define PAGE_META \
	(sizeof(struct page) + sizeof(struct slab *) + PAGE_BITS_LONGS * sizeof(unsigned long))
_Static_assert(PAGE_SHIFT != 12 || PAGE_META == (sizeof(void *) == 4 ? 100 : 96),
	       "the region drawing above states the metadata per page");

#define ARENA_ORDER CONFIG_MM_ARENA_ORDER
#define ARENA_POOLS 1 /* struct page.arena of a page in an arena claimed for pools */
_Static_assert(ARENA_ORDER >= 1 && ARENA_ORDER <= MAX_ORDER,
	       "CONFIG_MM_ARENA_ORDER must be from 1 to CONFIG_MM_MAX_ORDER");

/* Internal gfp bit: the pages are for a pool, so they come from an arena. */
#define __GFP_POOL 0x80000000u

/* order of a PG_large block from alloc_pages_exact(): its page count is nr_exact. */
#define PAGE_ORDER_EXACT 0xff

/*
 * The page states, each read through one predicate and set through
 * set_page_state(): nothing else tests struct page.state.
 */
static inline void set_page_state(struct page *pg, enum page_state state)
{
	pg->state = (uint8_t)state;
}

/* PG_none: inside a free block, not its first page. */
static inline bool page_is_none(const struct page *pg)
{
	return pg->state == PG_none;
}

static inline bool page_is_free(const struct page *pg)
{
	return pg->state == PG_free;
}

static inline bool page_is_slab(const struct page *pg)
{
	return pg->state == PG_slab;
}

static inline bool page_is_large(const struct page *pg)
{
	return pg->state == PG_large;
}

static inline bool page_is_tail(const struct page *pg)
{
	return pg->state == PG_tail;
}

/* The first page of an allocated block: a pool's (PG_slab) or a page-backed
 * one's (PG_large). */
static inline bool page_is_head(const struct page *pg)
{
	return page_is_slab(pg) || page_is_large(pg);
}

/* A PG_large block from alloc_pages_exact(), whose page count is nr_exact. */
static inline bool page_is_exact(const struct page *pg)
{
	return pg->order == PAGE_ORDER_EXACT;
}

/* A page that is no pool's and was the first of a page-backed block freed. */
static inline bool page_was_freed(const struct page *pg)
{
	return (pg->flags & PGF_FREED) != 0;
}

/* Pages of the allocated block whose first page is @pg (PG_slab or PG_large). */
static inline size_t page_block_pages(const struct page *pg)
{
	return page_is_exact(pg) ? pg->nr_exact : (size_t)1 << pg->order;
}

/* Bytes of the free blocks of @r. */
static inline size_t region_free_bytes(const struct mm_region *r)
{
	return r->nr_free << PAGE_SHIFT;
}

static inline struct page *region_page(const struct mm_region *r, uintptr_t a)
{
	return &r->pages[(a - r->base) >> PAGE_SHIFT];
}

static inline void *page_address(const struct mm_region *r, const struct page *pg)
{
	return (void *)(r->base + ((uintptr_t)(pg - r->pages) << PAGE_SHIFT));
}

/* The header of the pool page @pg belongs to, or NULL. */
static inline struct slab *page_slab(const struct mm_region *r, const struct page *pg)
{
	struct slab *slab = r->slabs[pg - r->pages];

	return slab == &mm_no_slab ? NULL : slab;
}

/* The free bits of a pool whose first page is @pg. */
static inline unsigned long *page_bits(const struct mm_region *r, const struct page *pg)
{
	return r->bits + (size_t)(pg - r->pages) * PAGE_BITS_LONGS;
}

/* The descriptor of the page holding @p, or NULL when no region holds it. */
static inline struct page *virt_to_page(const void *p)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);

	return r ? region_page(r, (uintptr_t)p) : NULL;
}

/* The region whose descriptors include @pg. */
static inline struct mm_region *page_region(const struct page *pg)
{
	struct mm_region *r;

	for_each_region(r)
		if ((size_t)(pg - r->pages) < r->nr_pages)
			return r;
	return NULL;
}

/* The first page of the block holding @pg (itself unless a tail page). */
static inline struct page *compound_head(struct page *pg)
{
	return page_is_tail(pg) ? pg->head : pg;
}

/* ---- page allocator internals (page_alloc.c) ---------------------------------- */

/* The public calls without their lock and checks, for callers that hold the
 * lock (mm_lock()). Both mark the block PG_large (first page) and PG_tail
 * (the rest, head set). */
void *__get_free_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct mm_region *r, struct page *pg, unsigned int order);
void *__alloc_pages_exact(size_t size, gfp_t gfp);
void __free_pages_exact(struct mm_region *r, struct page *pg);
int __largest_free_order(void);

/* The first page of a pool, whose descriptor holds its header. */
static inline struct page *slab_page(const struct slab *slab)
{
	return container_of(slab, struct page, pool);
}

/* Where the pool is for its cache (kept in its first page's flags). */
static inline enum slab_state slab_state(const struct slab *slab)
{
	return (enum slab_state)slab_page(slab)->flags;
}

static inline void set_slab_state(struct slab *slab, enum slab_state state)
{
	slab_page(slab)->flags = (uint8_t)state;
}

/* The largest block kmalloc() serves with pages: one of MAX_ORDER. */
#define LARGE_MAX (PAGE_SIZE << MAX_ORDER)

/* Bytes a pool of 2^@order pages gives its objects: all of them (its header
 * and bits are elsewhere). */
#define POOL_AVAIL PAGE_SIZE

static inline size_t pool_avail(unsigned int order)
{
	return (size_t)PAGE_SIZE << order;
}

/* Without the page allocator, the classes come from what a pool holds; with
 * it, the rule of kmalloc.c does not use this. */
#define pool_class(n) ((POOL_AVAIL / (n)) & ~(size_t)(MM_MIN_ALIGN - 1))

/* Objects the bits of a pool of 2^@order pages can count. */
static inline size_t pool_max_objects(unsigned int order)
{
	return (size_t)PAGE_BITS << order;
}

/* The address of a pool's first object (its first page). */
static inline uintptr_t slab_base(const struct slab *slab)
{
	const struct page *pg = slab_page(slab);

	return (uintptr_t)page_address(page_region(pg), pg);
}

#endif /* MM_PAGES_H */
