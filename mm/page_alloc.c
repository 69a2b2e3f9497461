// SPDX-License-Identifier: MIT
/*
 * mm/page_alloc.c - the page allocator: a binary buddy allocator over the
 * regions given to mm_add_region(). It hands out blocks of 2^order pages, each
 * aligned to its own size, to the slab layer (pools), to kmalloc() (large
 * requests) and to firmware.
 *
 * Buddies. The block of order o at address a has exactly one buddy: the block
 * of the same order at a ^ (PAGE_SIZE << o). The two halves of the block of
 * order o + 1 at a & ~(PAGE_SIZE << o) are buddies of each other. Addresses,
 * not offsets in the region, decide it, so every block is aligned to its size.
 *
 * Free lists. A region keeps, per order, a list of the first pages (PG_free) of
 * its free blocks, and how many there are:
 *
 *   free_area[MAX_ORDER] -> [page]                                (2^MAX_ORDER pages)
 *   ...
 *   free_area[2]         -> [page] -> [page]                      (4 pages each)
 *   free_area[1]         -> (empty)
 *   free_area[0]         -> [page]                                (1 page)
 *
 * Split. get_free_pages(order 1) when the smallest free block has order 3
 * (F free, A allocated, | a block boundary):
 *
 *   [F F F F F F F F]  ->  [F F F F|F F F F]  ->  [F F|F F|F F F F]  ->  [A A|F F|F F F F]
 *    order 3                two of order 2         upper halves go on free_area[1], [2]
 *
 * Merge. free_pages() of the A A block: its buddy (the F F next to it) is free
 * with the same order, so it leaves its list and the two become one order-2
 * block; that one's buddy is free too, and so on up to the order-3 block again.
 * A buddy merges only when it lies in the same region and its first page is
 * PG_free with the same order.
 *
 * A region. Its pages rarely start on a big boundary, so mm_add_region() frees
 * them as the largest blocks that are aligned to their own size and end inside
 * the region; the orders grow from base and shrink again towards end:
 *
 *   base                                                              end
 *   |0|1 1|2 2 2 2|3 3 3 3 3 3 3 3| ... MAX_ORDER blocks ... |2 2 2 2|0|
 *
 * Arenas. Pools come from arenas: aligned blocks of 2^ARENA_ORDER pages
 * claimed for pools, whose free blocks smaller than an arena sit on
 * pool_area[] instead of free_area[]. A pool is cut from an arena already
 * claimed when one has room, and a new arena is claimed only when none has;
 * other small blocks keep out of arenas the same way. So pools do not spread
 * over the heap, and large blocks still find aligned runs between them:
 *
 *   |pool pool . pool|. . . . . . . .|pool . . pool . |LLLLLLLL. . . . |
 *    arena (pools)    free arena-size  arena (pools)    large blocks
 *
 * When every page of an arena is free again, it merges into a free block of
 * arena size and is no longer the pools'. A request takes a small block of
 * the other kind only when no region has a block of its own kind or of arena
 * size left.
 *
 * Descriptors (see mm/internal.h): a free block has its first page PG_free with
 * its order and its other pages 0. An allocated block has its first page
 * PG_large and the others PG_tail pointing at it. The order field of a PG_large
 * page is the block's order for get_free_pages(), or PAGE_ORDER_EXACT for
 * alloc_pages_exact(), whose page count is page_nr_exact(). The slab layer may
 * turn PG_large into PG_slab; __free_pages() takes either.
 *
 * Invariants, between calls:
 * - every free block is aligned to PAGE_SIZE << order and lies in [base, end)
 *   of its region;
 * - no two free buddies of the same order below MAX_ORDER: they merge at once;
 * - a page is on free_area[o] exactly when it is PG_free with order o;
 *   nr_free_blocks[o] is the length of free_area[o], and nr_free is the sum of
 *   nr_free_blocks[o] << o.
 *
 * Context: the public calls take mm_lock(); the __ functions expect it held,
 * as do the ones the slab layer calls (mm/internal.h).
 * Nothing here may be called from mm_port_report(), which runs with the lock
 * held. No set-up is needed: mm_regions starts zeroed, so until the first
 * mm_add_region() every allocation simply fails. The public calls clear
 * __GFP_ZERO memory after unlocking, so the lock covers the list work only.
 *
 * Time: O(MAX_ORDER x regions) list operations per call, never walking a list,
 * plus one descriptor write per page of the block (its PG_tail marks when
 * allocated, their clearing when freed). An exact run of n pages is freed as
 * at most one block per bit of n, and only the last of them can merge upwards.
 */
