// SPDX-License-Identifier: MIT
/*
 * mm/lookup.c - the regions, and what a pointer is to the allocator: the
 * table of regions with the checks every mm_add_region() makes (page_alloc.c
 * and runs.c lay a region out each their own way) and mm_nr_free_pages()
 * over them, and the one lookup behind
 * every slow path that is handed a pointer (kfree, kmem_cache_free, ksize,
 * krealloc, mm_owns, free_pages, kmem_cache_destroy).
 *
 *   p --region?--> no: BLOCK_NONE (foreign)
 *     |
 *     +--> the page's pool header (region->slabs)? --> BLOCK_OBJECT
 *     |                           index = which object p falls in (a division),
 *     |                           live = p is its start and its free bit is clear
 *     +--> lookup_block(), under the pools: a block of pages (page_alloc.c) or
 *          a run (runs.c) --> BLOCK_PAGES, live = p is the block's first byte;
 *          else BLOCK_NONE: a double free when p was such a block's start and
 *          was freed, else foreign
 *
 * The fast paths (mm/slab_fast.h) do the same for one case in one multiply;
 * everything they do not handle comes here.
 *
 * Context: called with the shared lock held, but region_meta_start(), which
 * takes no lock, and mm_nr_free_pages(), which takes it. Time: O(regions).
 */
#include "internal.h"

struct mm_region mm_regions[CONFIG_MM_MAX_REGIONS];
unsigned int mm_nr_regions;
struct mm_page_counters mm_page_counters;

uintptr_t region_meta_start(const void *start, size_t size)
{
	uintptr_t s = (uintptr_t)start, p;

	if (!start || size > UINTPTR_MAX - s)
		return 0;
	/* The first region keeps the allocator's own caches at its start. */
	p = align_state(s) + (mm_state ? 0 : mm_state_bytes());
	/* p < s: the start rounded up, or the state after it, wrapped past the top. */
	return p < s ? 0 : p;
}

int region_add(uintptr_t s, size_t size, struct mm_region **rp)
{
	struct mm_region *r;

	for_each_region(r)
		if (s < r->start + r->size && r->start < s + size)
			return -MM_EINVAL;
	if (mm_nr_regions == CONFIG_MM_MAX_REGIONS)
		return -MM_ENOSPC;
	if (!mm_state)
		mm_state = (struct mm_state *)align_state(s);
	r = &mm_regions[mm_nr_regions++];
	mm_memset(r, 0, sizeof(*r));
	r->start = s;
	r->size = size;
	*rp = r;
	return 0;
}

size_t mm_nr_free_pages(void)
{
	const struct mm_region *r;
	size_t bytes = 0;

	mm_lock();
	for_each_region(r)
		bytes += region_free_bytes(r);
	mm_unlock();
	return bytes >> PAGE_SHIFT;
}

void mm_lookup(const void *p, struct mm_block *b)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);
	struct kmem_cache *s;
	struct slab *slab;
	bool exact;

	/* Field by field: cheaper than mm_memset() on every slow free. */
	b->kind = BLOCK_NONE;
	b->live = false;
	b->kmalloc = false;
	b->why = MM_REPORT_FOREIGN_FREE;
	b->region = NULL;
	b->slab = NULL;
	b->cache = NULL;
	b->index = 0;
	b->order = 0;
	b->start = NULL;
	b->size = 0;
	b->head = NULL;
	if (!r)
		return;
	b->region = r;
	slab = virt_to_slab(p);
	if (slab) {
		b->kind = BLOCK_OBJECT;
		b->slab = slab;
		b->cache = s = slab->cache;
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
	lookup_block(r, p, b);
}

size_t block_size(const struct mm_block *b)
{
	if (b->kind == BLOCK_OBJECT)
		return cache_debug(b->cache) ? debug_object_size(b->cache, b->start)
					     : kmem_cache_size(b->cache);
	if (b->kind == BLOCK_PAGES)
		return b->size;
	return 0;
}
