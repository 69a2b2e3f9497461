// SPDX-License-Identifier: MIT
/*
 * mm/slab.c - object caches: pools of equal objects cut from runs of pages,
 * and every slow path of allocation and free.
 *
 * A cache takes its memory from the page allocator a pool at a time: a run of
 * 2^order pages inside an arena (page_alloc.c), aligned to its own size. The
 * pool's header (struct slab) is in the descriptor of its first page, and its
 * free bits, one per object, in the bit slot of that page: nothing but the
 * objects themselves is inside the pool, and nothing in a free object is read.
 *
 *   struct page (head)                the pool: PAGE_SIZE << order bytes
 *   +------------------+              +-------+-------+-------+-------+-----+----+
 *   | pool: cache  ----+--> cache     | obj 0 | obj 1 | obj 2 | obj 3 | ... |tail|
 *   |       bitmap ----+--+           +-------+-------+-------+-------+-----+----+
 *   |       inuse = 2  |  |            in use   free    in use  free
 *   |       fresh = 1  |  +--> bits:   0        1       0       1      (1 = free)
 *   +------------------+
 *   every page of the pool: region->slabs[page] = &head->pool
 *
 * Memory cost per pool: its page descriptors (in every region anyway), one
 * bit per object in the bit slots (PAGE_SIZE / MM_MIN_ALIGN bits per page,
 * reserved for every page of the region whether it holds a pool or not), and
 * the tail the stride leaves (at most 1/2^CONFIG_MM_POOL_WASTE_SHIFT).
 *
 * Bitmap words are started lazily: a new pool has no word started (fresh = 0)
 * and costs O(1); a refill that finds no free bit in the started words starts
 * the next one, all its objects free. Caches with a constructor or the debug
 * layer hand objects out in index order, so the objects never handed out are
 * those from slab->built on, and each is made ready (constructor, debug
 * patterns) on its first allocation, once: no path loops over objects.
 *
 * Allocation (mm/slab_fast.h) pops the cache's reservation: the free bits of
 * one word, copied out of its active pool by a refill. Their bits stay set in
 * the pool until each object is handed out, so any free of a free object,
 * reserved or not, finds its bit set: every double free is caught. A pool
 * counts reserved objects in inuse, as if handed out.
 *
 * Pool states (slab_state()), and where each pool is kept:
 *
 *                    refill finds no free bit and no word to start
 *   SLAB_ACTIVE (s->cpu.slab) -----------------------------> SLAB_FULL (no list)
 *      ^                                                          |
 *      | refill: the oldest partial pool, else an empty one,      | free
 *      | else a new one                                           v
 *   SLAB_EMPTY (s->empty) <-------------------------------- SLAB_PARTIAL (s->partial)
 *      at most CONFIG_MM_EMPTY_POOLS_KEPT;   free: inuse becomes 0
 *      beyond that the pages go back at once
 *
 *   SLAB_QUARANTINED (no list): a refill or free found its bits inconsistent
 *      (MM_REPORT_CORRUPT). Nothing is handed out of it again; its free objects
 *      are counted as lost (s->nr_lost) until its last live object is freed
 *      and the pool goes back to the page allocator.
 *
 * Invariants:
 * - inuse == objects of the started words whose bit is clear, plus the
 *   objects the reservation holds (active pool only)
 * - SLAB_EMPTY <=> inuse == 0 and on s->empty; SLAB_PARTIAL: 0 < inuse and a
 *   free bit or an unstarted word
 * - allocations less frees (s->cpu) == objects handed out, all pools
 *
 * Bounds: a refill looks at each started word of one pool at most once (at
 * most 32 words, with the default geometry at most 8), takes at most one pool
 * from a list or one new pool from the page allocator, and then starts at
 * most one word; a free changes at most one list. No path walks a list.
 *
 * Context: every public call takes its locks (mm/internal.h: locking); the
 * internals declared in internal.h are called with the locks each names held.
 */
#include "slab_fast.h"

LIST_HEAD_DEFINE(slab_caches);
struct mm_cpu mm_cpus[NR_CPUS];

/* The pool header of every page that is in no pool: its cache's geometry puts
 * any pointer at index 0, and its bound is 0, so every free misses the fast
 * path on it. */
static const struct kmem_cache no_cache = { .name = "none" };
const struct slab mm_no_slab_header = { .cache = (struct kmem_cache *)&no_cache };

bool slab_is_up;
struct mm_state *mm_state;

/* ---- pools ------------------------------------------------------------------------ */