#include "internal.h"

#if CONFIG_MM_PAGE_ALLOC

_Static_assert(PAGE_ORDER_EXACT > MAX_ORDER && PAGE_ORDER_EXACT <= UINT8_MAX,
	       "PAGE_ORDER_EXACT must fit struct page.order and be no real order");
_Static_assert(PAGE_SHIFT + MAX_ORDER < 8 * sizeof(uintptr_t),
	       "a block of MAX_ORDER must fit the address space");
_Static_assert(_Alignof(struct page) == sizeof(void *),
	       "descriptors want no more than the pointer alignment region_meta_start() gives");

static inline size_t order_pages(unsigned int order)
{
	return (size_t)1 << order;
}

static inline uintptr_t order_bytes(unsigned int order)
{
	return (uintptr_t)PAGE_SIZE << order;
}

/* Pages needed for @size bytes; cannot overflow. */
static inline size_t size_to_pages(size_t size)
{
	return (size >> PAGE_SHIFT) + ((size & (PAGE_SIZE - 1)) != 0);
}

/* The smallest order whose block holds @nr pages. */
static inline unsigned int pages_to_order(size_t nr)
{
	unsigned int order = 0;

	while (order_pages(order) < nr)
		order++;
	return order;
}

/* Is @pg the first page of a free block of @order? */
static inline bool page_is_buddy(const struct page *pg, unsigned int order)
{
	return page_is_free(pg) && pg->order == order;
}

/* ---- free lists ----------------------------------------------------------------- */

/* The free list a free block of @order starting at @pg belongs on. */
static inline struct list_head *free_list(struct mm_region *r, const struct page *pg,
					  unsigned int order)
{
	if (order < ARENA_ORDER && pg->arena == ARENA_POOLS)
		return &r->pool_area[order];
	return &r->free_area[order];
}

static void add_free(struct mm_region *r, struct page *pg, unsigned int order)
{
	set_page_state(pg, PG_free);
	pg->order = (uint8_t)order;
	list_add(&pg->lru, free_list(r, pg, order));
	r->nr_free_blocks[order]++;
	r->nr_free += order_pages(order);
}

static void del_free(struct mm_region *r, struct page *pg, unsigned int order)
{
	list_del(&pg->lru);
	set_page_state(pg, PG_none);
	r->nr_free_blocks[order]--;
	r->nr_free -= order_pages(order);
}

/* Mark the arena starting at @pg as claimed for pools (@pools) or not. */
static void set_arena(struct mm_region *r, struct page *pg, bool pools)
{
	size_t i;

	for (i = 0; i < order_pages(ARENA_ORDER); i++)
		pg[i].arena = pools ? ARENA_POOLS : 0;
	if (pools)
		r->nr_arenas++;
	else
		r->nr_arenas--;
}

/* Free the block of @order at @a, whose descriptors are all 0, merging it with its buddies. */
static void free_block(struct mm_region *r, uintptr_t a, unsigned int order)
{
	for (; order != MAX_ORDER; order++) {
		uintptr_t b = a ^ order_bytes(order);
		struct page *buddy;

		if (b - r->base >= r->end - r->base)
			break;
		buddy = region_page(r, b);
		if (!page_is_buddy(buddy, order))
			break;
		del_free(r, buddy, order);
		a &= b;
		/* A whole free arena is no longer the pools' own. */
		if (order + 1 == ARENA_ORDER && region_page(r, a)->arena == ARENA_POOLS)
			set_arena(r, region_page(r, a), false);
	}
	add_free(r, region_page(r, a), order);
}

/* Free @nr pages from the page-aligned @a as the largest blocks aligned to their size. */
static void free_range(struct mm_region *r, uintptr_t a, size_t nr)
{
	while (nr) {
		unsigned int order = MAX_ORDER;

		while ((a & (order_bytes(order) - 1)) || order_pages(order) > nr)
			order--;
		free_block(r, a, order);
		a += order_bytes(order);
		nr -= order_pages(order);
	}
}

/*
 * Take the free block @pg of order @o off its list and split it down to
 * @order, the upper halves going back free. @claim: the arena the block
 * is cut down to becomes the pools' on the way.
 */
static struct page *split_block(struct mm_region *r, struct page *pg, unsigned int o,
				unsigned int order, bool claim)
{
	MM_BUG_ON(!page_is_buddy(pg, o));
	del_free(r, pg, o);
	while (o > order) {
		if (claim && o == ARENA_ORDER)
			set_arena(r, pg, true);
		o--;
		add_free(r, pg + order_pages(o), o);
	}
	return pg;
}

