// SPDX-License-Identifier: MIT
/*
 * mm/debug.c - the debug layer: red zones, poison, caller tracking, fault
 * injection and the leak report. Empty unless CONFIG_MM_DEBUG=1.
 *
 * A debug cache's slot (flags SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
 * byte values from <mm/poison.h>):
 *
 *   |<- red_left ->|<------ area = round_up(object_size, word) + word ------>|
 *   +--------------+--------------------------------+------------------------+-------+
 *   | left red     | object: [0, requested)          | right red zone         | track |
 *   | zone cc / bb | 5a.. new / 6b..6b a5 free       | [requested, area)      |       |
 *   +--------------+--------------------------------+------------------------+-------+
 *                  ^ obj                                                     ^ obj + s->offset
 *
 * While an object is free, the whole area but its last word is poison
 * (POISON_FREE, POISON_END last) and the last word is RED_INACTIVE; while it
 * is in use, [requested, area) is RED_ACTIVE, so every byte from the
 * request's end on is a red zone. Without SLAB_POISON the object bytes are
 * left alone; without SLAB_RED_ZONE there are no red zones. Whether an object
 * is free is never guessed from these bytes: the pool's free bits say it, in
 * every build (mm/slab.c), so a double free is caught however late and
 * whatever was written over the object.
 *
 * Context: called with the allocator lock held, from the alloc and free paths
 * of debug caches only (cache_debug()), and from mm_validate().
 */
#include <mm/debug.h>
#include <mm/poison.h>
#include "internal.h"

#if CONFIG_MM_DEBUG

unsigned long mm_fail_countdown;
slab_flags_t mm_debug_flags;
static unsigned long debug_serial; /* serial number of the last tracked event */

static inline struct mm_track *get_track(const struct kmem_cache *s, const void *obj)
{
	return (struct mm_track *)(void *)((char *)obj + s->offset);
}

/* Bytes from the object's start to the end of its area (the track follows). */
static inline size_t area_size(const struct kmem_cache *s)
{
	return s->offset;
}

static inline bool has(const struct kmem_cache *s, slab_flags_t flag)
{
	return (s->flags & flag) != 0;
}

/* The first byte in [p, p + n) that is not @c, or NULL. */
static const unsigned char *find_not(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return b + i;
	return NULL;
}

/* Report @kind for @obj, with its track, and count it. */
void debug_report(enum mm_report_kind kind, struct kmem_cache *s, void *obj, const void *bad,
		  const char *detail, const void *caller)
{
	const struct mm_track *t = get_track(s, obj);
	struct mm_report r;

	mm_report_init(&r, kind, obj, obj, s, caller);
	r.object_size = s->object_size;
	r.bad = bad;
	r.alloc_caller = t->alloc_caller;
	r.alloc_serial = t->alloc_serial;
	r.free_caller = t->free_caller;
	r.free_serial = t->free_serial;
	r.detail = detail;
	mm_report_send(&r);
}

/* Fill the object as free: poison and inactive red zones. */
static void set_free_patterns(struct kmem_cache *s, void *obj)
{
	unsigned char *o = obj;
	size_t area = area_size(s);

	if (has(s, SLAB_RED_ZONE)) {
		mm_memset(o - s->red_left, RED_INACTIVE, s->red_left);
		area -= sizeof(void *);
		mm_memset(o + area, RED_INACTIVE, sizeof(void *));
	}
	if (has(s, SLAB_POISON)) {
		mm_memset(o, POISON_FREE, area - 1);
		o[area - 1] = POISON_END;
	}
}

/*
 * Check a free object's patterns; report each damaged one (kind @kind_poison
 * for the object bytes) and rewrite it. Return the number of problems.
 */
static unsigned int check_free_patterns(struct kmem_cache *s, void *obj, const void *caller)
{
	unsigned char *o = obj;
	size_t area = area_size(s);
	const unsigned char *bad;
	unsigned int n = 0;

	if (has(s, SLAB_RED_ZONE)) {
		area -= sizeof(void *);
		bad = find_not(o - s->red_left, RED_INACTIVE, s->red_left);
		if (!bad)
			bad = find_not(o + area, RED_INACTIVE, sizeof(void *));
		if (bad) {
			debug_report(MM_REPORT_RED_ZONE, s, obj, bad,
				     "red zone of a free object overwritten", caller);
			n++;
		}
	}
	if (has(s, SLAB_POISON)) {
		bad = find_not(o, POISON_FREE, area - 1);
		if (!bad && o[area - 1] != POISON_END)
			bad = o + area - 1;
		if (bad) {
			debug_report(MM_REPORT_POISON, s, obj, bad, "freed object written to",
				     caller);
			n++;
		}
	}
	if (n)
		set_free_patterns(s, obj);
	return n;
}

