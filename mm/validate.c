// SPDX-License-Identifier: MIT
/*
 * mm/validate.c - mm_validate(): check the whole heap and report every
 * problem, not just the first.
 *
 * The walk, under the lock:
 *
 *   for each region
 *     free lists   each entry a PG_free head of its order, aligned to its size,
 *                  inside the region, on the list of its arena's kind; lengths
 *                  equal nr_free_blocks[], pages add up to nr_free
 *     descriptors  every block's pages agree with its head (PG_tail -> head,
 *                  free blocks' inner pages 0); pages in use add up
 *     pools        every page points to the header; a known cache; started
 *                  words within the pool; no free bit for no object; inuse
 *                  equals the objects handed out (clear bits) plus those the
 *                  cache holds; the fast-path bound; debug caches: patterns
 *                  of every free and live object
 *   for each cache  active pool and reservation, partial and empty lists hold
 *                  its own pools in the right states; pools and live objects
 *                  add up (quarantined pools are checked only for that)
 *
 * Damaged debug patterns are rewritten after their report, so a second call
 * finds them no more. Nothing else is changed: a broken list is reported, and
 * the allocator keeps using it.
 *
 * Context: the lock is held for the whole walk: O(pages x caches + objects)
 * (each cache's pools are counted in a walk of the descriptors of its own).
 */
#include <mm/debug.h>
#include "internal.h"

static unsigned int problems;

static void corrupt(const void *addr, const struct kmem_cache *s, const char *detail)
{
	struct mm_report r;

	mm_report_init(&r, MM_REPORT_CORRUPT, addr, NULL, s, NULL);
	r.detail = detail;
	problems++;
	mm_report_send(&r);
}

static bool cache_known(const struct kmem_cache *s)
{
	struct kmem_cache *c;

	if (!slab_is_up)
		return false;
	for_each_cache(c)
		if (c == s)
			return true;
	return false;
}

/* Objects the CPUs hold for handing out from @slab (their reservations). */
static unsigned int slab_reserved(const struct kmem_cache *s, const struct slab *slab)
{
	return slab_held(s, slab);
}

/* How many CPUs have @slab as their active pool of @s: at most one. */
static unsigned int cpus_with(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int cpu, n = 0;

	for_each_cpu(cpu) n += s->cpu[cpu].slab == slab;
	return n;
}

/* Check a pool's header, bits and count; in debug caches every object's patterns. */
static void check_pool(struct slab *slab)
{
	struct kmem_cache *s = slab->cache;
	uintptr_t base;
	unsigned int i, carved, nfree;
	size_t j;

	if (!cache_known(s)) {
		corrupt(slab, NULL, "pool of an unknown cache");
		return;
	}
	base = slab_base(slab);
	for (j = 0; j < ((size_t)1 << s->order); j++)
		if (virt_to_slab((void *)(base + (j << PAGE_SHIFT))) != slab)
			corrupt((void *)(base + (j << PAGE_SHIFT)), s,
				"page of a pool does not point to it");
	if (slab->fresh > s->words || slab->inuse > s->objects ||
	    (cache_slow_only(s) && slab->built > slab->fresh * BITS_PER_LONG) ||
	    slab_state(slab) > SLAB_QUARANTINED) {
		corrupt((void *)base, s, "pool header out of range");
		return;
	}
	if (slab_is_quarantined(slab))
		return; /* reported when quarantined; its bits are not trusted */
	carved = slab_carved(s, slab);
	if (slab->limit != (cache_slow_only(s) ? 0 : carved))
		corrupt((void *)base, s, "pool's fast-path bound disagrees with its started words");
	for (i = 0; i < slab->fresh; i++)
		if (slab->bitmap[i] & ~(i + 1 < s->words ? ~0ul : s->last_word_mask))
			corrupt((void *)base, s, "free bit set for no object");
	nfree = slab_free_count(s, slab);
	if (slab->inuse != carved - nfree + slab_reserved(s, slab))
		corrupt((void *)base, s, "pool's count disagrees with its free bits");
	if (!cache_debug(s))
		return;
	/* The objects ever made ready: those of the bits before slab->built. */
	for (j = 0; j < slab->built; j++) {
		i = (unsigned int)(j / BITS_PER_LONG * BITS_PER_LONG) +
		    bit_obj(s, (unsigned int)(j % BITS_PER_LONG));
		if (i < carved)
			problems += debug_check_object(s, pool_object(s, base, i),
						       slab_obj_free(s, slab, i));
	}
}

#if CONFIG_MM_PAGE_ALLOC

