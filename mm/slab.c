// SPDX-License-Identifier: MIT
/*
 * mm/slab.c - object caches: pools of equal blocks cut from runs of pages.
 *
 * A cache takes its memory from the page allocator a pool at a time: a run of
 * 2^order pages inside an arena (page_alloc.c), aligned to its own size, whose
 * first page descriptor is the pool's header. Nothing is stored inside the
 * pool but the objects and, in free objects, the link to the next free one:
 *
 *   struct page (head)            the pool: PAGE_SIZE << order bytes
 *   +----------------+            +-------+-------+-------+-------+-----+----+
 *   | slab_cache   --+--> cache   | obj 0 | obj 1 | obj 2 | obj 3 | ... |tail|
 *   | freelist     --+-------+    +-------+-------+-------+-------+-----+----+
 *   | inuse  = 2     |       |     in use   free    in use  free    not yet
 *   | fresh  = 4     |       |              ^ |             ^       carved
 *   | order, PG_slab |       +--------------+ +-------------+
 *   +----------------+                        link: next free, or NULL
 *
 * A free object's link sits at s->offset: its first word, or just past the
 * object when the cache has a constructor (the link must not overwrite what
 * the constructor set up) or debug flags (layout in <mm/poison.h>). With
 * CONFIG_MM_HARDENED the stored link is
 *     next ^ s->secret ^ (address of the link),
 * so an overflow that writes a plausible pointer decodes to garbage, and a
 * decoded link must lie in the same pool as the object holding it.
 *
 * Objects are carved lazily, as CPython's obmalloc does: a new pool has a
 * batch of up to 16 objects on its free list; when the list would run dry,
 * the next batch of never-used objects (from index fresh) is carved and
 * becomes the list. So a pool costs O(1) to start, whatever its size, and the
 * free list is empty only when the pool is full. With CONFIG_MM_RANDOM a new pool is carved whole instead and
 * its objects linked in a random order (pool_shuffle()).
 *
 * Pool states, and where each pool is kept:
 *
 *                alloc: the free list runs dry
 *   active (s->active, on no list) ---------------> full (on no list)
 *      ^                                              |
 *      | the slow path takes the oldest partial       | free
 *      | pool, else an empty one, else a new one      v
 *   empty (s->empty) <---------------------------- partial (s->partial, tail: newest)
 *      at most CONFIG_MM_EMPTY_POOLS_KEPT;  free: inuse becomes 0
 *      beyond that the pages go back at once
 *
 * The active pool stays active until it is full, whatever its fill; so an
 * alloc/free pair on an idle cache touches no list. A full pool is on no list:
 * freeing into it puts it on the partial list.
 *
 * Invariants:
 * - pool freelist == NULL  <=>  inuse == objects (full)
 * - inuse == 0 and not active  =>  on s->empty (never on s->partial)
 * - s->nr_active == sum of inuse over the cache's pools
 * - s->active == NULL only before the first pool and after a shrink
 *
 * Context: every public call takes the port lock; the functions marked
 * "unlocked" in internal.h are called with it held.
 */
#include "internal.h"

LIST_HEAD_DEFINE(slab_caches);

/* Caches made by kmem_cache_create() take their descriptors from here. */
static struct kmem_cache kmem_cache_boot;

bool slab_is_up;

/* ---- pools ------------------------------------------------------------------------ */

/* Make a never-used object ready to be handed out. */
static void init_object(struct kmem_cache *s, void *obj)
{
	if (s->ctor) {
		vg_writable(obj, s->object_size);
		s->ctor(obj);
		vg_noaccess(obj, s->object_size);
	}
	if (cache_debug(s))
		debug_init_object(s, obj);
}

/* Objects pool_carve() carves at once: the fast path hands them out, and the
 * slow path comes back once per batch, not once per object. */
#define CARVE_BATCH 16

/*
 * pool_carve - carve up to CARVE_BATCH never-used objects of the pool holding
 * @near and link them in address order.
 * Return: the first of them (the last one's link is NULL); NULL when every
 * object of the pool is carved already.
 */