/* The valid bits of bitmap word @w of a pool of @s. */
static unsigned long word_mask(const struct kmem_cache *s, unsigned int w)
{
	return w + 1 < s->words ? ~0ul : s->last_word_mask;
}

/* Objects whose bit is set in @slab: free ones, reserved ones included. */
unsigned int slab_free_count(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int w, n = 0;

	for (w = 0; w < slab->fresh && w < s->words; w++)
		n += count_bits(slab->bitmap[w] & word_mask(s, w));
	return n;
}

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

/* Bit reversal of a bit index: the bit order of CONFIG_MM_RANDOM (obj_bit()). */
#define REV1(x) \
	(((x)&1) << 5 | ((x)&2) << 3 | ((x)&4) << 1 | ((x)&8) >> 1 | ((x)&16) >> 3 | ((x)&32) >> 5)
#define REV(x) (BITS_PER_LONG == 64 ? REV1(x) : REV1(x) >> 1)
#define REV4(x) REV(x), REV((x) + 1), REV((x) + 2), REV((x) + 3)
#define REV16(x) REV4(x), REV4((x) + 4), REV4((x) + 8), REV4((x) + 12)
const uint8_t mm_bit_order[64] = { REV16(0), REV16(16), REV16(32), REV16(48) };

/* lowest_bit() without a count-trailing-zeros instruction: the bit whose
 * power of two, times MM_DE_BRUIJN, has its top 6 (or 5) bits at each index. */
const uint8_t mm_ctz_table[64] = {
#if __SIZEOF_LONG__ == 8
	0,  1,	48, 2,	57, 49, 28, 3,	61, 58, 50, 42, 38, 29, 17, 4,	62, 55, 59, 36, 53, 51,
	43, 22, 45, 39, 33, 30, 24, 18, 12, 5,	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
	44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,	13, 8,	7,  6,
#else
	0,  1,	28, 2,	29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4,  8,
	31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6,  11, 5,  10, 9,
#endif
};

static void quarantine(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab *slab,
		       const char *why);

/* Frees that may have set their bit but not yet lowered the count: one per
 * other CPU (each frees under its own lock). */
#define FREES_IN_FLIGHT (NR_CPUS - 1u)

/* The first started word of @slab with a free bit, from its cursor on, and
 * its bits in *@bits; -1 when none has one. Time: at most one look at each. */
static int find_free_word(const struct slab *slab, unsigned long *bits)
{
	unsigned int k, w = slab->cursor;

	for (k = 0; k < slab->fresh; k++, w = w + 1 < slab->fresh ? w + 1 : 0) {
		*bits = word_load(&slab->bitmap[w]);
		if (*bits)
			return (int)w;
	}
	return -1;
}

/*
 * reserve_word - make @bits, the free bits of word @w of @slab, the empty
 * reservation *@res of @c, whose active pool @slab is. They count in the
 * pool's count as if handed out, and in the cache's peak.
 * Return: false, and nothing changed, when they cannot be true: a bit for no
 * object, or more free objects than the count allows (corrupt bits).
 * Under cpu_lock() of @c's CPU.
 */
static bool reserve_word(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab *slab,
			 unsigned int w, unsigned long bits, unsigned long *res)
{
	unsigned int n = count_bits(bits);

	if (unlikely((bits & ~word_mask(s, w)) ||
		     READ_ONCE(slab->inuse) + n > slab_carved(s, slab) + FREES_IN_FLIGHT))
		return false;
	(void)count_add(&slab->inuse, n);
	counter_add(&c->nr_taken, n);
	slab->cursor = (uint8_t)w;
	c->word = &slab->bitmap[w];
	c->addr = c->base + (uintptr_t)w * BITS_PER_LONG * s->size + cache_red_left(s);
	*res = bits;
	peak_raise(&s->peak_active, cache_nr_taken(s));
	return true;
}

/*
 * slab_reserve - fill the empty reservation *@res from @slab: the first
 * started word with a free bit, from the cursor on (unless @scanned: the
 * caller found none), else a new word.
 * Return: false when the pool has no free object (or was quarantined).
 * Under cpu_lock() and the shared lock. Time: at most one look at each
 * started word.
 */
