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
 * pages[i]. Descriptors cost sizeof(struct page) per page (24 bytes on 32-bit
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
 *
 * Arenas: the slab layer's pools come from aligned runs of 2^ARENA_ORDER pages
 * claimed for pools (every page's arena field is ARENA_POOLS), and free
 * blocks smaller than an arena inside them sit on pool_area[] instead of
 * free_area[], so pools and large blocks keep to their own parts of the heap.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/config.h>
#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>
#include <mm/types.h>
#include "valgrind.h"

/* ---- checks ---------------------------------------------------------------- */

/* MM_BUG_ON - an internal invariant; never a caller's mistake. */
#define MM_BUG_ON(cond)                                  \
	do {                                             \
		if (__builtin_expect(!!(cond), 0))       \
			mm_port_bug(__FILE__, __LINE__); \
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

#define LIST_HEAD_DEFINE(name) struct list_head name = { &(name), &(name) }

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
	uint16_t fresh; /* PG_slab: objects carved from the pool so far */
	uint8_t arena; /* ARENA_POOLS when the page lies in an arena claimed for pools */
	uint8_t order; /* PG_free, PG_slab, PG_large: log2 of the block's pages */
	uint8_t state; /* enum page_state */
};

_Static_assert(sizeof(struct page) == (sizeof(void *) == 4 ? 24 : 40),
	       "the region drawing above states the descriptor size");

#define ARENA_ORDER CONFIG_MM_ARENA_ORDER
#define ARENA_POOLS 1 /* struct page.arena of a page in an arena claimed for pools */
_Static_assert(ARENA_ORDER >= 1 && ARENA_ORDER <= MAX_ORDER,
	       "CONFIG_MM_ARENA_ORDER must be from 1 to CONFIG_MM_MAX_ORDER");

/* Internal gfp bit: the pages are for a pool, so they come from an arena. */
#define __GFP_POOL 0x80000000u

/* PG_large from alloc_pages_exact(): order is PAGE_ORDER_EXACT and the page
 * count is kept in freelist's place. */
#define PAGE_ORDER_EXACT 0xff

static inline bool page_is_exact(const struct page *pg)
{
	return pg->order == PAGE_ORDER_EXACT;
}

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
	struct list_head pool_area[ARENA_ORDER]; /* the same, inside arenas claimed for pools */
	size_t nr_free_blocks[MAX_ORDER + 1]; /* both lists of each order */
	size_t nr_arenas; /* arenas claimed for pools now */
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
	return pg->state == PG_tail ? pg->head : pg;
}

/* ---- page allocator internals (page_alloc.c) ---------------------------------- */

/* Unlocked versions of the public calls, for callers holding the lock. Both
 * mark the block PG_large (first page) and PG_tail (the rest, head set). */
void *__get_free_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct mm_region *r, struct page *pg, unsigned int order);
void *__alloc_pages_exact(size_t size, gfp_t gfp);
void __free_pages_exact(struct mm_region *r, struct page *pg);

/* ---- caches (slab.c) -------------------------------------------------------- */

/*
 * struct kmem_cache - a cache of equal objects. The first fields are the
 * ones the allocation fast path reads; the rest only the slow paths.
 */
struct kmem_cache {
	struct page *active; /* pool allocations come from, or NULL when it has none */
	uintptr_t pool_mask; /* a pool's bytes - 1: pools are aligned to their size */
	uintptr_t secret; /* XOR-ed into stored links when CONFIG_MM_HARDENED */
	uintptr_t inverse; /* inverse of the stride's odd part mod 2^bits, for obj_index() */
	unsigned int size; /* stride between objects: object_size rounded up */
	unsigned int offset; /* where in a free object its free-list link is */
	unsigned int stride_shift; /* trailing zero bits of the stride */
	unsigned int pool_shift; /* log2 of a pool's bytes: PAGE_SHIFT + order */
	unsigned int red_left; /* debug: left red zone bytes before each object */
	unsigned int objects; /* objects per pool */

	unsigned long nr_active; /* objects handed out now */
	unsigned long peak_active; /* largest nr_active since creation or mm_reset_peak() */
	unsigned long nr_frees; /* frees since creation (allocations: nr_frees + nr_active) */
	unsigned long nr_failures; /* allocations that returned NULL */

	struct list_head partial; /* pools with used and free objects, active excluded */
	struct list_head empty; /* empty pools kept for reuse, at most CONFIG_MM_EMPTY_POOLS_KEPT */
	unsigned int nr_empty;
	unsigned int nr_pools; /* pools held, active included */
	unsigned int order; /* pages per pool: 2^order */
	unsigned int object_size; /* as asked for in kmem_cache_create() */
	unsigned int align;
	slab_flags_t flags;
	void (*ctor)(void *);
	const char *name;
	struct list_head list; /* on slab_caches */
};

