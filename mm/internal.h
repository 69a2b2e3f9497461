/* SPDX-License-Identifier: MIT */
/*
 * mm/internal.h - structures and accessors shared inside mm/ and by white-box
 * tests. Not part of the public API: firmware includes <mm/...> headers only.
 * The hot inlines of the allocation and free fast paths are in mm/slab_fast.h.
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

/* ---- bit maps ------------------------------------------------------------------ */

#define BITS_PER_LONG (sizeof(unsigned long) * 8)

/* How many bits of @x are set (no libgcc call: a few shifts and a multiply). */
static inline unsigned int count_bits(unsigned long x)
{
	const unsigned long m1 = ~0ul / 3, m2 = ~0ul / 5, m4 = ~0ul / 17, h01 = ~0ul / 255;

	x -= (x >> 1) & m1;
	x = (x & m2) + ((x >> 2) & m2);
	x = (x + (x >> 4)) & m4;
	return (unsigned int)((x * h01) >> (BITS_PER_LONG - 8));
}

/* The index of the lowest set bit of @x, which is not 0. */
static inline unsigned int lowest_bit(unsigned long x)
{
	return (unsigned int)__builtin_ctzl(x);
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

/* ---- pools --------------------------------------------------------------------- */

/* Where a pool is, for its cache (slab_state()). */
enum slab_state {
	SLAB_ACTIVE, /* the cache allocates from it: s->cpu.slab */
	SLAB_PARTIAL, /* on s->partial: some objects free, some handed out */
	SLAB_FULL, /* on no list: every object handed out */
	SLAB_EMPTY, /* on s->empty: nothing handed out, kept for reuse */
	SLAB_QUARANTINED, /* on no list: its bits were found corrupt; nothing is handed
			   * out of it again, and it goes back when its last object is freed */
};

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
	unsigned int inuse; /* objects handed out, or held by the cache to hand out */
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

/* struct page.flags */
#define PGF_FREED \
	0x1 /* the first page of a page-backed block that was freed: a
		       * second free of it is a double free, not a foreign pointer */

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

static inline bool page_is_exact(const struct page *pg)
{
	return pg->order == PAGE_ORDER_EXACT;
}

/* Pages of the allocated block whose first page is @pg (PG_slab or PG_large). */
static inline size_t page_block_pages(const struct page *pg)
{
	return page_is_exact(pg) ? pg->nr_exact : (size_t)1 << pg->order;
}

struct mm_region {
	uintptr_t base; /* address of page 0 */
	uintptr_t span; /* nr_pages * PAGE_SIZE: a is in the pages when a - base < span */
	struct slab **slabs; /* per page: its pool's header, or &mm_no_slab */
	struct page *pages; /* descriptors, one per page */
	unsigned long *bits; /* free bits, PAGE_BITS_LONGS per page */
	uintptr_t start, size; /* as given to mm_add_region() */
	uintptr_t end; /* base + span */
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

/* Whether @a lies in the pages of @r. */
static inline bool region_has(const struct mm_region *r, uintptr_t a)
{
	return a - r->base < r->span;
}

/* The region holding address @a, or NULL. */
static inline struct mm_region *addr_to_region(uintptr_t a)
{
	struct mm_region *r;

	for_each_region(r)
		if (region_has(r, a))
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

/* The header of the pool of no page: nothing passes the fast free path's checks in it. */
extern struct slab mm_no_slab;

/* The header of the pool page @pg belongs to, or NULL. */
static inline struct slab *page_slab(const struct mm_region *r, const struct page *pg)
{
	struct slab *slab = r->slabs[pg - r->pages];

	return slab == &mm_no_slab ? NULL : slab;
}

/* The header of the pool @p lies in, or NULL. */
static inline struct slab *virt_to_slab(const void *p)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);

	return r ? page_slab(r, region_page(r, (uintptr_t)p)) : NULL;
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

/* Unlocked versions of the public calls, for callers holding the lock. Both
 * mark the block PG_large (first page) and PG_tail (the rest, head set). */
void *__get_free_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct mm_region *r, struct page *pg, unsigned int order);
void *__alloc_pages_exact(size_t size, gfp_t gfp);
void __free_pages_exact(struct mm_region *r, struct page *pg);

/* ---- caches (slab.c) -------------------------------------------------------- */

/* kmem_cache flags that are not public: a kmalloc size class, and the
 * allocator's own cache of cache descriptors (kfree refuses its objects). */
#define SLAB_KMALLOC 0x80000000u
#define SLAB_INTERNAL 0x40000000u

/*
 * struct kmem_cache_cpu - what the cache allocates from: the free objects of
 * one bitmap word of its active pool, taken at once (a "reservation"). Their
 * bits stay set in the pool's bitmap until each is handed out, so a free of
 * any of them is still seen as a double free.
 */
struct kmem_cache_cpu {
	unsigned long bits; /* reserved free objects: bits of *word, see obj_bit() */
	uintptr_t addr; /* address of the word's object 0 */
	unsigned long *word; /* the bitmap word they came from */
	unsigned long nr_allocs; /* allocations since creation */
	unsigned long nr_frees; /* frees since creation */
	struct slab *slab; /* the active pool, or NULL */
	uintptr_t base; /* its first byte */
	unsigned long held; /* caches that allocate through the slow path only (debug
			     * layer, constructor): their reservation, bits stays 0 */
};

/*
 * struct kmem_cache - a cache of equal objects. The first fields are the
 * ones the fast paths read; the rest only the slow paths.
 */
struct kmem_cache {
	struct kmem_cache_cpu cpu;
	uintptr_t pool_mask; /* a pool's bytes - 1: pools are aligned to their size */
	uintptr_t inverse; /* inverse of the stride's odd part mod 2^bits: obj_start_index() */
	unsigned int size; /* stride between objects: object_size rounded up */
	unsigned int stride_shift; /* trailing zero bits of the stride */
	unsigned int objects; /* objects per pool */
	unsigned int objects_less_2; /* objects - 2: the free path's test for a change of list */
	unsigned int xor ; /* CONFIG_MM_RANDOM: the cache's bit order, see obj_bit() */

	unsigned int offset; /* debug layer: where its record starts, from the object */
	unsigned int pool_shift; /* log2 of a pool's bytes: PAGE_SHIFT + order */
	unsigned int red_left; /* debug: left red zone bytes before each object */
	unsigned int words; /* bitmap words per pool */
	unsigned long last_word_mask; /* bits of the last word that stand for objects */

	unsigned long peak_active; /* most objects handed out at once, as seen when a pool
				    * filled or changed list, since creation or mm_reset_peak() */
	unsigned long nr_failures; /* allocations that returned NULL */
	unsigned long nr_lost; /* objects of quarantined pools, given up until they go back */

	struct list_head partial; /* pools with used and free objects, oldest first */
	struct list_head empty; /* empty pools kept for reuse, at most CONFIG_MM_EMPTY_POOLS_KEPT */
	unsigned int nr_empty;
	unsigned int nr_pools; /* pools held, active and quarantined included */
	unsigned int nr_quarantined; /* of which quarantined */
	unsigned int order; /* pages per pool: 2^order */
	unsigned int object_size; /* as asked for in kmem_cache_create() */
	unsigned int align;
	slab_flags_t flags;
	unsigned int magic; /* CACHE_MAGIC while the cache exists */
	void (*ctor)(void *);
	const char *name;
	struct list_head list; /* on slab_caches */
};

#define CACHE_MAGIC 0x5ca1ab1eu

/* Every cache, kmalloc ones included, in creation order (once slab is up). */
extern struct list_head slab_caches;

#define for_each_cache(s)                                                   \
	for ((s) = container_of(slab_caches.next, struct kmem_cache, list); \
	     &(s)->list != &slab_caches;                                    \
	     (s) = container_of((s)->list.next, struct kmem_cache, list))

/* The CPU part of @s that this CPU allocates from. */
static inline struct kmem_cache_cpu *this_cpu(struct kmem_cache *s)
{
	return &s->cpu;
}

/* Objects handed out now: allocations less frees. */
static inline unsigned long cache_nr_active(const struct kmem_cache *s)
{
	return s->cpu.nr_allocs - s->cpu.nr_frees;
}

/* Bytes of left red zone before each object: 0 unless debugging. */
static inline unsigned int cache_red_left(const struct kmem_cache *s)
{
	return IS_ENABLED(CONFIG_MM_DEBUG) ? s->red_left : 0;
}

/* Whether @s allocates and frees through the slow path only. */
static inline bool cache_slow_only(const struct kmem_cache *s)
{
	return s->ctor || (s->flags & (SLAB_DEBUG_FLAGS | SLAB_INTERNAL));
}

/* First byte of the pool that holds @p (pools are aligned to their size). */
static inline uintptr_t pool_base(const struct kmem_cache *s, const void *p)
{
	return (uintptr_t)p & ~s->pool_mask;
}

static inline void *pool_object(const struct kmem_cache *s, uintptr_t base, unsigned int i)
{
	return (void *)(base + (uintptr_t)i * s->size + cache_red_left(s));
}

/*
 * The bit order of a pool's bitmap words. Object o of a word (o < BITS_PER_LONG)
 * is bit obj_bit(o) of that word. Without CONFIG_MM_RANDOM that is bit o; with
 * it, bit mm_bit_order[o ^ xor], xor drawn per cache and mm_bit_order the
 * reversal of the bit index: a reservation hands its objects out from the
 * lowest bit up, so objects come out of a new word as xor, xor ^ 32, xor ^ 16,
 * xor ^ 48, ...: no two neighbours one after the other, in an order that
 * differs per cache. The order is fixed, so it costs a table look-up per
 * allocation and free, nothing per refill.
 */
extern const uint8_t mm_bit_order[64]; /* the first BITS_PER_LONG entries serve */

static inline unsigned int obj_bit(const struct kmem_cache *s, unsigned int o)
{
	return IS_ENABLED(CONFIG_MM_RANDOM) ? mm_bit_order[o ^ s->xor ] : o;
}

/* The object of a word that bit @b stands for: the inverse of obj_bit(). */
static inline unsigned int bit_obj(const struct kmem_cache *s, unsigned int b)
{
	return IS_ENABLED(CONFIG_MM_RANDOM) ? mm_bit_order[b] ^ s->xor : b;
}

/* Whether object @i of pool @slab of @s is free. */
static inline bool slab_obj_free(const struct kmem_cache *s, const struct slab *slab,
				 unsigned int i)
{
	return (slab->bitmap[i / BITS_PER_LONG] >> obj_bit(s, i % BITS_PER_LONG)) & 1;
}

/* Mark object @i of pool @slab of @s free (@free) or handed out. */
static inline void slab_obj_set(const struct kmem_cache *s, struct slab *slab, unsigned int i,
				bool free)
{
	unsigned long mask = 1ul << obj_bit(s, i % BITS_PER_LONG);

	if (free)
		slab->bitmap[i / BITS_PER_LONG] |= mask;
	else
		slab->bitmap[i / BITS_PER_LONG] &= ~mask;
}

/* The index in its pool of the object bit @b of the reservation's word stands for. */
static inline unsigned int reservation_obj(const struct kmem_cache *s,
					   const struct kmem_cache_cpu *c, unsigned int b)
{
	return (unsigned int)(c->word - c->slab->bitmap) * (unsigned int)BITS_PER_LONG +
	       bit_obj(s, b);
}

/* Objects of the started words of @slab: the ones ever handed out or held. */
static inline unsigned int slab_carved(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int n = slab->fresh * (unsigned int)BITS_PER_LONG;

	return n < s->objects ? n : s->objects;
}

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

/*
 * obj_start_index - the index of the object that starts at @obj (the slot
 * start, before any left red zone), or a number above any index when no
 * object starts there: one multiply, no division.
 *
 * With the stride d = d0 * 2^k (d0 odd) and inv = d0^-1 mod 2^bits, an offset
 * x is a multiple of d exactly when ror(x * inv, k) <= (2^bits - 1) / d, and
 * then that rotation is x / d. A pool holds fewer objects than that bound, so
 * "ror(x * inv, k) < objects" says both "an object's start" and "in range".
 */
static inline uintptr_t obj_start_index(const struct kmem_cache *s, uintptr_t slot)
{
	uintptr_t x = (slot & s->pool_mask) * s->inverse;
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

/* Unlocked internals of slab.c. */
extern bool slab_is_up;
void slab_up(void);
bool slab_restart(void);
void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t size, const void *caller);
void slab_free_slow(struct kmem_cache *s, struct slab *slab, void *obj, const void *caller);
void slab_list_update(struct kmem_cache *s, struct slab *slab);
void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		      slab_flags_t flags, void (*ctor)(void *));
int __kmem_cache_shrink(struct kmem_cache *s);
bool slab_reclaim(void);
unsigned int slab_free_count(const struct kmem_cache *s, const struct slab *slab);