static bool slab_reserve(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab *slab,
			 unsigned long *res, bool scanned)
{
	unsigned long bits = 0;
	int w = scanned ? -1 : find_free_word(slab, &bits);

	if (w < 0) {
		if (slab->fresh >= s->words)
			return false;
		w = slab->fresh++;
		bits = slab->bitmap[w] = word_mask(s, (unsigned int)w);
		if (!cache_slow_only(s))
			WRITE_ONCE(slab->limit, slab_carved(s, slab));
	}
	if (reserve_word(s, c, slab, (unsigned int)w, bits, res))
		return true;
	quarantine(s, c, slab, "pool's free bits disagree with its count");
	return false;
}

/* A new pool for @s, from the memory under the pools; NULL when out of it. */
static struct slab *new_pool(struct kmem_cache *s)
{
	struct slab *slab = pool_alloc(s);

	if (!slab)
		return NULL;
	list_init(&slab->list);
	vg_noaccess((void *)slab_base(slab), pool_avail(s->order));
	s->nr_pools++;
	return slab;
}

/* Give the memory of an empty (or quarantined, now empty) pool back; it is on no list. */
static void discard_pool(struct kmem_cache *s, struct slab *slab)
{
	MM_BUG_ON(READ_ONCE(slab->inuse) != 0 || slab->cache != s);
	if (slab_is_quarantined(slab)) {
		s->nr_lost -= slab->lost;
		s->nr_quarantined--;
	}
	s->nr_pools--;
	pool_free(s, slab);
}

/* A pool with nothing handed out, on no list: keep it, or give it back. */
static void pool_emptied(struct kmem_cache *s, struct slab *slab)
{
	if (!slab_is_quarantined(slab) && s->nr_empty + 1 <= CONFIG_MM_EMPTY_POOLS_KEPT) {
		set_slab_state(slab, SLAB_EMPTY);
		list_add(&slab->list, &s->empty);
		s->nr_empty++;
	} else {
		discard_pool(s, slab);
	}
}

/* Drop @c's reservation and active pool; return how many objects it held
 * (still counted in the pool's count: the caller lowers it). */
static unsigned int reservation_drop(struct kmem_cache_cpu *c)
{
	unsigned int unused = (c->bits | c->held) ? count_bits(c->bits | c->held) : 0;

	c->bits = 0;
	c->held = 0;
	c->slab = NULL;
	counter_add(&c->nr_taken, -(unsigned long)unused);
	return unused;
}

/* Give the CPU part @c's reservation back to its active pool and let the pool
 * go to the list its fill says. Under c's CPU lock and the shared lock.
 * Time: O(1). */
static void deactivate(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct slab *slab = c->slab;
	unsigned int unused = reservation_drop(c), inuse;

	if (!slab)
		return;
	/* Other CPUs' frees may lower the count after this, but never to 0
	 * nor from full without the shared lock (count_dec_inside()). */
	inuse = count_add(&slab->inuse, -unused) - unused;
	if (slab_is_quarantined(slab)) {
		if (inuse == 0)
			discard_pool(s, slab);
	} else if (inuse == 0) {
		pool_emptied(s, slab);
	} else if (inuse < s->objects) {
		set_slab_state(slab, SLAB_PARTIAL);
		list_add_tail(&slab->list, &s->partial);
	} else {
		set_slab_state(slab, SLAB_FULL);
	}
}

/*
 * quarantine - the bits of @slab cannot be trusted: report it, hand nothing
 * out of it again, and count its free objects as lost. When it is @c's
 * active pool, @c drops it; another CPU's active pool is dropped at that
 * CPU's next refill. Under the shared lock (and c's CPU lock).
 */
static void quarantine(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab *slab,
		       const char *why)
{
	struct mm_report r;
	unsigned int lost, inuse;

	mm_report_init(&r, MM_REPORT_CORRUPT, (void *)slab_base(slab), NULL, s, NULL);
	r.detail = why;
	mm_report_send(&r);
	if (c && c->slab == slab) {
		(void)count_add(&slab->inuse, -reservation_drop(c));
	} else if (slab_state(slab) == SLAB_PARTIAL || slab_state(slab) == SLAB_EMPTY) {
		list_del(&slab->list);
		if (slab_state(slab) == SLAB_EMPTY)
			s->nr_empty--;
	}
	inuse = READ_ONCE(slab->inuse);
	lost = slab_carved(s, slab) > inuse ? slab_carved(s, slab) - inuse : 0;
	lost += s->objects - slab_carved(s, slab);
	slab->lost = (uint16_t)lost;
	s->nr_lost += slab->lost;
	s->nr_quarantined++;
	set_slab_state(slab, SLAB_QUARANTINED);
	WRITE_ONCE(slab->limit, 0);
	if (inuse == 0 && !slab_is_active(s, slab))
		discard_pool(s, slab);
}

