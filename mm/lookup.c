// SPDX-License-Identifier: MIT
/*
 * mm/lookup.c - what a pointer is to the allocator: the one lookup behind
 * every slow path that is handed a pointer (kfree, kmem_cache_free, ksize,
 * krealloc, mm_owns, free_pages, kmem_cache_destroy).
 *
 *   p --region?--> no: BLOCK_NONE (foreign)
 *     |
 *     +--> the page's pool header (region->slabs)? --> BLOCK_OBJECT
 *     |                           index = which object p falls in (a division),
 *     |                           live = p is its start and its free bit is clear
 *     +--> first page of its block is PG_large? --> BLOCK_PAGES
 *     |                           live = p is the block's first byte
 *     +--> a free page: BLOCK_NONE; a double free when it is the first page of
 *          a page-backed block freed before (PGF_FREED), else foreign
 *
 * The fast paths (mm/slab_fast.h) do the same for one case in one multiply;
 * everything they do not handle comes here.
 *
 * Context: called with the lock held. Time: O(regions).
 */
#include "internal.h"

void mm_lookup(const void *p, struct mm_block *b)
{
	uintptr_t a = (uintptr_t)p;
	struct mm_region *r = addr_to_region(a);
	struct page *pg, *head;
	struct kmem_cache *s;
	struct slab *slab;
	bool exact;

	mm_memset(b, 0, sizeof(*b));
	b->kind = BLOCK_NONE;
	b->why = MM_REPORT_FOREIGN_FREE;
	if (!r)
		return;
	b->region = r;
	pg = region_page(r, a);
	slab = page_slab(r, pg);
	if (slab) {
		b->kind = BLOCK_OBJECT;
		b->slab = slab;
		b->cache = s = slab->cache;
		b->page = slab_page(slab);
		b->index = obj_index(s, p, &exact);
		if (b->index >= slab_carved(s, b->slab))
			return; /* in the tail, or never handed out: foreign */
		b->start = pool_object(s, pool_base(s, p), b->index);
		if (!exact)
			b->why = MM_REPORT_INTERIOR_FREE;
		else if (slab_obj_free(s, b->slab, b->index))
			b->why = MM_REPORT_DOUBLE_FREE;
		else
			b->live = true;
		return;
	}
	head = compound_head(pg);
	if (page_is_large(head)) {
		b->kind = BLOCK_PAGES;
		b->page = head;
		b->start = page_address(r, head);
		if (p != b->start)
			b->why = MM_REPORT_INTERIOR_FREE;
		else
			b->live = true;
		return;
	}
	if ((pg->flags & PGF_FREED) && !(a & (PAGE_SIZE - 1)))
		b->why = MM_REPORT_DOUBLE_FREE;
}

size_t block_size(const struct mm_block *b)
{
	if (b->kind == BLOCK_OBJECT)
		return cache_debug(b->cache) ? debug_object_size(b->cache, b->start)
					     : kmem_cache_size(b->cache);
	if (b->kind == BLOCK_PAGES)
		return page_block_pages(b->page) << PAGE_SHIFT;
	return 0;
}