/* Every cache, kmalloc ones included, in creation order (once slab is up). */
extern struct list_head slab_caches;

#define for_each_cache(s)                                                   \
	for ((s) = container_of(slab_caches.next, struct kmem_cache, list); \
	     &(s)->list != &slab_caches;                                    \
	     (s) = container_of((s)->list.next, struct kmem_cache, list))

/* Bytes of left red zone before each object: 0 unless debugging. */
static inline unsigned int cache_red_left(const struct kmem_cache *s)
{
	return IS_ENABLED(CONFIG_MM_DEBUG) ? s->red_left : 0;
}

/* First byte of the pool that holds @p (pools are aligned to their size). */
static inline uintptr_t pool_base(const struct kmem_cache *s, const void *p)
{
	return (uintptr_t)p & ~s->pool_mask;
}

/* Unlocked internals of slab.c. */
extern bool slab_is_up;
void slab_up(void);
void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t size, const void *caller);
void *slab_bad_freelist(struct kmem_cache *s, struct page *pg, void *obj, void *next,
			const void *caller);
void *pool_carve(struct kmem_cache *s, struct page *pg, const void *near);
void slab_free_slow(struct kmem_cache *s, struct page *pg, bool was_full);
void slab_free_bad(struct kmem_cache *s, struct page *pg, void *obj, const void *caller);
void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		      slab_flags_t flags, void (*ctor)(void *));
int __kmem_cache_shrink(struct kmem_cache *s);
bool slab_reclaim(void);

/* ---- the debug layer (debug.c; empty stubs without CONFIG_MM_DEBUG) ------------ */

/* Per-object debug record, after the free-list link of a debug cache's object. */
struct mm_track {
	const void *alloc_caller;
	unsigned long alloc_serial;
	const void *free_caller;
	unsigned long free_serial;
	size_t requested; /* bytes the caller asked for; the right red zone starts here */
};

#if CONFIG_MM_DEBUG
extern unsigned long mm_fail_countdown; /* mm_fail_nth(): allocations left before one fails */
extern slab_flags_t mm_debug_flags; /* mm_debug_enable(): flags every cache gets */

bool mm_should_fail(void);
void debug_alloc(struct kmem_cache *s, void *obj, size_t size, gfp_t gfp, const void *caller);
bool debug_free(struct kmem_cache *s, void *obj, const void *caller);
void debug_init_object(struct kmem_cache *s, void *obj);
unsigned int debug_check_object(struct kmem_cache *s, void *obj, bool free);
size_t debug_object_size(const struct kmem_cache *s, const void *obj);
void debug_report(enum mm_report_kind kind, struct kmem_cache *s, void *obj, const void *bad,
		  const char *detail, const void *caller);

static inline bool cache_debug(const struct kmem_cache *s)
{
	return (s->flags & SLAB_DEBUG_FLAGS) != 0;
}
#else
#define mm_fail_countdown 0ul
#define mm_debug_flags 0u

static inline bool mm_should_fail(void)
{
	return false;
}

static inline void debug_alloc(struct kmem_cache *s, void *obj, size_t size, gfp_t gfp,
			       const void *caller)
{
	(void)s, (void)obj, (void)size, (void)gfp, (void)caller;
}

static inline bool debug_free(struct kmem_cache *s, void *obj, const void *caller)
{
	(void)s, (void)obj, (void)caller;
	return true;
}

static inline void debug_init_object(struct kmem_cache *s, void *obj)
{
	(void)s, (void)obj;
}

static inline unsigned int debug_check_object(struct kmem_cache *s, void *obj, bool free)
{
	(void)s, (void)obj, (void)free;
	return 0;
}

static inline size_t debug_object_size(const struct kmem_cache *s, const void *obj)
{
	(void)obj;
	return s->size;
}

static inline void debug_report(enum mm_report_kind kind, struct kmem_cache *s, void *obj,
				const void *bad, const char *detail, const void *caller)
{
	(void)kind, (void)s, (void)obj, (void)bad, (void)detail, (void)caller;
}

static inline bool cache_debug(const struct kmem_cache *s)
{
	(void)s;
	return false;
}
#endif

/* ---- the fast paths (inlined into kmalloc.c and slab.c) ------------------------ */

static inline void **link_slot(const struct kmem_cache *s, void *obj)
{
	return (void **)(void *)((char *)obj + s->offset);
}