/* The pool a cache allocates from next: the oldest partial one, else a kept
 * empty one, else a new one. NULL when out of memory. Under cpu_lock(@cpu)
 * and the shared lock. */
static struct slab *take_pool(struct kmem_cache *s, unsigned int cpu)
{
	struct slab *slab;

	if (!list_empty(&s->partial)) {
		slab = container_of(s->partial.next, struct slab, list);
		list_del(&slab->list);
	} else if (!list_empty(&s->empty)) {
		slab = container_of(s->empty.next, struct slab, list);
		list_del(&slab->list);
		s->nr_empty--;
	} else {
		slab = new_pool(s);
		if (!slab && slab_reclaim(cpu))
			slab = new_pool(s);
	}
	return slab;
}

/*
 * cache_refill - fill the empty reservation *@res: from the active pool
 * (only a new word of it when @scanned: the caller found no free bit in its
 * started ones), else from the next pool (the full active one goes to no
 * list).
 * Return: false when out of memory. Under cpu_lock() and the shared lock.
 */
static bool cache_refill(struct kmem_cache *s, struct kmem_cache_cpu *c, unsigned long *res,
			 bool scanned)
{
	struct slab *slab = c->slab;

	if (slab && !slab_is_quarantined(slab) && slab_reserve(s, c, slab, res, scanned))
		return true;
	if (c->slab)
		deactivate(s, c);
	for (;;) {
		slab = take_pool(s, (unsigned int)(c - s->cpu));
		if (!slab)
			return false;
		set_slab_state(slab, SLAB_ACTIVE);
		c->slab = slab;
		c->base = slab_base(slab);
		if (slab_reserve(s, c, slab, res, false))
			return true;
		/* A listed pool always has a free object: this one lied. */
		if (c->slab == slab)
			quarantine(s, c, slab, "pool on a list without a free object");
	}
}

/*
 * slab_refill - refill @cpu's fast reservation of plain cache @s, empty when
 * the caller looked (it may not be now: the caller dropped the lock between):
 * the fast paths' first resort. From the started words of its active pool
 * without the shared lock (only this CPU changes its active pool's cursor
 * and words started), else as cache_refill() does under it. A slow-path
 * cache, a failure to inject or no memory left are slab_alloc_slow()'s.
 * Return: whether the reservation is full again. Under cpu_lock(@cpu).
 */
bool slab_refill(struct kmem_cache *s, unsigned int cpu)
{
	struct kmem_cache_cpu *c = cache_cpu(s, cpu);
	struct slab *slab = c->slab;
	unsigned long bits;
	bool ok;
	int w;

	if (cache_slow_only(s) || (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown)))
		return false;
	if (c->bits)
		return true; /* refilled since the caller looked, by a thread or interrupt */
	if (slab && READ_ONCE(slab->limit)) {
		w = find_free_word(slab, &bits);
		if (w >= 0 && reserve_word(s, c, slab, (unsigned int)w, bits, &c->bits))
			return true;
	}
	shared_lock();
	ok = cache_refill(s, c, &c->bits, slab && READ_ONCE(slab->limit));
	shared_unlock();
	return ok;
}

/*
 * slab_alloc_slow - everything the fast path leaves: an empty reservation,
 * caches that allocate here only (constructor, debug layer), fault
 * injection. Under cpu_lock(@cpu) and the shared lock.
 */
void *slab_alloc_slow(struct kmem_cache *s, unsigned int cpu, gfp_t gfp, size_t size,
		      const void *caller)
{
	struct kmem_cache_cpu *c = cache_cpu(s, cpu);
	unsigned long *res = cache_slow_only(s) ? &c->held : &c->bits;
	unsigned int pos;
	void *obj;

	if (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown) && mm_should_fail()) {
		s->nr_failures++;
		return NULL;
	}
	if (!*res && !cache_refill(s, c, res, false)) {
		s->nr_failures++;
		return NULL;
	}
	if (!cache_slow_only(s)) { /* nothing to make ready: the fast path's pop */
		obj = reservation_pop(s, c, res);
		vg_alloc(obj, size, false);
		return obj;
	}
	/* Bit order: the bits before this one were all handed out before. */
	pos = (unsigned int)(c->word - c->slab->bitmap) * (unsigned int)BITS_PER_LONG +
	      lowest_bit(*res);
	obj = reservation_pop(s, c, res);
	if (pos >= c->slab->built) {
		init_object(s, obj);
		c->slab->built = (uint16_t)(pos + 1);
	}
	vg_alloc(obj, size, s->ctor != NULL);
	if (cache_debug(s))
		debug_alloc(s, obj, size, gfp, caller);
	return obj;
}

