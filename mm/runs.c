// SPDX-License-Identifier: MIT
/*
 * mm/runs.c - without a page allocator (CONFIG_MM_PAGE_ALLOC=0): the run
 * allocator that cuts pools and large blocks straight from each region, and
 * the region set-up. The layout of a region and of a run is drawn in
 * mm/runs.h.
 *
 * Free lists, TLSF's two levels over sizes in grains (RUN_GRAIN bytes):
 *
 *   grains u      1..7     8..15          16..31         32..63         ...
 *   row fl        0        1              2              3
 *   column sl     u        u - 8          (u >> 1) - 8   (u >> 2) - 8
 *
 * so each row splits a power of two into RUN_SL_COUNT lists of equal width.
 * A search for u grains first looks at the head of u's own list, which fits
 * more often than not; else it rounds u up to the next list's first size, so
 * that every run of that list or any later one fits, and finds the first
 * non-empty one from two bit maps (fl_map, sl_map[fl]) with two bit scans.
 *
 * Allocation: take the run found, split off the tail it does not need when
 * that tail can be a run of its own (RUN_MIN bytes), else keep it and clear
 * RUN_PREV_FREE in the run after. A page-aligned request (a pool,
 * get_free_pages()) also splits off the front, up to the page boundary its
 * payload starts on; when the run found first has no room for that, it looks
 * again for its size, its alignment and two RUN_MIN more: room in any run.
 *
 * Free: merge with the run after when free, with the run before when
 * RUN_PREV_FREE says so (its size is in the word before the header), and put
 * the result on its list. No two free runs are ever next to each other. A
 * header a merge swallows keeps checking, with RUN_FREE set: a second free of
 * its payload is a double free (reported, nothing changed), never a free of a
 * run that is no longer there.
 *
 * Time: every call is O(1): a few list operations and bit scans, never a walk.
 * Context: every function here is called with the lock held.
 */
#include "internal.h"

#if !CONFIG_MM_PAGE_ALLOC

_Static_assert(RUN_MIN <= PAGE_SIZE / 4, "a pool page is far bigger than the smallest run");
_Static_assert(RUN_SL_COUNT <= 8, "a row's map is one byte");

/* ---- headers ------------------------------------------------------------------------ */

static inline uintptr_t run_check(const struct mm_region *r, const struct run *run, uintptr_t size)
{
	return size ^ (uintptr_t)run ^ r->secret;
}

static inline void set_run(const struct mm_region *r, struct run *run, uintptr_t size)
{
	run->size = size;
	run->check = run_check(r, run, size);
}

static inline struct run *run_after(const struct mm_region *r, const struct run *run)
{
	uintptr_t next = (uintptr_t)run + run_size(run);

	return next < r->heap_end ? (struct run *)next : NULL;
}

/* Set or clear RUN_PREV_FREE in the run after @run, if any. */
static void tell_next(const struct mm_region *r, const struct run *run, bool free)
{
	struct run *next = run_after(r, run);

	if (next)
		set_run(r, next,
			free ? next->size | RUN_PREV_FREE : next->size & ~(uintptr_t)RUN_PREV_FREE);
}

struct run *run_of(const struct mm_region *r, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct run *run;

	if ((a & (RUN_GRAIN - 1)) || a < r->heap_start + RUN_GRAIN || a >= r->heap_end)
		return NULL;
	run = (struct run *)(a - RUN_GRAIN);
	if (run->check != run_check(r, run, run->size) || run_size(run) < RUN_MIN ||
	    run_size(run) > r->heap_end - (uintptr_t)run)
		return NULL;
	return run;
}

/* ---- free lists ---------------------------------------------------------------------- */

/* The list a run of @u grains belongs on. */
static void mapping(size_t u, unsigned int *fl, unsigned int *sl)
{
	unsigned int f;

	if (u < RUN_SL_COUNT) {
		*fl = 0;
		*sl = (unsigned int)u;
		return;
	}
	f = highest_bit(u);
	*fl = f - RUN_SL_LOG + 1;
	*sl = (unsigned int)(u >> (f - RUN_SL_LOG)) - RUN_SL_COUNT;
}

/* Rows of free lists that runs of up to @bytes need. */
static unsigned int rows_for(size_t bytes)
{
	unsigned int fl, sl;

	mapping(bytes / RUN_GRAIN, &fl, &sl);
	return fl + 1;
}

static inline struct run **list_of(struct mm_region *r, unsigned int fl, unsigned int sl)
{
	return &r->heads[fl * RUN_SL_COUNT + sl];
}

