/* SPDX-License-Identifier: MIT */
/*
 * mm/runs.h - what lies under the pools without a page allocator
 * (CONFIG_MM_PAGE_ALLOC=0): one allocator of runs over each region, from
 * which pools of one page and every larger block are cut. Included by
 * mm/internal.h only.
 *
 * A region, as mm_add_region() lays it out:
 *
 *   start (as given)                                                  start + size
 *   |                                                                            |
 *   v                                                                            v
 *   +---+----------+-----------------+----------------+-------------------------+
 *   |pad| mm_state | free-list heads | slab *slabs[]  | heap: runs, back to back |
 *   +---+----------+-----------------+----------------+-------------------------+
 *        (first      nr_fl rows of     one per page    ^ heap_start     heap_end ^
 *        region)     RUN_SL_COUNT      of the heap
 *
 * Pages are PAGE_SIZE bytes counted from base, the page boundary at or below
 * heap_start; slabs[i] is the header of the pool whose objects fill page i,
 * or &mm_no_slab: the fast free path finds a pool in one load, as with the
 * page allocator.
 *
 * The heap is a row of runs, each starting with a two-word header:
 *
 *   +---------------+---------------+--------------------------------------+
 *   | size | flags  | check         | payload: a block, a pool, or free:  |
 *   +---------------+---------------+ next, prev ... size (last word)     |
 *                                   ^ what the caller gets (MM_MIN_ALIGN) |
 *
 * size counts the header, in bytes, a multiple of RUN_GRAIN (= MM_MIN_ALIGN,
 * the header's own size). flags: RUN_FREE, RUN_PREV_FREE (the run before is
 * free, and its last word holds its size), RUN_PAGES (from get_free_pages()).
 * check is size ^ the header's address ^ a secret of the region: a pointer
 * whose header does not check is no run's payload (a foreign or interior
 * pointer), so a free never trusts bytes a caller could have written.
 *
 * Free runs are on segregated lists, TLSF's two levels: row fl = the power of
 * two of the size in grains, column sl = the next RUN_SL_LOG bits; a bit map
 * per row and one of the rows find a list that holds a big enough run in
 * O(1). Allocation takes the head of the first such list, splits off what it
 * does not need; free merges the run with free neighbours at once, so no two
 * free runs are ever next to each other.
 *
 * A pool is a run of exactly PAGE_SIZE << order bytes whose payload starts on
 * a boundary of that size: its objects fill the pages from their start (so
 * they are aligned as their stride allows), its header ends the payload, and
 * the last RUN_GRAIN bytes are the next run's header. A pool of one page:
 *
 *   page boundary                                          next page boundary
 *   |<-------------------- PAGE_SIZE ----------------------------->|
 *   | obj 0 | obj 1 | ... | obj n-1 | tail | struct slab + bits | next hdr |
 *   ^ slabs[page] -> header                ^ POOL_AVAIL bytes end here
 *
 * Context: every call holds the lock; no call loops over runs or pages: a
 * search looks at two bit maps, a free at two neighbours.
 */
#ifndef MM_RUNS_H
#define MM_RUNS_H

/* ---- runs ---------------------------------------------------------------------- */

/* Bytes of a run header, and the unit of run sizes. */
#define RUN_GRAIN MM_MIN_ALIGN
_Static_assert(RUN_GRAIN == 2 * sizeof(uintptr_t), "a run header is two words, MM_MIN_ALIGN");

/* Flags in the low bits of a run header's size. */
#define RUN_FREE 0x1u
#define RUN_PREV_FREE 0x2u
#define RUN_PAGES 0x4u
#define RUN_FLAGS (RUN_FREE | RUN_PREV_FREE | RUN_PAGES)
_Static_assert(RUN_FLAGS < RUN_GRAIN, "the flags fit below the size's grain");

struct run {
	uintptr_t size; /* bytes, header included, | RUN_* flags */
	uintptr_t check; /* size ^ (uintptr_t)this ^ region secret */
	struct run *next, *prev; /* free runs only: the list of its size */
};

/* The smallest run: a header, two list pointers and the size in its last word. */
#define RUN_MIN ((sizeof(struct run) + sizeof(uintptr_t) + RUN_GRAIN - 1) & ~(RUN_GRAIN - 1))

/* Columns per row of free lists: 2^RUN_SL_LOG lists per power of two. */
#define RUN_SL_LOG 3
#define RUN_SL_COUNT (1u << RUN_SL_LOG)

/* ---- pools ----------------------------------------------------------------------- */

/* Objects a pool can hold at most (its bitmap's bits): one per MM_MIN_ALIGN. */
#define POOL_BITS (PAGE_SIZE / MM_MIN_ALIGN)
#define POOL_BITS_LONGS ((POOL_BITS + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)))