/*
 * slab_list_update - an object of @slab was freed: move the pool to the
 * list its fill now says. Under the shared lock (its state and list change
 * only under it; other CPUs' frees may lower its count, but not to 0). Time: O(1).
 */
static void slab_list_update(struct kmem_cache *s, struct slab *slab)
{
	unsigned int inuse = READ_ONCE(slab->inuse);

	switch (slab_state(slab)) {
	case SLAB_FULL:
		if (inuse == 0) {
			pool_emptied(s, slab);
		} else if (inuse < s->objects) {
			/* At the tail: the pools that went partial first have had
			 * the longest to gather free objects, so refills take those. */
			set_slab_state(slab, SLAB_PARTIAL);
			list_add_tail(&slab->list, &s->partial);
		}
		break;
	case SLAB_PARTIAL:
		if (inuse == 0) {
			list_del(&slab->list);
			pool_emptied(s, slab);
		}
		break;
	case SLAB_QUARANTINED:
		if (inuse == 0 && !slab_is_active(s, slab))
			discard_pool(s, slab);
		break;
	default: /* SLAB_ACTIVE stays; SLAB_EMPTY has nothing to free */
		break;
	}
}

/*
 * slab_freed - the end of a fast free whose pool empties or was full: lower
 * its count under the shared lock (nothing with one CPU) and move it to the
 * list its fill says.
 */
void slab_freed(struct slab *slab)
{
	shared_lock();
	(void)count_add(&slab->inuse, -1u);
	slab_list_update(slab->cache, slab);
	shared_unlock();
}

/* Report a free of @obj, in @slab, that is not a live object's start. */
static void free_bad(struct kmem_cache *s, struct slab *slab, void *obj, const void *caller)
{
	uintptr_t base = pool_base(s, obj);
	bool exact;
	unsigned int idx = obj_index(s, obj, &exact);

	if (idx >= slab_carved(s, slab))
		mm_report(MM_REPORT_FOREIGN_FREE, obj, NULL, s, caller);
	else if (!exact)
		mm_report(MM_REPORT_INTERIOR_FREE, obj, pool_object(s, base, idx), s, caller);
	else if (cache_debug(s))
		debug_report(MM_REPORT_DOUBLE_FREE, s, obj, NULL, "object is already free", caller);
	else
		mm_report(MM_REPORT_DOUBLE_FREE, obj, obj, s, caller);
}

/*
 * slab_free_slow - give @obj back to @slab of @s, with every check of the
 * fast path, the debug layer's and the change of list. Under cpu_lock(@cpu)
 * and the shared lock.
 */
void slab_free_slow(struct kmem_cache *s, struct slab *slab, void *obj, unsigned int cpu,
		    const void *caller)
{
	bool exact;
	unsigned int idx = obj_index(s, obj, &exact);

	if (slab == &mm_no_slab || !exact || idx >= slab_carved(s, slab) ||
	    slab_obj_free(s, slab, idx)) {
		free_bad(s, slab, obj, caller);
		return;
	}
	if (unlikely(READ_ONCE(slab->inuse) == 0)) {
		quarantine(s, cache_cpu(s, cpu), slab,
			   "free of a live object of a pool that counts none");
		return;
	}
	if (cache_debug(s) && !debug_free(s, obj, caller))
		return;
	vg_free(obj);
	word_test_and_set(&slab->bitmap[idx / BITS_PER_LONG],
			  obj_bit(s, idx % (unsigned int)BITS_PER_LONG));
	(void)count_add(&slab->inuse, -1u);
	counter_add(&cache_cpu(s, cpu)->nr_frees, 1);
	slab_list_update(s, slab);
}

/* ---- cache set-up ------------------------------------------------------------------ */