void *pool_carve(struct kmem_cache *s, struct page *pg, const void *near)
{
	uintptr_t base = pool_base(s, near);
	unsigned int first = pg->fresh, i;
	void *next = NULL;

	if (first >= s->objects)
		return NULL;
	i = s->objects - first < CARVE_BATCH ? s->objects : first + CARVE_BATCH;
	pg->fresh = (uint16_t)i;
	while (i-- > first) {
		void *obj = pool_object(s, base, i);

		init_object(s, obj);
		set_freepointer(s, obj, next);
		next = obj;
	}
	return next;
}

static unsigned int gcd(unsigned int a, unsigned int b)
{
	while (b) {
		unsigned int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * pool_shuffle - carve every object of a new pool at once and link them in a
 * random order (CONFIG_MM_RANDOM): object (start + k * step) mod n comes k-th,
 * with start and step drawn per pool and step prime to n. Return the list.
 */
static void *pool_shuffle(struct kmem_cache *s, struct page *pg, uintptr_t base)
{
	unsigned int n = s->objects, k, step, start;
	unsigned long r = mm_port_random();
	void *next = NULL;

	start = (unsigned int)(r % n);
	step = 1 + (unsigned int)((r >> 12) % n);
	while (gcd(step, n) != 1)
		step = step % n + 1;
	for (k = n; k-- > 0;) {
		void *obj =
			pool_object(s, base, (unsigned int)((start + (unsigned long)k * step) % n));

		init_object(s, obj);
		set_freepointer(s, obj, next);
		next = obj;
	}
	pg->fresh = (uint16_t)n;
	return next;
}

/* Take a new pool from the page allocator; NULL when out of pages. */
static struct page *new_pool(struct kmem_cache *s)
{
	void *addr = __get_free_pages(GFP_KERNEL | __GFP_POOL, s->order);
	struct page *pg;

	if (!addr)
		return NULL;
	pg = virt_to_page(addr);
	pg->state = PG_slab;
	pg->slab_cache = s;
	pg->inuse = 0;
	pg->fresh = 0;
	list_init(&pg->lru);
	vg_noaccess(addr, PAGE_SIZE << s->order);
	if (IS_ENABLED(CONFIG_MM_RANDOM))
		pg->freelist = pool_shuffle(s, pg, (uintptr_t)addr);
	else
		pg->freelist = pool_carve(s, pg, addr);
	s->nr_pools++;
	return pg;
}

/* Give an empty pool's pages back; @pg is on no list. */
static void discard_pool(struct kmem_cache *s, struct page *pg)
{
	MM_BUG_ON(pg->inuse != 0 || pg->state != PG_slab);
	pg->state = PG_large;
	pg->slab_cache = NULL;
	pg->freelist = NULL;
	s->nr_pools--;
	__free_pages(page_region(pg), pg, s->order);
}

/*
 * slab_alloc_slow - the active pool is full, or there is none. Unlocked.
 * Make a partial pool active, else a kept empty one, else a new one.
 */
void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t size, const void *caller)
{
	struct page *pg;

	if (unlikely(!slab_is_up))
		slab_up();
	if (!list_empty(&s->partial)) {
		pg = container_of(s->partial.next, struct page, lru);
		list_del(&pg->lru);
	} else if (!list_empty(&s->empty)) {
		pg = container_of(s->empty.next, struct page, lru);
		list_del(&pg->lru);
		s->nr_empty--;
	} else {
		pg = new_pool(s);
		if (!pg && slab_reclaim())
			pg = new_pool(s);
		if (!pg) {
			s->nr_failures++;
			return NULL;
		}
	}
	s->active = pg;
	return __slab_alloc(s, gfp, size, caller);
}

/*
 * slab_bad_freelist - a link decoded to an address outside its pool.
 *
 * Report it and treat the pool as full from here on: the objects behind the
 * bad link are never handed out; they come back to use when the pool's live
 * objects are all freed and the pool is given back.
 * Return: the pool's new free list (empty).
 */
void *slab_bad_freelist(struct kmem_cache *s, struct page *pg, void *obj, void *next,
			const void *caller)
{
	mm_report(MM_REPORT_BAD_FREELIST, next, obj, s, caller);
	pg->fresh = (uint16_t)s->objects;
	return NULL;
}

/* slab_free_slow - an object went back to @pg, which is not the active pool. */
void slab_free_slow(struct kmem_cache *s, struct page *pg, bool was_full)
{
	if (pg->inuse == 0) {
		if (!was_full)
			list_del(&pg->lru);
		if (s->nr_empty + 1 <= CONFIG_MM_EMPTY_POOLS_KEPT) {
			list_add(&pg->lru, &s->empty);
			s->nr_empty++;
		} else {
			discard_pool(s, pg);
		}
	} else if (was_full) {
		/* At the tail: the pools that went partial first have had the
		 * longest to gather free objects, so the slow path takes those. */
		list_add_tail(&pg->lru, &s->partial);
	}
}

/* slab_free_bad - @obj is not a live object's start: say which misuse it is. */
void slab_free_bad(struct kmem_cache *s, struct page *pg, void *obj, const void *caller)
{
	bool exact;
	unsigned int idx = obj_index(s, obj, &exact);

	if (obj == pg->freelist && cache_debug(s))
		debug_report(MM_REPORT_DOUBLE_FREE, s, obj, NULL, "freed twice in a row", caller);
	else if (obj == pg->freelist)
		mm_report(MM_REPORT_DOUBLE_FREE, obj, obj, s, caller);
	else if (idx < pg->fresh)
		mm_report(MM_REPORT_INTERIOR_FREE, obj, pool_object(s, pool_base(s, obj), idx), s,
			  caller);
	else
		mm_report(MM_REPORT_FOREIGN_FREE, obj, NULL, s, caller);
}

/* ---- cache set-up ------------------------------------------------------------------ */

static inline size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Largest pool order picked for a small tail waste; beyond it, only to fit. */
#define MM_POOL_MAX_ORDER 3

/*
 * pool_order - pages per pool, as an order, for objects of @size bytes.
 *
 * The smallest order from CONFIG_MM_POOL_MIN_ORDER that holds at least
 * CONFIG_MM_POOL_MIN_OBJECTS objects and leaves at most
 * 1/2^CONFIG_MM_POOL_WASTE_SHIFT of the pool unused. When no order up to
 * MM_POOL_MAX_ORDER does, the one there that wastes the smallest share, among
 * those holding CONFIG_MM_POOL_MIN_OBJECTS objects if any do; when not even
 * one object fits there, the smallest order that holds one. -1 when none up
 * to MAX_ORDER does.
 */
static int pool_order(size_t size, size_t align)
{
	unsigned int order, best = 0;
	size_t bytes, waste, best_waste = 0;
	bool found = false, enough, best_enough = false;

	for (order = CONFIG_MM_POOL_MIN_ORDER; order <= MAX_ORDER; order++) {
		bytes = PAGE_SIZE << order;
		if (bytes < size || bytes < align)
			continue;
		waste = bytes % size;
		enough = bytes / size >= CONFIG_MM_POOL_MIN_OBJECTS;
		if (enough && (waste << CONFIG_MM_POOL_WASTE_SHIFT) <= bytes)
			return (int)order;
		/* waste / bytes < best_waste / best_bytes, cross-multiplied */
		if (!found || (enough && !best_enough) ||
		    (enough == best_enough && (waste << best) < (best_waste << order))) {
			best = order;
			best_waste = waste;
			best_enough = enough;
			found = true;
		}
		if (order >= MM_POOL_MAX_ORDER)
			break;
	}
	return found ? (int)best : -1;
}

static size_t cache_align(size_t align, slab_flags_t flags)
{
	if (align < MM_MIN_ALIGN)
		align = MM_MIN_ALIGN;
	if ((flags & SLAB_HWCACHE_ALIGN) && align < MM_CACHE_LINE)
		align = MM_CACHE_LINE;
	return align;
}

/* The flags a cache really gets: debug ones only when compiled in, and never
 * poison with a constructor (it would destroy what the constructor built). */
static slab_flags_t cache_flags(slab_flags_t flags, bool ctor)
{
	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return flags & ~SLAB_DEBUG_FLAGS;
	flags |= mm_debug_flags;
	return ctor ? flags & ~SLAB_POISON : flags;
}

/* The inverse of odd @d modulo 2^bits of uintptr_t (Newton's iteration:
 * d * d = 1 mod 8, and each step doubles the correct low bits). */
static uintptr_t odd_inverse(uintptr_t d)
{
	uintptr_t inv = d;
	int i;

	for (i = 0; i < 5; i++)
		inv *= 2 - d * inv;
	return inv;
}

/* Left red zones up to this size; beyond it (large alignments) there is none. */
#define MM_RED_LEFT_MAX 64

/*
 * struct slot_layout - where things are in each object slot of a cache.
 * @stride: bytes from one slot to the next.
 * @offset: where the free-list link is, counted from the object.
 * @red_left: bytes of left red zone between the slot start and the object.
 *
 * Plain caches keep the link in the object's first word. With a constructor
 * it follows the object; with debug flags it follows the right red zone and
 * a struct mm_track follows it (the drawing is in <mm/poison.h>).
 */
struct slot_layout {
	size_t stride;
	unsigned int offset, red_left;
};

static struct slot_layout cache_layout(size_t size, size_t align, slab_flags_t flags, bool ctor)
{
	struct slot_layout l = { 0, 0, 0 };
	size_t area;

	if (flags & SLAB_DEBUG_FLAGS) {
		area = round_up(size, sizeof(void *));
		if (flags & SLAB_RED_ZONE) {
			l.red_left = align <= MM_RED_LEFT_MAX ? (unsigned int)align : 0;
			area += sizeof(void *);
		}
		l.offset = (unsigned int)area;
		l.stride = round_up(l.red_left + area + sizeof(void *) + sizeof(struct mm_track),
				    align);
	} else if (ctor) {
		l.offset = (unsigned int)round_up(size, sizeof(void *));
		l.stride = round_up(l.offset + sizeof(void *), align);
	} else {
		l.stride = round_up(size, align);
	}
	return l;
}

/**
 * kmem_cache_setup - fill in a cache descriptor and list it. Unlocked.
 *
 * The callers have checked the arguments with cache_fits().
 */
void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		      slab_flags_t flags, void (*ctor)(void *))
{
	struct slot_layout l;
	int order;

	flags = cache_flags(flags, ctor != NULL);
	align = cache_align(align, flags);
	l = cache_layout(size, align, flags, ctor != NULL);
	order = pool_order(l.stride, align);
	MM_BUG_ON(order < 0);

	mm_memset(s, 0, sizeof(*s)); /* not "*s = (struct ...){}": that may call memset() */
	s->active = NULL;
	s->size = (unsigned int)l.stride;
	s->offset = l.offset;
	s->red_left = l.red_left;
	s->secret = IS_ENABLED(CONFIG_MM_HARDENED) ? (uintptr_t)mm_port_random() : 0;
	s->pool_shift = PAGE_SHIFT + (unsigned int)order;
	s->pool_mask = ((uintptr_t)PAGE_SIZE << order) - 1;
	s->stride_shift = (unsigned int)__builtin_ctzl((unsigned long)l.stride);
	s->inverse = odd_inverse(l.stride >> s->stride_shift);
	s->objects = (unsigned int)((PAGE_SIZE << order) / l.stride);
	s->order = (unsigned int)order;
	s->object_size = (unsigned int)size;
	s->align = (unsigned int)align;
	s->flags = flags;
	s->ctor = ctor;
	s->name = name;
	if (s->objects > UINT16_MAX)
		s->objects = UINT16_MAX;
	list_init(&s->partial);
	list_init(&s->empty);
	list_add_tail(&s->list, &slab_caches);
}