/* ---- one lookup of a pointer, for every path that needs one (lookup.c) -------- */

/* What a pointer is to the allocator. */
enum mm_block_kind {
	BLOCK_NONE, /* no region holds it, or a free page, or page descriptors */
	BLOCK_OBJECT, /* in a pool */
	BLOCK_PAGES, /* in a page-backed allocation */
};

/*
 * struct mm_block - the answer of mm_lookup(). For BLOCK_OBJECT: slab, cache,
 * index and start of the object @p falls in; for BLOCK_PAGES: region, first
 * page and start. live: @p is the start of a block handed out now. why: the
 * report a free of @p deserves when it is not.
 */
struct mm_block {
	enum mm_block_kind kind;
	bool live;
	enum mm_report_kind why;
	struct mm_region *region;
	struct page *page;
	struct slab *slab;
	struct kmem_cache *cache;
	unsigned int index;
	void *start;
};

void mm_lookup(const void *p, struct mm_block *b);

/* Usable bytes of the live block @b (its object size, or its pages). */
size_t block_size(const struct mm_block *b);

/* ---- the debug layer (debug.c; empty stubs without CONFIG_MM_DEBUG) ------------ */

/* Per-object debug record, after the right red zone of a debug cache's object. */
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

/* kmalloc.c: the size-class caches, set up by slab_up(). */
void kmalloc_up(void);

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