/* Walk one free list of @order; return its length. @pools: it is a pool_area list. */
static size_t check_free_list(struct mm_region *r, struct list_head *head, unsigned int o,
			      bool pools)
{
	struct list_head *l;
	size_t n = 0;

	for (l = head->next; l != head; l = l->next) {
		struct page *pg = container_of(l, struct page, lru);
		uintptr_t a;

		if ((size_t)(pg - r->pages) >= r->nr_pages) {
			corrupt(pg, NULL, "free list entry outside its region");
			break;
		}
		a = (uintptr_t)page_address(r, pg);
		if (!page_is_free(pg) || pg->order != o || (a & ((PAGE_SIZE << o) - 1)) ||
		    a + (PAGE_SIZE << o) > r->end)
			corrupt((void *)a, NULL, "bad free block on a free list");
		else if (o < ARENA_ORDER && (pg->arena == ARENA_POOLS) != pools)
			corrupt((void *)a, NULL, "free block on the wrong list for its arena");
		if (++n > r->nr_pages) {
			corrupt((void *)a, NULL, "free list loops");
			break;
		}
	}
	return n;
}

/* Walk a region's free lists against its counters. */
static void check_free_lists(struct mm_region *r)
{
	size_t pages = 0, n;
	unsigned int o;

	for (o = 0; o <= MAX_ORDER; o++) {
		n = check_free_list(r, &r->free_area[o], o, false);
		if (o < ARENA_ORDER)
			n += check_free_list(r, &r->pool_area[o], o, true);
		if (n != r->nr_free_blocks[o])
			corrupt((void *)r->base, NULL, "free block count disagrees with its list");
		pages += n << o;
	}
	if (pages != r->nr_free)
		corrupt((void *)r->base, NULL, "free page count disagrees with the free lists");
}

/* Walk a region's descriptors block by block; return pages in use. */
static size_t check_blocks(struct mm_region *r)
{
	size_t i = 0, j, n, used = 0;

	while (i < r->nr_pages) {
		struct page *pg = &r->pages[i];
		void *addr = page_address(r, pg);

		if (page_is_free(pg)) {
			n = (size_t)1 << pg->order;
			for (j = 1; j < n && i + j < r->nr_pages; j++)
				if (!page_is_none(&pg[j]) || page_slab(r, &pg[j]))
					corrupt(page_address(r, &pg[j]), NULL,
						"page inside a free block is in use");
		} else if (page_is_head(pg)) {
			n = page_block_pages(pg);
			for (j = 1; j < n && i + j < r->nr_pages; j++)
				if (!page_is_tail(&pg[j]) || pg[j].head != pg)
					corrupt(page_address(r, &pg[j]), NULL,
						"page of a block does not point to its head");
			if (page_is_slab(pg)) {
				if (pg->order != pg->pool.cache->order ||
				    pg->pool.bitmap != page_bits(r, pg))
					corrupt(addr, NULL, "pool header out of range");
				else
					check_pool(&pg->pool);
			}
			used += n;
		} else {
			corrupt(addr, NULL, "page belongs to no block");
			n = 1;
		}
		i += n ? n : 1;
	}
	return used;
}

/* The page allocator: free lists and descriptors of every region, against
 * their counters. */
static void validate_regions(void)
{
	struct mm_region *r;
	size_t used = 0;

	for_each_region(r) {
		check_free_lists(r);
		used += check_blocks(r);
	}
	if (used != mm_page_counters.used)
		corrupt(NULL, NULL, "pages in use disagree with the page counter");
}

#else /* !CONFIG_MM_PAGE_ALLOC */

/* The pool header in the run at @a, if a pool's pages point to one there. */
static struct slab *run_pool(const struct mm_region *r, uintptr_t a)
{
	uintptr_t payload = a + RUN_GRAIN;
	struct slab *slab;

	if (payload & (PAGE_SIZE - 1))
		return NULL;
	slab = r->slabs[(payload - r->base) >> PAGE_SHIFT];
	return slab != &mm_no_slab && slab_base(slab) == payload ? slab : NULL;
}

/* The runs of @r, run by run, and its free lists, against its counters. */
static size_t check_runs(struct mm_region *r)
{
	size_t used = 0, free = 0, nr_free = 0, runs = 0, size, page;
	bool prev_free = false;
	uintptr_t a;
	const struct run *run;
	struct slab *slab;
	unsigned int fl, sl;

	for (a = r->heap_start; a < r->heap_end; a += size) {
		run = (const struct run *)a;
		size = run_size(run);
		if (!run_of(r, (void *)(a + RUN_GRAIN)) || size > r->heap_end - a) {
			corrupt((void *)a, NULL, "run header does not check");
			return used;
		}
		if (!run_prev_free(run) != !prev_free)
			corrupt((void *)a, NULL,
				"run's RUN_PREV_FREE disagrees with the run before");
		runs++;
		if (run_is_free(run)) {
			if (prev_free)
				corrupt((void *)a, NULL, "two free runs next to each other");
			if (*(const uintptr_t *)(a + size - sizeof(uintptr_t)) != size)
				corrupt((void *)a, NULL, "free run's last word is not its size");
			free += size;
			nr_free++;
		} else {
			used += size;
			slab = run_pool(r, a);
			if (slab && size - (PAGE_SIZE << slab->cache->order) >= RUN_MIN)
				corrupt((void *)a, slab->cache, "pool run of the wrong size");
		}
		prev_free = run_is_free(run);
	}
	/* Every page that points to a pool lies in that pool's run. */
	for (page = 0; page < r->nr_pages; page++) {
		slab = r->slabs[page];
		if (slab == &mm_no_slab)
			continue;
		a = r->base + (page << PAGE_SHIFT);
		if (a < slab_base(slab) || a >= slab_base(slab) + (PAGE_SIZE << slab->cache->order))
			corrupt((void *)a, NULL, "page points to a pool it is not in");
	}
	for (fl = 0; fl < r->nr_fl; fl++) {
		for (sl = 0; sl < RUN_SL_COUNT; sl++) {
			const struct run *head = r->heads[fl * RUN_SL_COUNT + sl];
			size_t n = 0;

			if (!!head != !!(r->sl_map[fl] & (1u << sl)))
				corrupt(r->heads, NULL, "free list map disagrees with its list");
			for (run = head; run; run = run->next) {
				if (!run_of(r, (const char *)run + RUN_GRAIN) ||
				    !run_is_free(run)) {
					corrupt(run, NULL, "run on a free list is not free");
					break;
				}
				if (++n > nr_free) {
					corrupt(run, NULL, "free list loops");
					break;
				}
			}
		}
	}
	if (runs != r->nr_runs || free != r->free_bytes || nr_free != r->nr_free)
		corrupt((void *)r->heap_start, NULL, "runs disagree with the region's counts");
	return used;
}