/* The first block on a list of free blocks of @order in one of a region's lists. */
static inline struct page *first_free(struct list_head *l)
{
	return list_empty(l) ? NULL : container_of(l->next, struct page, lru);
}

/* A free block of @order or more from the small lists of one kind (@pools:
 * inside arenas), split down to @order; NULL when there is none. */
static struct page *alloc_small(struct mm_region *r, unsigned int order, bool pools)
{
	unsigned int o;

	for (o = order; o < ARENA_ORDER; o++) {
		struct page *pg = first_free(pools ? &r->pool_area[o] : &r->free_area[o]);

		if (pg)
			return split_block(r, pg, o, order, false);
	}
	return NULL;
}

/*
 * alloc_block - take a free block of @order, splitting a bigger one.
 *
 * In each region, in the order they were added: a block smaller than an
 * arena for a pool (@pools) comes from arenas already claimed for pools, any
 * other small block from outside them; failing that, a block of arena size or
 * more is split (and, for a pool, its arena claimed). Only when no region has
 * either does a small request take a small block of the other kind.
 */
static struct page *alloc_block(unsigned int order, bool pools, struct mm_region **rp)
{
	struct mm_region *r;
	struct page *pg;
	unsigned int o;

	for_each_region(r) {
		*rp = r;
		pg = alloc_small(r, order, pools);
		if (pg)
			return pg;
		for (o = order > ARENA_ORDER ? order : ARENA_ORDER; o <= MAX_ORDER; o++) {
			pg = first_free(&r->free_area[o]);
			if (pg)
				return split_block(r, pg, o, order, pools && order < ARENA_ORDER);
		}
	}
	for_each_region(r) {
		*rp = r;
		pg = alloc_small(r, order, !pools);
		if (pg)
			return pg;
	}
	return NULL;
}

/*
 * Reset the descriptors of a block of @n pages at @pg before it goes back
 * free: its first page entirely but for its arena, the others' state and pool
 * pointer (a free block's inner pages are PG_none; nothing reads the rest).
 * The first page of a page-backed block (not a pool) keeps PGF_FREED, so that
 * a second free of it is told apart from a foreign pointer. The pages no
 * longer count as in use.
 */
static void clear_pages(struct mm_region *r, struct page *pg, size_t n)
{
	struct slab **slabs = &r->slabs[pg - r->pages];
	bool was_pool = slabs[0] != &mm_no_slab;
	size_t i;

	mm_memset(&pg->pool, 0, sizeof(pg->pool));
	pg->order = 0;
	set_page_state(pg, PG_none);
	pg->flags = was_pool ? 0 : PGF_FREED;
	slabs[0] = &mm_no_slab;
	for (i = 1; i < n; i++) {
		set_page_state(&pg[i], PG_none);
		pg[i].flags = 0;
		slabs[i] = &mm_no_slab;
	}
	mm_page_counters.used -= n;
}

/* Mark the first @nr pages at @pg allocated with @order; return their address. */
static void *prep_block(const struct mm_region *r, struct page *pg, unsigned int order, size_t nr,
			gfp_t gfp)
{
	void *addr = page_address(r, pg);
	size_t i;

	set_page_state(pg, PG_large);
	pg->order = (uint8_t)order;
	pg->flags = 0;
	page_counters_add(nr);
	for (i = 1; i < nr; i++) {
		set_page_state(&pg[i], PG_tail);
		pg[i].head = pg;
	}
	vg_writable(addr, nr << PAGE_SHIFT);
	if (gfp & __GFP_ZERO)
		mm_memset(addr, 0, nr << PAGE_SHIFT);
	return addr;
}

/*
 * The first page of the live page-backed block at @addr when its order field
 * is @order, with its region in *@rp; else NULL with *@why set to the report
 * the free deserves (a double free, or pages that are no such block).
 */
static struct page *lookup_large(const void *addr, unsigned int order, struct mm_region **rp,
				 enum mm_report_kind *why)
{
	struct mm_block b;

	mm_lookup(addr, &b);
	*why = b.why == MM_REPORT_DOUBLE_FREE ? MM_REPORT_DOUBLE_FREE : MM_REPORT_BAD_PAGES;
	if (b.kind != BLOCK_PAGES || !b.live || ((struct page *)b.head)->order != order)
		return NULL;
	*rp = b.region;
	return b.head;
}

/*
 * free_block_at - the free of free_pages() (@order) and of free_pages_exact()
 * (@exact, @nr pages): give back the block at @addr when it is a live one
 * of that order or size, else report the free for @caller. Takes mm_lock().
 */