static inline size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Largest pool order picked for a small tail waste; beyond it, only to fit. */
#define MM_POOL_MAX_ORDER 3
_Static_assert(MM_POOL_MAX_ORDER == 3, "<mm/config.h> says a small tail is sought up to order 3");
_Static_assert(MM_MIN_ALIGN >= _Alignof(long long) && MM_MIN_ALIGN >= _Alignof(long double) &&
		       MM_MIN_ALIGN >= _Alignof(void *),
	       "<mm/types.h> says MM_MIN_ALIGN is enough for any scalar type");

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
		bytes = pool_avail(order);
		if (bytes < size || (PAGE_SIZE << order) < align)
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
	if ((flags & SLAB_HWCACHE_ALIGN) && align < CONFIG_MM_CACHE_LINE)
		align = CONFIG_MM_CACHE_LINE;
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
 * @offset: debug caches: where the debug record (struct mm_track) starts,
 *          counted from the object.
 * @red_left: bytes of left red zone between the slot start and the object.
 *
 * A plain cache's slot is its object rounded up to the alignment; a debug
 * cache adds red zones and the record (the drawing is in <mm/poison.h>).
 */
struct slot_layout {
	size_t stride;
	unsigned int offset, red_left;
};

static struct slot_layout cache_layout(size_t size, size_t align, slab_flags_t flags)
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
		l.stride = round_up(l.red_left + area + sizeof(struct mm_track), align);
	} else {
		l.stride = round_up(size, align);
	}
	return l;
}

/* Most objects a pool may hold: struct slab counts them in 16 bits, its
 * bitmap words in 8. Pools of up to MM_POOL_MAX_ORDER hold no more. */
#define SLAB_MAX_OBJECTS \
	(UINT8_MAX * BITS_PER_LONG < UINT16_MAX ? UINT8_MAX * BITS_PER_LONG : UINT16_MAX)
_Static_assert(POOL_AVAIL / MM_MIN_ALIGN <= SLAB_MAX_OBJECTS,
	       "CONFIG_MM_PAGE_SHIFT too large: a page of the smallest objects is more than "
	       "struct slab can count");

/**
 * kmem_cache_setup - fill in a cache descriptor and list it. Caller holds
 * the shared lock.
 *
 * The callers have checked the arguments with cache_fits().
 */
void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		      slab_flags_t flags, void (*ctor)(void *))
{
	struct slot_layout l;
	unsigned int tail, o;
	int order;

	flags = cache_flags(flags, ctor != NULL);
	align = cache_align(align, flags);
	l = cache_layout(size, align, flags);
	order = pool_order(l.stride, align);
	MM_BUG_ON(order < 0);

	mm_memset(s, 0, sizeof(*s)); /* not "*s = (struct ...){}": that may call memset() */
	s->size = (unsigned int)l.stride;
	s->offset = l.offset;
	s->red_left = l.red_left;
	s->pool_shift = PAGE_SHIFT + (unsigned int)order;
	s->pool_mask = ((uintptr_t)PAGE_SIZE << order) - 1;
	s->stride_shift = lowest_bit((unsigned long)l.stride);
	s->inverse = odd_inverse(l.stride >> s->stride_shift);
	s->objects = (unsigned int)(pool_avail((unsigned int)order) / l.stride);
	MM_BUG_ON(s->objects > SLAB_MAX_OBJECTS ||
		  s->objects > pool_max_objects((unsigned int)order) || !s->objects);
	s->objects_less_2 = s->objects - 2u;
	s->words = (s->objects + (unsigned int)BITS_PER_LONG - 1) / (unsigned int)BITS_PER_LONG;
	s->xor = IS_ENABLED(CONFIG_MM_RANDOM) ? (unsigned int)(mm_port_random() % BITS_PER_LONG)
					      : 0;
	tail = s->objects % (unsigned int)BITS_PER_LONG;
	s->last_word_mask = tail ? 0 : ~0ul;
	for (o = 0; o < tail; o++)
		s->last_word_mask |= 1ul << obj_bit(s, o);
	s->order = (unsigned int)order;
	s->object_size = (unsigned int)size;
	s->align = (unsigned int)align;
	s->flags = flags;
	s->ctor = ctor;
	s->name = name;
	s->magic = CACHE_MAGIC;
	list_init(&s->partial);
	list_init(&s->empty);
	list_add_tail(&s->list, &slab_caches);
}

/* Whether a cache of objects of @size aligned to @align can exist. */
static bool cache_fits(size_t size, size_t align, slab_flags_t flags, bool ctor)
{
	size_t stride;
	int order;

	if (size == 0 || (align & (align - 1)) != 0)
		return false;
	if (size > (PAGE_SIZE << MAX_ORDER) || align > (PAGE_SIZE << MAX_ORDER))
		return false;
	flags = cache_flags(flags, ctor);
	align = cache_align(align, flags);
	stride = cache_layout(size, align, flags).stride;
	order = pool_order(stride, align);
	/* struct slab counts objects in 16 bits and bitmap words in 8. */
	return order >= 0 && pool_avail((unsigned int)order) / stride <= SLAB_MAX_OBJECTS &&
	       pool_avail((unsigned int)order) / stride <= pool_max_objects((unsigned int)order);
}