/* Check a live object's red zones; report and rewrite them. Return problems. */
static unsigned int check_live_patterns(struct kmem_cache *s, void *obj, const void *caller)
{
	struct mm_track *t = get_track(s, obj);
	unsigned char *o = obj;
	const unsigned char *bad;

	if (!has(s, SLAB_RED_ZONE))
		return 0;
	bad = find_not(o + t->requested, RED_ACTIVE, area_size(s) - t->requested);
	if (!bad)
		bad = find_not(o - s->red_left, RED_ACTIVE, s->red_left);
	if (!bad)
		return 0;
	debug_report(MM_REPORT_RED_ZONE, s, obj, bad,
		     bad < o ? "write before the start of the object"
			     : "write past the end of the object",
		     caller);
	mm_memset(o - s->red_left, RED_ACTIVE, s->red_left);
	mm_memset(o + t->requested, RED_ACTIVE, area_size(s) - t->requested);
	return 1;
}

void debug_init_object(struct kmem_cache *s, void *obj)
{
	mm_memset(get_track(s, obj), 0, sizeof(struct mm_track));
	get_track(s, obj)->requested = s->object_size;
	set_free_patterns(s, obj);
}

void debug_alloc(struct kmem_cache *s, void *obj, size_t size, gfp_t gfp, const void *caller)
{
	struct mm_track *t = get_track(s, obj);
	unsigned char *o = obj;

	check_free_patterns(s, obj, caller);
	if (size > s->object_size)
		size = s->object_size;
	t->requested = size;
	if (has(s, SLAB_RED_ZONE)) {
		mm_memset(o - s->red_left, RED_ACTIVE, s->red_left);
		mm_memset(o + size, RED_ACTIVE, area_size(s) - size);
	}
	if (has(s, SLAB_POISON) && !(gfp & __GFP_ZERO))
		mm_memset(o, POISON_INUSE, size);
	if (has(s, SLAB_STORE_USER)) {
		t->alloc_caller = caller;
		t->alloc_serial = ++debug_serial;
	}
}

bool debug_free(struct kmem_cache *s, void *obj, const void *caller)
{
	struct mm_track *t = get_track(s, obj);

	check_live_patterns(s, obj, caller);
	set_free_patterns(s, obj);
	if (has(s, SLAB_STORE_USER)) {
		t->free_caller = caller;
		t->free_serial = ++debug_serial;
	}
	return true;
}

unsigned int debug_check_object(struct kmem_cache *s, void *obj, bool free)
{
	return free ? check_free_patterns(s, obj, NULL) : check_live_patterns(s, obj, NULL);
}

size_t debug_object_size(const struct kmem_cache *s, const void *obj)
{
	return get_track(s, obj)->requested;
}

bool mm_should_fail(void)
{
	return --mm_fail_countdown == 0;
}

void mm_fail_nth(unsigned long n)
{
	mm_lock();
	mm_fail_countdown = n;
	mm_unlock();
}

int mm_debug_enable(slab_flags_t flags)
{
	slab_flags_t old;
	int ret = 0;

	if (flags & ~SLAB_DEBUG_FLAGS)
		return -MM_EINVAL;
	mm_lock_all();
	old = mm_debug_flags;
	mm_debug_flags = flags;
	if (!slab_restart()) {
		mm_debug_flags = old;
		ret = -MM_EBUSY;
	}
	mm_unlock_all();
	return ret;
}

/* ---- the leak report ---------------------------------------------------------------- */

#define NR_LIVE_GROUPS 64
_Static_assert(NR_LIVE_GROUPS == 64, "<mm/debug.h> says mm_print_live() shows at most 64 groups");

struct live_group {
	const void *site; /* allocating caller, or NULL */
	const char *cache; /* cache name, or NULL for page-backed blocks */
	unsigned long objects;
	size_t bytes;
};