/* Whether a cache of objects of @size aligned to @align can exist. */
static bool cache_fits(size_t size, size_t align, slab_flags_t flags, bool ctor)
{
	if (size == 0 || (align & (align - 1)) != 0)
		return false;
	if (size > (PAGE_SIZE << MAX_ORDER) || align > (PAGE_SIZE << MAX_ORDER))
		return false;
	flags = cache_flags(flags, ctor);
	align = cache_align(align, flags);
	return pool_order(cache_layout(size, align, flags, ctor).stride, align) >= 0;
}

/**
 * slab_up - set the slab layer up on first use. Unlocked; idempotent.
 */
void slab_up(void)
{
	if (slab_is_up)
		return;
	slab_is_up = true;
	kmem_cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0, 0, NULL);
	kmalloc_up();
}

/* ---- public API ---------------------------------------------------------------------- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (!name || !cache_fits(size, align, flags, ctor != NULL))
		return NULL;
	mm_lock();
	slab_up();
	s = slab_alloc(&kmem_cache_boot, GFP_KERNEL, sizeof(*s), _RET_IP_);
	if (s)
		kmem_cache_setup(s, name, size, align, flags, ctor);
	mm_unlock();
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	mm_lock();
	if (s->nr_active) {
		mm_report(MM_REPORT_CACHE_BUSY, s, NULL, s, _RET_IP_);
		mm_unlock();
		return;
	}
	__kmem_cache_shrink(s);
	MM_BUG_ON(s->nr_pools != 0 || !list_empty(&s->partial));
	list_del(&s->list);
	slab_free(&kmem_cache_boot, compound_head(virt_to_page(s)), s, _RET_IP_);
	mm_unlock();
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

size_t kmem_cache_size(const struct kmem_cache *s)
{
	if (cache_debug(s))
		return s->object_size;
	return s->ctor ? s->offset : s->size;
}

static __attribute__((noinline)) void *kmem_cache_alloc_slow(struct kmem_cache *s, gfp_t gfp,
							     const void *caller)
{
	void *obj;

	mm_lock();
	obj = slab_alloc(s, gfp, s->object_size, caller);
	mm_unlock();
	if (obj && (gfp & __GFP_ZERO))
		mm_memset(obj, 0, s->object_size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	void *obj;

	mm_lock();
	obj = slab_alloc_fast(s, s->object_size);
	mm_unlock();
	if (likely(obj) && likely(!(gfp & __GFP_ZERO)))
		return obj;
	if (obj) {
		mm_memset(obj, 0, s->object_size);
		return obj;
	}
	return kmem_cache_alloc_slow(s, gfp, _RET_IP_);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

static __attribute__((noinline)) void kmem_cache_free_slow(struct kmem_cache *s, void *obj,
							   const void *caller)
{
	struct page *pg;

	if (!obj)
		return;
	mm_lock();
	pg = virt_to_page(obj);
	if (pg)
		pg = compound_head(pg);
	if (!pg || pg->state != PG_slab)
		mm_report(MM_REPORT_FOREIGN_FREE, obj, NULL, s, caller);
	else if (pg->slab_cache != s)
		mm_report(MM_REPORT_WRONG_CACHE, obj, NULL, pg->slab_cache, caller);
	else
		slab_free(s, pg, obj, caller);
	mm_unlock();
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct page *pg;

	mm_lock();
	pg = first_region_pool(obj);
	if (likely(pg && pg->slab_cache == s) && likely(slab_free_fast(s, pg, obj))) {
		mm_unlock();
		return;
	}
	mm_unlock();
	kmem_cache_free_slow(s, obj, _RET_IP_);
}

/**
 * __kmem_cache_shrink - give back every empty pool of @s. Unlocked.
 * Return: the number of pools given back.
 */
int __kmem_cache_shrink(struct kmem_cache *s)
{
	struct page *pg;
	int n = 0;

	while (!list_empty(&s->empty)) {
		pg = container_of(s->empty.next, struct page, lru);
		list_del(&pg->lru);
		s->nr_empty--;
		discard_pool(s, pg);
		n++;
	}
	pg = s->active;
	if (pg && pg->inuse == 0) {
		s->active = NULL;
		discard_pool(s, pg);
		n++;
	}
	return n;
}

/**
 * slab_reclaim - give back the empty pools of every cache. Unlocked.
 *
 * Called when the page allocator has nothing left, before an allocation is
 * allowed to fail: pools kept for reuse never cost a failed allocation.
 * Return: whether any pages were given back.
 */
bool slab_reclaim(void)
{
	struct kmem_cache *s;
	int n = 0;

	if (slab_is_up)
		for_each_cache(s)
			n += __kmem_cache_shrink(s);
	return n > 0;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	int n;

	mm_lock();
	n = __kmem_cache_shrink(s);
	mm_unlock();
	return n;
}

void mm_shrink(void)
{
	mm_lock();
	slab_reclaim();
	mm_unlock();
}
