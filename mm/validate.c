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

/* Objects the cache holds for handing out from @slab (its reservation). */
static unsigned int slab_reserved(const struct kmem_cache *s, const struct slab *slab)
{
	if (s->cpu.slab != slab)
		return 0;
	return (unsigned int)count_bits(s->cpu.bits | s->cpu.held);
}

/* Check a pool's header, bits and count; in debug caches every object's patterns. */
static void check_pool(struct mm_region *r, struct page *pg)
{
	struct slab *slab = &pg->pool;
	struct kmem_cache *s = slab->cache;
	uintptr_t base = (uintptr_t)page_address(r, pg);
	unsigned int i, carved, nfree;
	size_t j;

	if (!cache_known(s)) {
		corrupt((void *)base, NULL, "pool of an unknown cache");
		return;
	}
	for (j = 0; j < ((size_t)1 << s->order) && (size_t)(pg - r->pages) + j < r->nr_pages; j++)
		if (r->slabs[(size_t)(pg - r->pages) + j] != slab)
			corrupt(page_address(r, &pg[j]), s, "page of a pool does not point to it");
	if (pg->order != s->order || slab->fresh > s->words || slab->inuse > s->objects ||
	    (cache_slow_only(s) && slab->built > slab->fresh * BITS_PER_LONG) ||
	    slab_state(slab) > SLAB_QUARANTINED || slab->bitmap != page_bits(r, pg)) {
		corrupt((void *)base, s, "pool header out of range");
		return;
	}
	if (slab_state(slab) == SLAB_QUARANTINED)
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
				if (pg[j].state != PG_none || page_slab(r, &pg[j]))
					corrupt(page_address(r, &pg[j]), NULL,
						"page inside a free block is in use");
			break;
		case PG_slab:
		case PG_large:
			n = page_block_pages(pg);
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
static void check_list(struct kmem_cache *s, struct list_head *head, enum slab_state state,
		       unsigned long *pools)
{
	struct list_head *l;
	unsigned long n = 0;

	for (l = head->next; l != head; l = l->next) {
		struct slab *slab = container_of(l, struct slab, list);
		struct page *pg = slab_page(slab);

		if (!page_is_slab(pg) || virt_to_slab(page_address(page_region(pg), pg)) != slab ||
		    slab->cache != s || slab_state(slab) != state ||
		    (state == SLAB_EMPTY) != (slab->inuse == 0)) {
			corrupt(pg, s,
				state == SLAB_EMPTY ? "bad pool on the empty list"
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
	unsigned long pools = 0, quarantined = 0, live = 0, partial, empty;
	const struct kmem_cache_cpu *c = &s->cpu;
	struct mm_region *r;
	size_t i;

	for_each_region(r) {
		for (i = 0; i < r->nr_pages; i++) {
			const struct slab *slab = &r->pages[i].pool;

			if (!page_is_slab(&r->pages[i]) || slab->cache != s)
				continue;
			pools++;
			live += slab->inuse - slab_reserved(s, slab);
			if (slab_state(slab) == SLAB_QUARANTINED)
				quarantined++;
		}
	}
	if (pools != s->nr_pools || quarantined != s->nr_quarantined)
		corrupt(s, s, "cache's pool count disagrees with its pools");
	if (live != cache_nr_active(s))
		corrupt(s, s, "cache's live object count disagrees with its pools");
	if (c->slab && (c->slab->cache != s || slab_state(c->slab) != SLAB_ACTIVE))
		corrupt(c->slab, s, "active pool is not the cache's");
	if (!c->slab && (c->bits | c->held))
		corrupt(s, s, "reservation without an active pool");
	if (c->slab && (c->bits | c->held) &&
	    (c->word < c->slab->bitmap || c->word >= c->slab->bitmap + c->slab->fresh))
		corrupt(s, s, "reservation of a word outside the active pool");
	check_list(s, &s->partial, SLAB_PARTIAL, &partial);
	check_list(s, &s->empty, SLAB_EMPTY, &empty);
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