/**
 * slab_up - set the slab layer up: the cache of cache descriptors and the
 * kmalloc classes. Called by the first mm_add_region() (or kmem_cache_create()
 * before any region). Caller holds the shared lock; idempotent.
 */
void slab_up(void)
{
	if (slab_is_up || !mm_state)
		return;
	slab_is_up = true;
	kmem_cache_setup(&mm_state->boot, "kmem_cache", sizeof(struct kmem_cache),
			 _Alignof(struct kmem_cache), SLAB_INTERNAL, NULL);
	kmalloc_up();
}

/**
 * slab_restart - set every cache up again, for new debug flags: only while no
 * cache holds a pool (so the only caches are the kmalloc classes and the
 * cache of cache descriptors). Caller holds every lock (mm_lock_all()).
 * Return: false, and nothing changed, when a cache holds a pool.
 */
bool slab_restart(void)
{
	struct kmem_cache *s;

	if (slab_is_up)
		for_each_cache(s)
			if (s->nr_pools)
				return false;
	list_init(&slab_caches);
	slab_is_up = false;
	slab_up();
	return true;
}

/* ---- public API ---------------------------------------------------------------------- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	struct kmem_cache *s = NULL;
	unsigned int cpu;

	if (!name || !cache_fits(size, align, flags, ctor != NULL))
		return NULL;
	cpu = cpu_lock();
	shared_lock();
	slab_up();
	if (slab_is_up)
		s = slab_alloc_slow(&mm_state->boot, cpu, GFP_KERNEL, sizeof(*s), _RET_IP_);
	if (s)
		kmem_cache_setup(s, name, size, align, flags & ~(SLAB_KMALLOC | SLAB_INTERNAL),
				 ctor);
	shared_unlock();
	cpu_unlock(cpu);
	return s;
}

/* Whether @s is a cache made by kmem_cache_create() and not destroyed. */
static bool cache_is_live(const struct kmem_cache *s)
{
	struct mm_block b;

	mm_lookup(s, &b);
	return b.kind == BLOCK_OBJECT && b.live && b.cache == &mm_state->boot &&
	       s->magic == CACHE_MAGIC;
}

/*
 * Drain every CPU's part of @s: their reservations back to their active
 * pools, which go to the lists their fill says. Takes each CPU's lock in
 * turn, then the shared one: the caller holds neither.
 */