/* The free list of @run's size, its row in *@fl and column in *@sl. */
static struct run **free_list(struct mm_region *r, const struct run *run, unsigned int *fl,
			      unsigned int *sl)
{
	mapping(run_size(run) / RUN_GRAIN, fl, sl);
	return list_of(r, *fl, *sl);
}

static void insert_free(struct mm_region *r, struct run *run)
{
	unsigned int fl, sl;
	struct run **head = free_list(r, run, &fl, &sl);

	run->next = *head;
	run->prev = NULL;
	if (*head)
		(*head)->prev = run;
	*head = run;
	r->sl_map[fl] |= (uint8_t)(1u << sl);
	r->fl_map |= 1ul << fl;
	*(uintptr_t *)((char *)run + run_size(run) - sizeof(uintptr_t)) = run_size(run);
	r->free_bytes += run_size(run);
	r->nr_free++;
}

static void remove_free(struct mm_region *r, struct run *run)
{
	unsigned int fl, sl;
	struct run **head = free_list(r, run, &fl, &sl);

	if (run->prev)
		run->prev->next = run->next;
	else
		*head = run->next;
	if (run->next)
		run->next->prev = run->prev;
	if (!*head) {
		r->sl_map[fl] &= (uint8_t) ~(1u << sl);
		if (!r->sl_map[fl])
			r->fl_map &= ~(1ul << fl);
	}
	r->free_bytes -= run_size(run);
	r->nr_free--;
}

/* A free run of at least @size bytes in @r (still on its list), or NULL. */
static struct run *find_free(struct mm_region *r, size_t size)
{
	size_t u = size / RUN_GRAIN;
	unsigned int fl, sl;
	unsigned long cols;
	struct run *run;

	mapping(u, &fl, &sl);
	if (fl >= r->nr_fl)
		return NULL;
	run = *list_of(r, fl, sl);
	if (run && run_size(run) >= size)
		return run;
	if (u >= RUN_SL_COUNT)
		mapping(u + ((size_t)1 << (highest_bit(u) - RUN_SL_LOG)) - 1, &fl, &sl);
	if (fl >= r->nr_fl)
		return NULL;
	cols = r->sl_map[fl] & (~0ul << sl);
	if (!cols) {
		cols = r->fl_map & (~0ul << fl << 1);
		if (!cols)
			return NULL;
		fl = lowest_bit(cols);
		cols = r->sl_map[fl];
	}
	return *list_of(r, fl, lowest_bit(cols));
}

/* ---- allocation and free ---------------------------------------------------------------- */

/*
 * Make @run, off every list and RUN_PREV_FREE as it should be, an allocated
 * run of @size bytes (with @flags): the rest of it, when it can be a run of
 * its own, goes back free. Return @run.
 */
static struct run *take(struct mm_region *r, struct run *run, size_t size, uintptr_t flags)
{
	size_t have = run_size(run);
	uintptr_t prev = run_prev_free(run);

	if (have - size >= RUN_MIN) {
		struct run *tail = (struct run *)((char *)run + size);

		set_run(r, tail, (have - size) | RUN_FREE);
		insert_free(r, tail);
		r->nr_runs++;
	} else {
		size = have;
		tell_next(r, run, false);
	}
	set_run(r, run, size | prev | flags);
	return run;
}

/*
 * An allocated run of @size bytes whose payload starts on a boundary of
 * @align, cut from the top of the free run @run (on its list): aligned
 * blocks (pools) gather at the top of the free space and the others at its
 * bottom, so that pools left behind split fewer free runs. NULL, nothing
 * changed, when @run has no room for it. What lies before and after goes
 * back free.
 */
static struct run *take_aligned(struct mm_region *r, struct run *run, size_t size, size_t align,
				uintptr_t flags)
{
	uintptr_t a = (uintptr_t)run, end = a + run_size(run);
	uintptr_t payload = (end - size + RUN_GRAIN) & ~(uintptr_t)(align - 1);
	uintptr_t prev = run_prev_free(run);
	size_t front, have = run_size(run);

	/* What is left after it is nothing or a run of its own. */
	if (end - (payload - RUN_GRAIN + size) && end - (payload - RUN_GRAIN + size) < RUN_MIN)
		payload -= align;
	if (end - a < size || payload < a + RUN_GRAIN)
		return NULL;
	front = payload - RUN_GRAIN - a;
	if (front && front < RUN_MIN)
		return NULL;
	remove_free(r, run);
	if (front) {
		set_run(r, run, front | RUN_FREE | prev);
		insert_free(r, run);
		run = (struct run *)(a + front);
		prev = RUN_PREV_FREE;
		r->nr_runs++;
	}
	set_run(r, run, (have - front) | prev);
	return take(r, run, size, flags);
}