/* The next free object after @obj, decoded. */
static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	void **slot = link_slot(s, obj);
	void *next;

	vg_readable(slot, sizeof(*slot));
	next = *slot;
	vg_noaccess(slot, sizeof(*slot));
	if (IS_ENABLED(CONFIG_MM_HARDENED))
		return (void *)((uintptr_t)next ^ s->secret ^ (uintptr_t)slot);
	return next;
}

static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *next)
{
	void **slot = link_slot(s, obj);

	if (IS_ENABLED(CONFIG_MM_HARDENED))
		next = (void *)((uintptr_t)next ^ s->secret ^ (uintptr_t)slot);
	vg_writable(slot, sizeof(*slot));
	*slot = next;
	vg_noaccess(slot, sizeof(*slot));
}

static inline void *pool_object(const struct kmem_cache *s, uintptr_t base, unsigned int i)
{
	return (void *)(base + (uintptr_t)i * s->size + cache_red_left(s));
}

/*
 * obj_start_index - the index of the object that starts at @obj, or a number
 * above any index when no object starts there: one multiply, no division.
 *
 * With the stride d = d0 * 2^k (d0 odd) and inv = d0^-1 mod 2^bits, an offset
 * x is a multiple of d exactly when ror(x * inv, k) <= (2^bits - 1) / d, and
 * then that rotation is x / d. A pool holds fewer objects than that bound, so
 * "ror(x * inv, k) < objects carved" says both "an object's start" and "an
 * object handed out at some point".
 */
static inline uintptr_t obj_start_index(const struct kmem_cache *s, const void *obj)
{
	uintptr_t x = (((uintptr_t)obj - cache_red_left(s)) & s->pool_mask) * s->inverse;
	unsigned int k = s->stride_shift;

	return k ? (x >> k) | (x << (sizeof(uintptr_t) * 8 - k)) : x;
}

/* The index of the slot @obj lies in, and whether @obj is that object's start.
 * For the slow paths: it divides (the fast paths use obj_start_index()). */
static inline unsigned int obj_index(const struct kmem_cache *s, const void *obj, bool *exact)
{
	uintptr_t offset = (((uintptr_t)obj - cache_red_left(s)) & s->pool_mask);
	unsigned int idx = (unsigned int)(offset / s->size);

	*exact = idx * (uintptr_t)s->size == offset;
	return idx;
}

/* The pool descriptor of @p when @p lies in a pool of the first region, else
 * NULL: the free fast paths' one lookup (NULL and ZERO_SIZE_PTR miss too). */
static inline struct page *first_region_pool(const void *p)
{
	const struct mm_region *r = &mm_regions[0];
	uintptr_t a = (uintptr_t)p;
	struct page *pg;

	if (unlikely(a - r->base >= r->end - r->base))
		return NULL;
	pg = region_page(r, a);
	return likely(pg->state == PG_slab) ? pg : NULL;
}

/* Count one allocation from @s. */
static inline void account_alloc(struct kmem_cache *s)
{
	unsigned long active = ++s->nr_active;

	if (active > s->peak_active)
		s->peak_active = active;
}

/* Count one free to @s. */
static inline void account_free(struct kmem_cache *s)
{
	s->nr_active--;
	s->nr_frees++;
}

/* Hand out @obj, the head of @pg's free list; @next becomes the head. */
static inline void *pool_take(struct kmem_cache *s, struct page *pg, void *obj, void *next,
			      size_t size)
{
	pg->freelist = next;
	pg->inuse++;
	account_alloc(s);
	vg_alloc(obj, size, s->ctor != NULL);
	return obj;
}

/**
 * __slab_alloc - take an object from @s. Unlocked.
 *
 * Pops the active pool's free list. Everything else (no active pool, the
 * list ran dry, a corrupt link) leaves through one branch each.
 */
static inline void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t size, const void *caller)
{
	struct page *pg = s->active;
	void *obj = pg ? pg->freelist : NULL;
	void *next;

	if (unlikely(!obj))
		return slab_alloc_slow(s, gfp, size, caller);
	next = get_freepointer(s, obj);
	/* NULL, or a link leaving the pool, takes this one branch. */
	if (unlikely(((uintptr_t)next ^ (uintptr_t)obj) > s->pool_mask)) {
		if (next)
			next = slab_bad_freelist(s, pg, obj, next, caller);
		else
			next = pool_carve(s, pg, obj);
	}
	if (cache_debug(s))
		debug_alloc(s, obj, size, gfp, caller);
	return pool_take(s, pg, obj, next, size);
}

/* slab_alloc - __slab_alloc(), unless mm_fail_nth() says this one fails. */
static inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t size, const void *caller)
{
	if (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown) && mm_should_fail()) {
		s->nr_failures++;
		return NULL;
	}
	return __slab_alloc(s, gfp, size, caller);
}