/*
 * struct slab - a pool's header, at the end of its page (drawing above).
 *
 * Object i of the pool is free exactly when its bit is set (obj_bit()).
 * Words of the bitmap are started lazily: words [0, fresh) are kept, the
 * others are not looked at, and their objects have never been handed out.
 */
struct slab {
	struct kmem_cache *cache; /* the pool's cache */
	struct list_head list; /* on the cache's partial or empty list */
	uint16_t limit; /* the fast free path's bound: objects of the started words,
			 * or 0 for caches that free through the slow path only */
	union {
		uint16_t built; /* caches with a constructor or debug layer: the objects
				 * of the bits before bit position built (word * bits
				 * per long + bit) were made ready */
		uint16_t lost; /* SLAB_QUARANTINED: objects given up as lost */
	};
	unsigned int inuse; /* objects handed out, or held by the CPUs to hand out */
	uint8_t fresh; /* bitmap words started */
	uint8_t cursor; /* the word the next refill looks at first */
	uint8_t state; /* enum slab_state */
	uint8_t unused;
	unsigned long bitmap[POOL_BITS_LONGS]; /* free bits, one per object */
};

/* Bytes a pool of 2^@order pages gives its objects: less its header and the
 * next run's. A run's payload ends one grain before the page boundary. */
#define POOL_AVAIL (PAGE_SIZE - RUN_GRAIN - sizeof(struct slab))
_Static_assert(RUN_GRAIN + sizeof(struct slab) == MM_POOL_OVERHEAD,
	       "<mm/slab.h> states what a pool loses to its header");
_Static_assert(PAGE_SIZE >= 256, "a pool of one page must hold a few objects");

static inline size_t pool_avail(unsigned int order)
{
	return ((size_t)PAGE_SIZE << order) - RUN_GRAIN - sizeof(struct slab);
}

/* Objects the bits of a pool can count, whatever its order. */
static inline size_t pool_max_objects(unsigned int order)
{
	(void)order;
	return POOL_BITS_LONGS * 8 * sizeof(unsigned long);
}

/* The largest multiple of MM_MIN_ALIGN of which a one-page pool holds @n. */
#define pool_class(n) ((POOL_AVAIL / (n)) & ~(size_t)(MM_MIN_ALIGN - 1))

/* The address of the first object of a pool of 2^@order pages: its header
 * ends the pool. */
static inline uintptr_t slab_base_order(const struct slab *slab, unsigned int order)
{
	return (uintptr_t)slab + sizeof(*slab) + RUN_GRAIN - ((uintptr_t)PAGE_SIZE << order);
}

/* The address of a pool's first object. */
#define slab_base(slab) slab_base_order(slab, (slab)->cache->order)

static inline enum slab_state slab_state(const struct slab *slab)
{
	return (enum slab_state)slab->state;
}

static inline void set_slab_state(struct slab *slab, enum slab_state state)
{
	slab->state = (uint8_t)state;
}

/* The largest block kmalloc() asks a run for (the run allocator refuses what
 * no region can hold). */
#define LARGE_MAX (SIZE_MAX / 4)

/* ---- the run allocator (runs.c) ------------------------------------------------------ */

/* An allocated run with @bytes of payload or a little more (less than RUN_MIN),
 * the payload aligned to @align (0, or a power of two of PAGE_SIZE or more),
 * its header flags @flags, in the first region that has room (*@rp). NULL
 * when none has. */
struct run *run_alloc(size_t bytes, size_t align, uintptr_t flags, struct mm_region **rp);
void run_free(struct mm_region *r, struct run *run);
/* The run whose payload is @p when @p is one (its check word holds), else NULL. */
struct run *run_of(const struct mm_region *r, const void *p);

/* Bytes of the free runs of @r, headers included. */
static inline size_t region_free_bytes(const struct mm_region *r)
{
	return r->free_bytes;
}

static inline void *run_payload(struct run *run)
{
	return (char *)run + RUN_GRAIN;
}

static inline size_t run_size(const struct run *run)
{
	return run->size & ~(uintptr_t)RUN_FLAGS;
}

/* The flags of a header, each read through one of these: nothing else tests
 * them. */
static inline bool run_is_free(const struct run *run)
{
	return (run->size & RUN_FREE) != 0;
}

/* From get_free_pages() or alloc_pages_exact(), not kmalloc(). */
static inline bool run_is_pages(const struct run *run)
{
	return (run->size & RUN_PAGES) != 0;
}

/* RUN_PREV_FREE when the run before @run is free (its last word holds its
 * size), else 0: a flag to test or to carry into a new header. */
static inline uintptr_t run_prev_free(const struct run *run)
{
	return run->size & RUN_PREV_FREE;
}

#endif /* MM_RUNS_H */