/* An allocated run of @size bytes in @r, its payload aligned to @align if not 0. */
static struct run *alloc_in(struct mm_region *r, size_t size, size_t align, uintptr_t flags)
{
	struct run *run = find_free(r, size), *got;

	if (!align) {
		if (!run)
			return NULL;
		remove_free(r, run);
		return take(r, run, size, flags);
	}
	if (run) {
		got = take_aligned(r, run, size, align, flags);
		if (got)
			return got;
	}
	if (size > SIZE_MAX / 2 - align)
		return NULL;
	/* A run this big holds the block wherever it lies: when the top-most
	 * place leaves a tail under RUN_MIN, the block moves down by align, and
	 * what is left before it is still RUN_MIN or more. */
	run = find_free(r, size + align + 2 * RUN_MIN - RUN_GRAIN);
	return run ? take_aligned(r, run, size, align, flags) : NULL;
}

struct run *run_alloc(size_t bytes, size_t align, uintptr_t flags, struct mm_region **rp)
{
	struct mm_region *r;
	struct run *run;
	size_t size;

	if (bytes > SIZE_MAX / 2)
		return NULL;
	size = ((bytes + RUN_GRAIN - 1) & ~(size_t)(RUN_GRAIN - 1)) + RUN_GRAIN;
	if (size < RUN_MIN)
		size = RUN_MIN;
	for_each_region(r) {
		run = alloc_in(r, size, align, flags);
		if (run) {
			*rp = r;
			page_counters_add(run_size(run));
			return run;
		}
	}
	return NULL;
}

void run_free(struct mm_region *r, struct run *run)
{
	size_t size = run_size(run);
	uintptr_t prev = run_prev_free(run);
	struct run *next = run_after(r, run);

	mm_page_counters.used -= size;
	if (next && run_is_free(next)) {
		remove_free(r, next);
		size += run_size(next);
		r->nr_runs--;
	}
	if (prev) {
		size_t before = *(const uintptr_t *)((const char *)run - sizeof(uintptr_t));

		/* The run before swallows this one: its header, left as it was,
		 * would still check as a live run's, and a second free of the
		 * payload would free it again. Marked free, it is a double free. */
		set_run(r, run, run->size | RUN_FREE);
		run = (struct run *)((char *)run - before);
		remove_free(r, run);
		size += before;
		prev = run_prev_free(run);
		r->nr_runs--;
	}
	set_run(r, run, size | RUN_FREE | prev);
	insert_free(r, run);
	tell_next(r, run, true);
}

/* ---- regions ----------------------------------------------------------------------------- */

int mm_add_region(void *start, size_t size)
{
	uintptr_t p = region_meta_start(start, size), heap, end;
	struct mm_region *r;
	size_t nr_pages, i;
	unsigned int nr_fl;
	int ret;

	if (!p)
		return -MM_EINVAL;
	end = ((uintptr_t)start + size) & ~(uintptr_t)(RUN_GRAIN - 1);
	if (p >= end)
		return -MM_EINVAL;
	/* Upper bounds of the rows and pages the heap will have. */
	nr_fl = rows_for(end - p);
	nr_pages = ((end - (p & ~(uintptr_t)(PAGE_SIZE - 1))) >> PAGE_SHIFT) + 1;
	heap = p + nr_fl * RUN_SL_COUNT * sizeof(struct run *) + nr_fl +
	       nr_pages * sizeof(struct slab *);
	heap = (heap + RUN_GRAIN - 1) & ~(uintptr_t)(RUN_GRAIN - 1);
	/* heap < p: the free lists and the pool table wrapped past the top. */
	if (heap < p || heap >= end || end - heap < 2 * PAGE_SIZE + RUN_MIN)
		return -MM_EINVAL;

	mm_lock();
	ret = region_add((uintptr_t)start, size, &r);
	if (ret)
		goto out;
	r->heads = (struct run **)p;
	r->nr_fl = nr_fl;
	r->sl_map = (uint8_t *)(r->heads + nr_fl * RUN_SL_COUNT);
	r->slabs = (struct slab **)(((uintptr_t)(r->sl_map + nr_fl) + sizeof(void *) - 1) &
				    ~(uintptr_t)(sizeof(void *) - 1));
	r->heap_start = heap;
	r->heap_end = end;
	r->base = heap & ~(uintptr_t)(PAGE_SIZE - 1);
	r->span = end - r->base;
	r->nr_pages = (r->span + PAGE_SIZE - 1) >> PAGE_SHIFT;
	r->secret = (uintptr_t)mm_port_random() | 1;
	mm_memset(r->heads, 0, nr_fl * RUN_SL_COUNT * sizeof(struct run *));
	mm_memset(r->sl_map, 0, nr_fl);
	for (i = 0; i < r->nr_pages; i++)
		r->slabs[i] = &mm_no_slab;
	set_run(r, (struct run *)heap, (end - heap) | RUN_FREE);
	insert_free(r, (struct run *)heap);
	r->nr_runs = 1;
	slab_up();
out:
	mm_unlock();
	return ret;
}