/**
 * slab_alloc_fast - pop the active pool's free list, or return NULL for the
 * slow path to do everything (nothing changed): no free object, a link that
 * is NULL (carve a batch) or leaves the pool (report), a debug cache, a
 * failure to inject.
 * Unlocked.
 */
static inline void *slab_alloc_fast(struct kmem_cache *s, size_t size)
{
	struct page *pg = s->active;
	void *obj, *next;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && (cache_debug(s) || mm_fail_countdown))
		return NULL;
	if (unlikely(!pg))
		return NULL;
	obj = pg->freelist;
	if (unlikely(!obj))
		return NULL;
	next = get_freepointer(s, obj);
	if (unlikely(((uintptr_t)next ^ (uintptr_t)obj) > s->pool_mask))
		return NULL;
	return pool_take(s, pg, obj, next, size);
}

/* Push @obj on the free list of its pool @pg, whose head was @head. */
static inline void pool_put(struct kmem_cache *s, struct page *pg, void *obj, void *head)
{
	vg_free(obj);
	set_freepointer(s, obj, head);
	pg->freelist = obj;
	pg->inuse--;
	account_free(s);
	/* Only a pool that was full or is now empty changes lists. */
	if (unlikely(pg != s->active) && (!head || pg->inuse == 0))
		slab_free_slow(s, pg, !head);
}

/**
 * slab_free_fast - push @obj on the free list of its pool @pg, or return false
 * for the slow path to check and report (nothing changed). Unlocked.
 */
static inline bool slab_free_fast(struct kmem_cache *s, struct page *pg, void *obj)
{
	void *head = pg->freelist;

	if (unlikely(obj_start_index(s, obj) >= pg->fresh || obj == head))
		return false;
	if (IS_ENABLED(CONFIG_MM_DEBUG) && cache_debug(s))
		return false;
	pool_put(s, pg, obj, head);
	return true;
}

/**
 * slab_free - return @obj to pool @pg of cache @s. Unlocked.
 *
 * @obj must be the start of a carved object and not the head of the pool's
 * free list (an immediate double free); otherwise it is reported and ignored.
 */
static inline void slab_free(struct kmem_cache *s, struct page *pg, void *obj, const void *caller)
{
	void *head = pg->freelist;

	if (unlikely(obj_start_index(s, obj) >= pg->fresh || obj == head)) {
		slab_free_bad(s, pg, obj, caller);
		return;
	}
	if (cache_debug(s) && !debug_free(s, obj, caller))
		return;
	pool_put(s, pg, obj, head);
}

/* kmalloc.c: the size-class caches, set up by slab_up(). */
void kmalloc_up(void);

/* kmem_cache flag of the kmalloc size classes (not a public flag). */
#define SLAB_KMALLOC 0x80000000u

/* Page allocator counters (page_alloc.c). */
struct mm_page_counters {
	size_t used; /* pages in allocated blocks now, all regions */
	size_t peak_used; /* most pages in use at once, since boot or mm_reset_peak() */
};
extern struct mm_page_counters mm_page_counters;

/* Page-backed kmalloc and misuse counters (kmalloc.c). */
struct mm_counters {
	unsigned long large_allocs; /* page-backed kmalloc blocks handed out */
	unsigned long large_frees;
	unsigned long large_pages; /* pages in live page-backed blocks */
	unsigned long failures; /* kmalloc calls that failed outside any cache: too large,
				 * kcalloc overflow, no pages (caches count their own) */
};
extern struct mm_counters mm_counters;

#define _RET_IP_ ((const void *)__builtin_return_address(0))

/* ---- small helpers ------------------------------------------------------------ */

/* Freestanding memset/memcpy: mm/ links no libc, and builds with -fno-builtin. */
void mm_memset(void *dst, int c, size_t n);
void mm_memcpy(void *dst, const void *src, size_t n);

/* Misuse reports since boot, by kind. */
extern unsigned long mm_nr_reports[NR_MM_REPORTS];

/* Fill @r: the fields of mm_report() below, the rest zero. */
void mm_report_init(struct mm_report *r, enum mm_report_kind kind, const void *addr,
		    const void *object, const struct kmem_cache *s, const void *caller);
/* Count @r and pass it to mm_port_report(). */
void mm_report_send(const struct mm_report *r);

/* Report a misuse through mm_port_report(), counting it. */
void mm_report(enum mm_report_kind kind, const void *addr, const void *object,
	       const struct kmem_cache *s, const void *caller);

#endif /* MM_INTERNAL_H */