static void cache_drain(struct kmem_cache *s)
{
	unsigned int cpu;

	for_each_cpu(cpu)
	{
		cpu_lock_of(cpu);
		shared_lock();
		deactivate(s, cache_cpu(s, cpu));
		shared_unlock();
		cpu_unlock(cpu);
	}
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct mm_report r;
	unsigned int cpu;
	bool live;

	if (!s)
		return;
	mm_lock();
	live = cache_is_live(s);
	mm_unlock();
	if (live)
		cache_drain(s);
	cpu = cpu_lock();
	shared_lock();
	if (!live || !cache_is_live(s)) {
		mm_report_init(&r, MM_REPORT_DOUBLE_FREE, s, NULL, NULL, _RET_IP_);
		r.detail = "kmem_cache_destroy() of a cache that does not exist (destroyed?)";
		mm_report_send(&r);
	} else if (cache_nr_active(s)) {
		mm_report(MM_REPORT_CACHE_BUSY, s, NULL, s, _RET_IP_);
	} else {
		__kmem_cache_shrink(s, cpu);
		MM_BUG_ON(s->nr_pools != s->nr_quarantined || !list_empty(&s->partial));
		list_del(&s->list);
		s->magic = 0;
		slab_free_slow(&mm_state->boot, virt_to_slab(s), s, cpu, _RET_IP_);
	}
	shared_unlock();
	cpu_unlock(cpu);
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

size_t kmem_cache_size(const struct kmem_cache *s)
{
	return cache_debug(s) ? s->object_size : s->size;
}

static __attribute__((noinline)) void *kmem_cache_alloc_slow(struct kmem_cache *s, gfp_t gfp,
							     const void *caller)
{
	unsigned int cpu = cpu_lock();
	void *obj;

	if (slab_refill(s, cpu)) {
		obj = slab_alloc_fast(s, cpu, s->object_size);
	} else {
		shared_lock();
		obj = slab_alloc_slow(s, cpu, gfp, s->object_size, caller);
		shared_unlock();
	}
	cpu_unlock(cpu);
	if (obj && (gfp & __GFP_ZERO))
		mm_memset(obj, 0, s->object_size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int cpu = cpu_lock();
	void *obj;

	if (likely(slab_alloc_ready(s, cpu))) {
		obj = slab_alloc_fast(s, cpu, s->object_size);
		cpu_unlock(cpu);
		if (unlikely(gfp & __GFP_ZERO))
			mm_memset(obj, 0, s->object_size);
		return obj;
	}
	cpu_unlock(cpu);
	return kmem_cache_alloc_slow(s, gfp, _RET_IP_);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

static __attribute__((noinline)) void kmem_cache_free_slow(struct kmem_cache *s, void *obj,
							   const void *caller)
{
	struct mm_block b;
	unsigned int cpu;

	if (!obj)
		return;
	cpu = cpu_lock();
	shared_lock();
	mm_lookup(obj, &b);
	if (b.kind != BLOCK_OBJECT)
		mm_report(MM_REPORT_FOREIGN_FREE, obj, NULL, s, caller);
	else if (b.cache != s)
		mm_report(MM_REPORT_WRONG_CACHE, obj, NULL, b.cache, caller);
	else
		slab_free_slow(s, b.slab, obj, cpu, caller);
	shared_unlock();
	cpu_unlock(cpu);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	unsigned int cpu = cpu_lock();
	struct slab *slab = virt_to_slab_fast(obj);

	if (likely(slab->cache == s) && likely(slab_free_fast(s, slab, obj, cpu))) {
		cpu_unlock(cpu);
		return;
	}
	cpu_unlock(cpu);
	kmem_cache_free_slow(s, obj, _RET_IP_);
}

/**
 * __kmem_cache_shrink - give @cpu's reservation of @s back and every empty
 * pool of @s to the memory under the pools. Under cpu_lock(@cpu) and the
 * shared lock (other CPUs' active pools stay theirs).
 * Return: the number of pools given back.
 */
int __kmem_cache_shrink(struct kmem_cache *s, unsigned int cpu)
{
	unsigned int before = s->nr_pools;
	struct slab *slab;

	deactivate(s, cache_cpu(s, cpu));
	while (!list_empty(&s->empty)) {
		slab = container_of(s->empty.next, struct slab, list);
		list_del(&slab->list);
		s->nr_empty--;
		discard_pool(s, slab);
	}
	return (int)(before - s->nr_pools);
}

/**
 * slab_reclaim - give back the empty pools of every cache, and @cpu's
 * reservations. Under cpu_lock(@cpu) and the shared lock.
 *
 * Called when the memory under the pools has nothing left, before an
 * allocation is allowed to fail: pools kept for reuse never cost a failed
 * allocation.
 * Return: whether any pools were given back.
 */
bool slab_reclaim(unsigned int cpu)
{
	struct kmem_cache *s;
	int n = 0;

	if (slab_is_up)
		for_each_cache(s)
			n += __kmem_cache_shrink(s, cpu);
	return n > 0;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned int cpu;
	int n;

	cache_drain(s);
	cpu = cpu_lock();
	shared_lock();
	n = __kmem_cache_shrink(s, cpu);
	shared_unlock();
	cpu_unlock(cpu);
	return n;
}

static void mm_cpu_drain_all(void);

void mm_shrink(void)
{
	unsigned int cpu;

	mm_cpu_drain_all();
	cpu = cpu_lock();
	shared_lock();
	slab_reclaim(cpu);
	shared_unlock();
	cpu_unlock(cpu);
}

void mm_cpu_drain(unsigned int cpu)
{
	struct kmem_cache *s;

	if (cpu >= NR_CPUS)
		return;
	cpu_lock_of(cpu);
	shared_lock();
	if (slab_is_up)
		for_each_cache(s)
			deactivate(s, cache_cpu(s, cpu));
	shared_unlock();
	cpu_unlock(cpu);
}

/* Drain every CPU in turn. */
static void mm_cpu_drain_all(void)
{
	unsigned int cpu;

	for_each_cpu(cpu) mm_cpu_drain(cpu);
}

void mm_freeze(void)
{
	mm_lock_all();
}

void mm_thaw(void)
{
	mm_unlock_all();
}