/* ---- under the slab layer (mm/internal.h) ------------------------------------------ */

struct slab *pool_alloc(struct kmem_cache *s)
{
	struct mm_region *r;
	struct run *run =
		run_alloc(pool_avail(s->order) + sizeof(struct slab), PAGE_SIZE << s->order, 0, &r);
	uintptr_t base;
	struct slab *slab;
	size_t i, page;

	if (!run)
		return NULL;
	base = (uintptr_t)run_payload(run);
	slab = (struct slab *)(base + pool_avail(s->order));
	mm_memset(slab, 0, sizeof(*slab));
	slab->cache = s;
	page = (base - r->base) >> PAGE_SHIFT;
	for (i = 0; i < ((size_t)1 << s->order); i++)
		r->slabs[page + i] = slab;
	return slab;
}

void pool_free(struct kmem_cache *s, struct slab *slab)
{
	uintptr_t base = slab_base_order(slab, s->order);
	struct mm_region *r = addr_to_region(base);
	size_t i, page = (base - r->base) >> PAGE_SHIFT;

	for (i = 0; i < ((size_t)1 << s->order); i++)
		r->slabs[page + i] = &mm_no_slab;
	run_free(r, (struct run *)(base - RUN_GRAIN));
}

void *large_alloc(size_t size, gfp_t gfp)
{
	struct mm_region *r;
	struct run *run = run_alloc(size, 0, 0, &r);
	void *p;

	if (!run)
		return NULL;
	(void)gfp;
	p = run_payload(run);
	mm_counters.large_allocs++;
	mm_counters.large_bytes += run_size(run) - RUN_GRAIN;
	return p;
}

void large_free(const struct mm_block *b)
{
	struct run *run = b->head;

	mm_counters.large_frees++;
	mm_counters.large_bytes -= run_size(run) - RUN_GRAIN;
	run_free(b->region, run);
}

/* The order of a run from get_free_pages(): its payload is PAGE_SIZE << order,
 * give or take less than RUN_MIN; BLOCK_EXACT for any other size. */
static unsigned int run_order(const struct run *run)
{
	size_t payload = run_size(run) - RUN_GRAIN;
	unsigned int order;

	for (order = 0; order <= MAX_ORDER; order++)
		if (payload >= (PAGE_SIZE << order) && payload - (PAGE_SIZE << order) < RUN_MIN)
			return order;
	return BLOCK_EXACT;
}

void lookup_block(struct mm_region *r, const void *p, struct mm_block *b)
{
	struct run *run = run_of(r, p);

	if (!run) {
		if ((uintptr_t)p - r->heap_start < r->heap_end - r->heap_start)
			b->why = MM_REPORT_INTERIOR_FREE; /* in the heap, no run's payload */
		return;
	}
	if (run_is_free(run)) {
		b->why = MM_REPORT_DOUBLE_FREE;
		return;
	}
	b->kind = BLOCK_PAGES;
	b->live = true;
	b->head = run;
	b->start = (void *)(uintptr_t)p;
	b->size = run_size(run) - RUN_GRAIN;
	b->kmalloc = !run_is_pages(run);
	b->order = b->kmalloc ? BLOCK_EXACT : run_order(run);
}

void for_each_pool(void (*fn)(struct slab *slab, void *ctx), void *ctx)
{
	struct mm_region *r;
	size_t i;

	for_each_region(r)
		for (i = 0; i < r->nr_pages; i++)
			if (r->slabs[i] != &mm_no_slab &&
			    slab_base_order(r->slabs[i], r->slabs[i]->cache->order) ==
				    r->base + (i << PAGE_SHIFT))
				fn(r->slabs[i], ctx);
}