static void free_block_at(void *addr, unsigned int order, bool exact, size_t nr, const void *caller)
{
	enum mm_report_kind why = MM_REPORT_BAD_PAGES;
	struct mm_region *r = NULL;
	struct page *pg = NULL;

	mm_lock();
	if (exact || order <= MAX_ORDER)
		pg = lookup_large(addr, exact ? PAGE_ORDER_EXACT : order, &r, &why);
	if (pg && exact && pg->nr_exact != nr) {
		pg = NULL; /* a live block, freed with another size */
		why = MM_REPORT_BAD_PAGES;
	}
	if (!pg)
		mm_report(why, addr, NULL, NULL, caller);
	else if (exact)
		__free_pages_exact(r, pg);
	else
		__free_pages(r, pg, order);
	mm_unlock();
}

/* ---- the calls for lock holders (mm/pages.h) --------------------------------------- */

void *__get_free_pages(gfp_t gfp, unsigned int order)
{
	struct mm_region *r = NULL;
	struct page *pg;

	if (order > MAX_ORDER)
		return NULL;
	pg = alloc_block(order, (gfp & __GFP_POOL) != 0, &r);
	if (!pg)
		return NULL;
	return prep_block(r, pg, order, order_pages(order), gfp);
}

void __free_pages(struct mm_region *r, struct page *pg, unsigned int order)
{
	MM_BUG_ON(order > MAX_ORDER || pg->order != order || !page_is_head(pg));
	clear_pages(r, pg, order_pages(order));
	free_block(r, (uintptr_t)page_address(r, pg), order);
}

void *__alloc_pages_exact(size_t size, gfp_t gfp)
{
	size_t nr = size_to_pages(size);
	struct mm_region *r = NULL;
	struct page *pg;
	unsigned int order;

	if (!nr || nr > order_pages(MAX_ORDER))
		return NULL;
	order = pages_to_order(nr);
	pg = alloc_block(order, false, &r);
	if (!pg)
		return NULL;
	free_range(r, (uintptr_t)page_address(r, pg) + (nr << PAGE_SHIFT), order_pages(order) - nr);
	pg->nr_exact = nr;
	return prep_block(r, pg, PAGE_ORDER_EXACT, nr, gfp);
}

int __largest_free_order(void)
{
	const struct mm_region *r;
	int o, largest = -1;

	for_each_region(r) {
		for (o = MAX_ORDER; o > largest; o--) {
			if (r->nr_free_blocks[o]) {
				largest = o;
				break;
			}
		}
	}
	return largest;
}

void __free_pages_exact(struct mm_region *r, struct page *pg)
{
	size_t nr = pg->nr_exact;

	MM_BUG_ON(!page_is_large(pg) || !page_is_exact(pg) || !nr || nr > order_pages(MAX_ORDER));
	clear_pages(r, pg, nr);
	free_range(r, (uintptr_t)page_address(r, pg), nr);
}

/* ---- public calls (mm/page_alloc.h) --------------------------------------------- */