/* The runs of every region, and the pools among them. */
static void validate_regions(void)
{
	struct mm_region *r;
	size_t used = 0, size;
	struct slab *slab;
	uintptr_t a;

	for_each_region(r) {
		used += check_runs(r);
		for (a = r->heap_start; a < r->heap_end; a += size) {
			size = run_size((const struct run *)a);
			if (!size)
				break;
			slab = run_pool(r, a);
			if (slab && !run_is_free((const struct run *)a))
				check_pool(slab);
		}
	}
	if (used != mm_page_counters.used)
		corrupt(NULL, NULL, "bytes in use disagree with the counter");
}

#endif /* CONFIG_MM_PAGE_ALLOC */

/* A pool on one of @s's lists must be one of its pools, in @state. */
static void check_list(struct kmem_cache *s, struct list_head *head, enum slab_state state,
		       unsigned long *pools)
{
	struct list_head *l;
	unsigned long n = 0;

	for (l = head->next; l != head; l = l->next) {
		struct slab *slab = container_of(l, struct slab, list);

		if (virt_to_slab((void *)slab_base(slab)) != slab || slab->cache != s ||
		    slab_state(slab) != state || (state == SLAB_EMPTY) != (slab->inuse == 0)) {
			corrupt(slab, s,
				state == SLAB_EMPTY ? "bad pool on the empty list"
						    : "bad pool on the partial list");
			break;
		}
		if (++n > s->nr_pools)
			break;
	}
	*pools = n;
}

struct pool_count {
	const struct kmem_cache *cache;
	unsigned long pools, live, quarantined;
};

static void count_pool(struct slab *slab, void *ctx)
{
	struct pool_count *count = ctx;

	if (slab->cache != count->cache)
		return;
	count->pools++;
	count->live += slab->inuse - slab_reserved(count->cache, slab);
	if (slab_is_quarantined(slab))
		count->quarantined++;
}

static void check_cache(struct kmem_cache *s)
{
	unsigned long pools, quarantined, live, partial, empty;
	struct pool_count count = { s, 0, 0, 0 };
	unsigned int cpu;

	for_each_pool(count_pool, &count);
	pools = count.pools;
	live = count.live;
	quarantined = count.quarantined;
	if (pools != s->nr_pools || quarantined != s->nr_quarantined)
		corrupt(s, s, "cache's pool count disagrees with its pools");
	if (live != cache_nr_active(s))
		corrupt(s, s, "cache's live object count disagrees with its pools");
	for_each_cpu(cpu)
	{
		const struct kmem_cache_cpu *c = &s->cpu[cpu];

		if (c->slab && (c->slab->cache != s || (slab_state(c->slab) != SLAB_ACTIVE &&
							!slab_is_quarantined(c->slab))))
			corrupt(c->slab, s, "active pool is not the cache's");
		if (!c->slab && (c->bits | c->held))
			corrupt(s, s, "reservation without an active pool");
		if (c->slab && (c->bits | c->held) &&
		    (c->word < c->slab->bitmap || c->word >= c->slab->bitmap + c->slab->fresh))
			corrupt(s, s, "reservation of a word outside the active pool");
		if (c->slab && cpus_with(s, c->slab) > 1)
			corrupt(c->slab, s, "a pool active on several CPUs");
	}
	check_list(s, &s->partial, SLAB_PARTIAL, &partial);
	check_list(s, &s->empty, SLAB_EMPTY, &empty);
	if (empty != s->nr_empty)
		corrupt(s, s, "empty pool count disagrees with the empty list");
}

int mm_validate(void)
{
	struct kmem_cache *s;

	mm_lock_all();
	problems = 0;
	validate_regions();
	if (slab_is_up)
		for_each_cache(s)
			check_cache(s);
	mm_unlock_all();
	return (int)problems;
}