void for_each_large(void (*fn)(const struct mm_block *b, void *ctx), void *ctx)
{
	struct mm_region *r;
	struct mm_block b;
	uintptr_t a;

	for_each_region(r) {
		for (a = r->heap_start; a < r->heap_end; a += run_size((const struct run *)a)) {
			const struct run *run = (const struct run *)a;

			if (run_is_free(run) || run_is_pages(run))
				continue;
			mm_lookup(run_payload((struct run *)a), &b);
			if (b.kind == BLOCK_PAGES && b.kmalloc)
				fn(&b, ctx);
		}
	}
}

/* ---- the page calls of <mm/page_alloc.h>, on runs --------------------------------------- */

/* Pages needed for @size bytes; cannot overflow. */
static inline size_t size_to_pages(size_t size)
{
	return (size >> PAGE_SHIFT) + ((size & (PAGE_SIZE - 1)) != 0);
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	struct mm_region *r;
	struct run *run = NULL;

	mm_lock();
	if (order <= MAX_ORDER)
		run = run_alloc(PAGE_SIZE << order, PAGE_SIZE << order, RUN_PAGES, &r);
	mm_unlock();
	if (run && (gfp & __GFP_ZERO))
		mm_memset(run_payload(run), 0, PAGE_SIZE << order);
	return run ? run_payload(run) : NULL;
}

/* Free the block at @addr from get_free_pages() (@order) or alloc_pages_exact()
 * (@pages, @order BLOCK_EXACT), or report it. */
static void free_run_pages(void *addr, unsigned int order, size_t pages, const void *caller)
{
	struct mm_block b;

	mm_lock();
	mm_lookup(addr, &b);
	if (b.kind == BLOCK_PAGES && b.live && !b.kmalloc &&
	    (order == BLOCK_EXACT
		     ? size_to_pages(b.size) == pages || b.size - (pages << PAGE_SHIFT) < RUN_MIN
		     : b.order == order))
		run_free(b.region, b.head);
	else
		mm_report(b.why == MM_REPORT_DOUBLE_FREE ? MM_REPORT_DOUBLE_FREE
							 : MM_REPORT_BAD_PAGES,
			  addr, NULL, NULL, caller);
	mm_unlock();
}

void free_pages(void *addr, unsigned int order)
{
	if (addr)
		free_run_pages(addr, order > MAX_ORDER ? BLOCK_EXACT - 1 : order, 0,
			       __builtin_return_address(0));
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	size_t pages = size_to_pages(size);
	struct mm_region *r;
	struct run *run = NULL;

	mm_lock();
	if (pages && pages <= ((size_t)1 << MAX_ORDER))
		run = run_alloc(pages << PAGE_SHIFT, PAGE_SIZE, RUN_PAGES, &r);
	mm_unlock();
	if (run && (gfp & __GFP_ZERO))
		mm_memset(run_payload(run), 0, pages << PAGE_SHIFT);
	return run ? run_payload(run) : NULL;
}

void free_pages_exact(void *addr, size_t size)
{
	if (addr)
		free_run_pages(addr, BLOCK_EXACT, size_to_pages(size), __builtin_return_address(0));
}

/* The largest free run of @r: at least the first size of its highest list. */
static size_t largest_free(const struct mm_region *r)
{
	unsigned int fl, sl;

	if (!r->fl_map)
		return 0;
	fl = highest_bit(r->fl_map);
	sl = 7u - (unsigned int)__builtin_clz((unsigned int)r->sl_map[fl] << 24);
	if (fl == 0)
		return (size_t)sl * RUN_GRAIN;
	return ((size_t)(RUN_SL_COUNT + sl) << (fl - 1)) * RUN_GRAIN;
}

/* The largest order get_free_pages() is sure to get: a run of twice the block
 * and 2 * RUN_MIN holds one aligned block (alloc_in()'s second search). */
int mm_largest_free_order(void)
{
	const struct mm_region *r;
	int order, largest = -1;

	mm_lock();
	for_each_region(r)
		for (order = MAX_ORDER; order > largest; order--)
			if (largest_free(r) >= (PAGE_SIZE << order) * 2 + 2 * RUN_MIN) {
				largest = order;
				break;
			}
	mm_unlock();
	return largest;
}

#endif /* !CONFIG_MM_PAGE_ALLOC */