int mm_add_region(void *start, size_t size)
{
	uintptr_t pages = region_meta_start(start, size), end;
	struct mm_region *r;
	unsigned int o;
	size_t nr, i;
	int ret;

	/* A region needs more than a page. */
	if (!pages || size <= PAGE_SIZE)
		return -MM_EINVAL;
	end = ((uintptr_t)start + size) & ~(uintptr_t)(PAGE_SIZE - 1);
	/*
	 * nr descriptors, their bits and nr pages fit when pages + nr * PAGE_META,
	 * rounded up to a page, plus nr * PAGE_SIZE is at most end; as end is
	 * page-aligned that is nr * (PAGE_META + PAGE_SIZE) <= end - pages. The
	 * pages end at end, and what the metadata leaves over lies before them:
	 * an aligned region keeps its aligned top blocks whole.
	 */
	nr = end > pages ? (end - pages) / (PAGE_META + PAGE_SIZE) : 0;
	if (!nr)
		return -MM_EINVAL;

	mm_lock();
	ret = region_add((uintptr_t)start, size, &r);
	if (ret)
		goto out;
	r->pages = (struct page *)pages;
	r->slabs = (struct slab **)(r->pages + nr);
	r->bits = (unsigned long *)(r->slabs + nr);
	r->base = end - (nr << PAGE_SHIFT);
	r->span = nr << PAGE_SHIFT;
	r->end = r->base + r->span;
	r->nr_pages = nr;
	for (o = 0; o <= MAX_ORDER; o++)
		list_init(&r->free_area[o]);
	for (o = 0; o < ARENA_ORDER; o++)
		list_init(&r->pool_area[o]);
	mm_memset(r->pages, 0, nr * sizeof(struct page));
	for (i = 0; i < nr; i++)
		r->slabs[i] = &mm_no_slab;
	free_range(r, r->base, nr);
	slab_up();
out:
	mm_unlock();
	return ret;
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	void *addr;

	mm_lock();
	addr = __get_free_pages(gfp & ~__GFP_ZERO, order);
	mm_unlock();
	if (addr && (gfp & __GFP_ZERO))
		mm_memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

void free_pages(void *addr, unsigned int order)
{
	if (addr)
		free_block_at(addr, order, false, 0, _RET_IP_);
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	void *addr;

	mm_lock();
	addr = __alloc_pages_exact(size, gfp & ~__GFP_ZERO);
	mm_unlock();
	if (addr && (gfp & __GFP_ZERO))
		mm_memset(addr, 0, size_to_pages(size) << PAGE_SHIFT);
	return addr;
}

void free_pages_exact(void *addr, size_t size)
{
	if (addr)
		free_block_at(addr, 0, true, size_to_pages(size), _RET_IP_);
}

int mm_largest_free_order(void)
{
	int largest;

	mm_lock();
	largest = __largest_free_order();
	mm_unlock();
	return largest;
}

/* ---- under the slab layer (mm/internal.h) ---------------------------------------- */

struct slab *pool_alloc(struct kmem_cache *s)
{
	void *addr = __get_free_pages(GFP_KERNEL | __GFP_POOL, s->order);
	struct mm_region *r;
	struct page *pg;
	struct slab *slab;
	size_t i;

	if (!addr)
		return NULL;
	r = addr_to_region((uintptr_t)addr);
	pg = region_page(r, (uintptr_t)addr);
	set_page_state(pg, PG_slab);
	slab = &pg->pool;
	mm_memset(slab, 0, sizeof(*slab));
	slab->cache = s;
	slab->bitmap = page_bits(r, pg);
	for (i = 0; i < order_pages(s->order); i++)
		r->slabs[(size_t)(pg - r->pages) + i] = slab;
	return slab;
}

void pool_free(struct kmem_cache *s, struct slab *slab)
{
	struct page *pg = slab_page(slab);

	set_page_state(pg, PG_large);
	__free_pages(page_region(pg), pg, s->order);
}

void *large_alloc(size_t size, gfp_t gfp)
{
	void *p = __alloc_pages_exact(size, gfp);

	if (p) {
		mm_counters.large_allocs++;
		mm_counters.large_bytes += virt_to_page(p)->nr_exact << PAGE_SHIFT;
	}
	return p;
}

void large_free(const struct mm_block *b)
{
	struct page *pg = b->head;

	mm_counters.large_frees++;
	mm_counters.large_bytes -= pg->nr_exact << PAGE_SHIFT;
	__free_pages_exact(b->region, pg);
}

void lookup_block(struct mm_region *r, const void *p, struct mm_block *b)
{
	uintptr_t a = (uintptr_t)p;
	struct page *pg = region_page(r, a), *head = compound_head(pg);

	if (page_is_large(head)) {
		b->kind = BLOCK_PAGES;
		b->head = head;
		b->start = page_address(r, head);
		b->size = page_block_pages(head) << PAGE_SHIFT;
		b->kmalloc = page_is_exact(head);
		b->order = page_is_exact(head) ? BLOCK_EXACT : head->order;
		if (p != b->start)
			b->why = MM_REPORT_INTERIOR_FREE;
		else
			b->live = true;
	} else if (page_was_freed(pg) && !(a & (PAGE_SIZE - 1))) {
		b->why = MM_REPORT_DOUBLE_FREE;
	}
}

void for_each_pool(void (*fn)(struct slab *slab, void *ctx), void *ctx)
{
	struct mm_region *r;
	size_t i;

	for_each_region(r)
		for (i = 0; i < r->nr_pages; i++)
			if (page_is_slab(&r->pages[i]))
				fn(&r->pages[i].pool, ctx);
}

void for_each_large(void (*fn)(const struct mm_block *b, void *ctx), void *ctx)
{
	struct mm_region *r;
	struct mm_block b;
	size_t i;

	for_each_region(r) {
		for (i = 0; i < r->nr_pages; i++) {
			if (!page_is_large(&r->pages[i]) || !page_is_exact(&r->pages[i]))
				continue;
			mm_lookup(page_address(r, &r->pages[i]), &b);
			fn(&b, ctx);
		}
	}
}

#endif /* CONFIG_MM_PAGE_ALLOC */
