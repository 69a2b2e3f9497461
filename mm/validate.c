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
 *     pools        a known cache; inuse <= fresh <= objects; the free list
 *                  has fresh - inuse entries, each a carved object's start
 *                  inside the pool, none twice (hardened links decoded);
 *                  debug caches: patterns of every free and live object
 *   for each cache  active pool, partial and empty lists hold its own pools
 *                  in the right states; pools and live objects add up
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

/* Enough bits for the objects of any pool of up to 8 pages of minimum-size
 * objects; a pool with more objects has its free list walked but not mapped. */
#define FREE_MAP_BITS ((PAGE_SIZE << (CONFIG_MM_POOL_MIN_ORDER + 3)) / MM_MIN_ALIGN)
#define BITS_PER_LONG (sizeof(unsigned long) * 8)

static unsigned long free_map[FREE_MAP_BITS / BITS_PER_LONG];

static inline bool test_and_set(unsigned int i)
{
	unsigned long bit = 1ul << (i % BITS_PER_LONG);
	bool was = (free_map[i / BITS_PER_LONG] & bit) != 0;

	free_map[i / BITS_PER_LONG] |= bit;
	return was;
}

static inline bool is_set(unsigned int i)
{
	return (free_map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1;
}

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

/*
 * pool_map_free - walk the free list of pool @pg, marking its objects in
 * free_map. Reports what is wrong with the list. Unlocked.
 * Return: whether free_map describes the pool (it has few enough objects).
 */
static bool pool_map_free(struct kmem_cache *s, struct page *pg)
{
	uintptr_t base = pool_base(s, page_address(page_region(pg), pg));
	bool mapped = s->objects <= FREE_MAP_BITS;
	unsigned int count = 0, idx;
	void *obj = pg->freelist;
	bool exact;

	if (mapped)
		mm_memset(free_map, 0,
			  (s->objects + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof(unsigned long));
	while (obj) {
		if (pool_base(s, obj) != base) {
			mm_report(MM_REPORT_BAD_FREELIST, obj, NULL, s, NULL);
			problems++;
			break;
		}
		idx = obj_index(s, obj, &exact);
		if (!exact || idx >= pg->fresh) {
			corrupt(obj, s, "free-list link to no carved object's start");
			break;
		}
		if (mapped && test_and_set(idx)) {
			corrupt(obj, s, "free-list loop: object listed twice");
			break;
		}
		if (++count > pg->fresh) {
			corrupt(obj, s, "free list longer than the pool");
			break;
		}
		obj = get_freepointer(s, obj);
	}
	if (!obj && count != (unsigned int)(pg->fresh - pg->inuse))
		corrupt((void *)base, s, "pool's inuse disagrees with its free list");
	return mapped;
}

static void check_pool(struct mm_region *r, struct page *pg)
{
	struct kmem_cache *s = pg->slab_cache;
	uintptr_t base = (uintptr_t)page_address(r, pg);
	unsigned int i;

	if (!cache_known(s)) {
		corrupt((void *)base, NULL, "pool of an unknown cache");
		return;
	}
	if (pg->order != s->order || pg->inuse > pg->fresh || pg->fresh > s->objects) {
		corrupt((void *)base, s, "pool header out of range");
		return;
	}
	if (!pool_map_free(s, pg) || !cache_debug(s))
		return;
	for (i = 0; i < pg->fresh; i++)
		problems += debug_check_object(s, pool_object(s, base, i), is_set(i));
}

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
		if (pg->state != PG_free || pg->order != o || (a & ((PAGE_SIZE << o) - 1)) ||
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

		switch (pg->state) {
		case PG_free:
			n = (size_t)1 << pg->order;
			for (j = 1; j < n && i + j < r->nr_pages; j++)
				if (pg[j].state != PG_none)
					corrupt(page_address(r, &pg[j]), NULL,
						"page inside a free block is in use");
			break;
		case PG_slab:
		case PG_large:
			n = pg->state == PG_large && page_is_exact(pg) ? page_nr_exact(pg)
								       : (size_t)1 << pg->order;
			for (j = 1; j < n && i + j < r->nr_pages; j++)
				if (pg[j].state != PG_tail || pg[j].head != pg)
					corrupt(page_address(r, &pg[j]), NULL,
						"page of a block does not point to its head");
			if (pg->state == PG_slab)
				check_pool(r, pg);
			used += n;
			break;
		default:
			corrupt(addr, NULL, "page belongs to no block");
			n = 1;
			break;
		}
		i += n ? n : 1;
	}
	return used;
}

/* A pool on one of @s's lists must be one of its pools, in @state. */
static void check_list(struct kmem_cache *s, struct list_head *head, bool empty,
		       unsigned long *pools)
{
	struct list_head *l;
	unsigned long n = 0;

	for (l = head->next; l != head; l = l->next) {
		struct page *pg = container_of(l, struct page, lru);

		if (pg->state != PG_slab || pg->slab_cache != s ||
		    (empty ? pg->inuse != 0 : pg->inuse == 0 || !pg->freelist)) {
			corrupt(pg, s,
				empty ? "bad pool on the empty list"
				      : "bad pool on the partial list");
			break;
		}
		if (++n > s->nr_pools)
			break;
	}
	*pools = n;
}

static void check_cache(struct kmem_cache *s)
{
	unsigned long pools = 0, active = 0, partial, empty;
	struct mm_region *r;
	size_t i;

	for_each_region(r) {
		for (i = 0; i < r->nr_pages; i++) {
			if (r->pages[i].state == PG_slab && r->pages[i].slab_cache == s) {
				pools++;
				active += r->pages[i].inuse;
			}
		}
	}
	if (pools != s->nr_pools)
		corrupt(s, s, "cache's pool count disagrees with its pools");
	if (active != s->nr_active)
		corrupt(s, s, "cache's live object count disagrees with its pools");
	if (s->active && (s->active->state != PG_slab || s->active->slab_cache != s))
		corrupt(s->active, s, "active pool is not the cache's");
	check_list(s, &s->partial, false, &partial);
	check_list(s, &s->empty, true, &empty);
	if (empty != s->nr_empty)
		corrupt(s, s, "empty pool count disagrees with the empty list");
}

int mm_validate(void)
{
	struct mm_region *r;
	struct kmem_cache *s;
	size_t used = 0;

	mm_lock();
	problems = 0;
	for_each_region(r) {
		check_free_lists(r);
		used += check_blocks(r);
	}
	if (used != mm_page_counters.used)
		corrupt(NULL, NULL, "pages in use disagree with the page counter");
	if (slab_is_up)
		for_each_cache(s)
			check_cache(s);
	mm_unlock();
	return (int)problems;
}