static struct live_group live_groups[NR_LIVE_GROUPS];
static unsigned int nr_live_groups;
static unsigned long live_dropped; /* objects that found no free group slot */

static void live_add(const void *site, const char *cache, unsigned long objects, size_t bytes)
{
	unsigned int i;

	for (i = 0; i < nr_live_groups; i++) {
		if (live_groups[i].site == site && live_groups[i].cache == cache) {
			live_groups[i].objects += objects;
			live_groups[i].bytes += bytes;
			return;
		}
	}
	if (nr_live_groups == NR_LIVE_GROUPS) {
		live_dropped += objects;
		return;
	}
	live_groups[nr_live_groups].site = site;
	live_groups[nr_live_groups].cache = cache;
	live_groups[nr_live_groups].objects = objects;
	live_groups[nr_live_groups].bytes = bytes;
	nr_live_groups++;
}

static void swap_groups(struct live_group *a, struct live_group *b)
{
	const void *site = a->site;
	const char *cache = a->cache;
	unsigned long objects = a->objects;
	size_t bytes = a->bytes;

	a->site = b->site;
	a->cache = b->cache;
	a->objects = b->objects;
	a->bytes = b->bytes;
	b->site = site;
	b->cache = cache;
	b->objects = objects;
	b->bytes = bytes;
}

static bool tracks_sites(const struct kmem_cache *s);

/* Group the live objects of one pool of a SLAB_STORE_USER cache by site. */
static void live_pool(struct slab *slab, void *ctx)
{
	struct kmem_cache *s = slab->cache;
	uintptr_t base = slab_base(slab);
	unsigned int i;

	(void)ctx;
	if (!tracks_sites(s))
		return;
	for (i = 0; i < slab_carved(s, slab); i++) {
		void *obj = pool_object(s, base, i);

		if (!slab_obj_free(s, slab, i))
			live_add(get_track(s, obj)->alloc_caller, s->name, 1,
				 debug_object_size(s, obj));
	}
}

/* One group for the large kmalloc blocks. */
static void live_large(const struct mm_block *b, void *ctx)
{
	(void)ctx;
	live_add(NULL, NULL, 1, b->size);
}

static bool tracks_sites(const struct kmem_cache *s)
{
	return has(s, SLAB_STORE_USER);
}

void mm_print_live(const struct mm_printer *p)
{
	unsigned int i, j;

	mm_lock_all();
	nr_live_groups = 0;
	live_dropped = 0;
	for_each_pool(live_pool, NULL);
	for_each_large(live_large, NULL);
	/* Caches without sites: one group each, straight from their counters. */
	if (slab_is_up) {
		struct kmem_cache *s;

		for_each_cache(s) {
			if (tracks_sites(s) || !cache_nr_active(s))
				continue;
			live_add(NULL, s->name, cache_nr_active(s),
				 cache_nr_active(s) * kmem_cache_size(s));
		}
	}
	/* Biggest first: an exchange sort of at most NR_LIVE_GROUPS entries,
	 * field by field (a struct copy may become a call to memcpy()). */
	for (i = 0; i < nr_live_groups; i++)
		for (j = i + 1; j < nr_live_groups; j++)
			if (live_groups[j].bytes > live_groups[i].bytes)
				swap_groups(&live_groups[i], &live_groups[j]);
	mm_unlock_all();

	mm_print_str(p, "     bytes   objects  site                cache\n");
	for (i = 0; i < nr_live_groups; i++) {
		const struct live_group *g = &live_groups[i];

		mm_print_num(p, g->bytes, 10, 10);
		mm_print_num(p, g->objects, 10, 10);
		mm_print_str(p, "  ");
		if (g->site) {
			int pad = 18 - 2 * (int)sizeof(void *);

			mm_print_num(p, (uintptr_t)g->site, 2 * (int)sizeof(void *), 16);
			while (pad-- > 0)
				mm_print_str(p, " ");
		} else {
			mm_print_str(p, g->cache ? "(no site)           " : "(pages)             ");
		}
		mm_print_str(p, g->cache ? g->cache : "page-backed kmalloc");
		mm_print_str(p, "\n");
	}
	if (live_dropped) {
		mm_print_num(p, live_dropped, 10, 10);
		mm_print_str(p, " more objects in groups beyond the first 64\n");
	}
}

#endif /* CONFIG_MM_DEBUG */
