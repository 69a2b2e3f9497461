// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_lookup.c - misuse of the pointers handed back to the
 * allocator, which the free fast path (mm/slab_fast.h) and mm/lookup.c
 * classify: late double frees, forged values written into freed objects,
 * one-byte overflows into free neighbours, kfree() of a cache handle, a second
 * kmem_cache_destroy(), krealloc() of a freed block; and a white-box proof
 * that every plain free takes the fast path (one lock call).
 *
 * Each test commits one misuse and checks the exact report (kind, count and
 * address), that every block handed out afterwards is where it may be (an
 * object start of its cache, aligned) and overlaps no live block (the live
 * map below), and that mm_validate() is clean.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "internal.h"
#include "helpers.h"

#define HEAP_SIZE (4u << 20)
#define NO_DEBUG (!CONFIG_MM_DEBUG)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the live map ------------------------------------------------------------------ */

/*
 * One owner per 8 bytes of the heap: 0 when free, FREED_VICTIM for a block a
 * test freed and means to free again (nothing may be handed out over it),
 * else 1 + the id of the live block. claim() fails a test on any overlap.
 */
#define GRANULE 8
#define FREED_VICTIM UINT32_MAX
static uint32_t *owner;
static uint32_t next_id;

static void heap_4m(void)
{
	setup_heap(HEAP_SIZE);
	owner = calloc(HEAP_SIZE / GRANULE, sizeof(*owner));
	cr_assert_not_null(owner);
}

static void heap_4m_debug(void)
{
	heap_4m();
	if (CONFIG_MM_DEBUG)
		cr_assert_eq(mm_debug_enable(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER), 0);
}

TestSuite(lookup, .init = heap_4m);
TestSuite(lookup_debug, .init = heap_4m_debug);

/* The live map's entries for [@p, @p + @n), which must lie in the heap's pages. */
static uint32_t *granules(const void *p, size_t n, size_t *count)
{
	const struct mm_region *r = &mm_regions[0];
	uintptr_t a = (uintptr_t)p, heap = (uintptr_t)test_heap(HEAP_SIZE);

	cr_assert(n && region_has(r, a) && region_has(r, a + n - 1),
		  "block %p of %zu bytes is outside the heap's pages", p, n);
	*count = (a + n - 1) / GRANULE - a / GRANULE + 1;
	return &owner[(a - heap) / GRANULE];
}

/* Mark [@p, @p + @n) as @id; each granule must be free. */
static void mark(const void *p, size_t n, uint32_t id)
{
	size_t i, count;
	uint32_t *g = granules(p, n, &count);

	for (i = 0; i < count; i++) {
		cr_assert(g[i] == 0, "block %p (%zu bytes) overlaps %s at byte %zu", p, n,
			  g[i] == FREED_VICTIM ? "a freed block about to be freed again"
					       : "a live block",
			  i * GRANULE);
		g[i] = id;
	}
}

/* A new block of @n usable bytes at @p: it overlaps no live block. */
static void claim(const void *p, size_t n)
{
	cr_assert_not_null(p, "allocation failed");
	mark(p, n, ++next_id);
}

/* The block at @p of @n bytes is no longer live. */
static void release(const void *p, size_t n)
{
	size_t i, count;
	uint32_t *g = granules(p, n, &count);

	for (i = 0; i < count; i++)
		g[i] = 0;
}

/* Whether any live (or victim) block covers @p. */
static bool is_claimed(const void *p)
{
	size_t count;

	return *granules(p, 1, &count) != 0;
}

/* The cache whose pool holds @p; @p must be in one. */
static struct kmem_cache *cache_of(const void *p)
{
	struct slab *slab = virt_to_slab(p);

	cr_assert_not_null(slab, "%p is in no pool", p);
	return slab->cache;
}

/* @p is the start of an object of @s, in one of its pools, aligned as @s promises. */
static void assert_object_of(const struct kmem_cache *s, const void *p)
{
	bool exact;
	unsigned int idx;

	cr_assert_eq(cache_of(p), s, "%p is in a pool of %s, not of %s", p, cache_of(p)->name,
		     s->name);
	idx = obj_index(s, p, &exact);
	cr_assert(exact && idx < s->objects, "%p is not an object start of %s", p, s->name);
	cr_assert_eq((uintptr_t)p % s->align, 0, "%p is not aligned to %u", p, s->align);
}

/*
 * The alignment <mm/slab.h> promises a kmalloc block above the classes: a
 * page with the page allocator; without it the block is a run, aligned to
 * MM_MIN_ALIGN only.
 */
static size_t large_align(void)
{
	return IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? PAGE_SIZE : MM_MIN_ALIGN;
}

/*
 * The report for a free of a pointer the allocator never handed out that lies
 * in a region but in no pool and no live block. With the page allocator it is
 * foreign. Without it the region is one heap of runs, and a pointer into it
 * that is no run's payload (its header does not check) is an interior one.
 */
static enum mm_report_kind never_handed_out_report(void)
{
	return IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? MM_REPORT_FOREIGN_FREE : MM_REPORT_INTERIOR_FREE;
}

/* @p is what kmalloc() handed out above the classes: the start of a live block
 * of its own (pages, or a run), aligned as promised. */
static void assert_large_block(const void *p)
{
	struct mm_block b;

	cr_assert_not_null(p, "allocation failed");
	mm_lookup(p, &b);
	cr_assert(b.kind == BLOCK_PAGES && b.live && b.kmalloc && b.start == p,
		  "%p is no live kmalloc block of its own", p);
	cr_assert_eq((uintptr_t)p % large_align(), 0, "%p is not aligned to %zu", p, large_align());
}

/* A new object of @s at @p: an object start, overlapping no live block. */
static void take(const struct kmem_cache *s, void *p)
{
	cr_assert_not_null(p, "allocation from %s failed", s->name);
	assert_object_of(s, p);
	claim(p, kmem_cache_size(s));
}

/* The live object @p of @s is freed: release it, then free it. */
static void give(struct kmem_cache *s, void *p)
{
	release(p, kmem_cache_size(s));
	kmem_cache_free(s, p);
}

/* Exactly one report since @before reports: @kind, about @addr. */
static void expect_one_report(unsigned int before, enum mm_report_kind kind, const void *addr)
{
	const struct mm_report *r = &recorded_reports[before];

	cr_assert_eq(nr_recorded_reports, before + 1, "%u reports, not 1",
		     nr_recorded_reports - before);
	cr_assert_lt(before, MAX_RECORDED_REPORTS);
	cr_assert_eq(r->kind, kind, "a report of %s, not of %s", mm_report_kind_name(r->kind),
		     mm_report_kind_name(kind));
	cr_assert_eq(r->addr, addr, "the report is about %p, not %p", r->addr, addr);
}

/* ---- a seeded random source (BARESLAB_SEED replays a run) ------------------------------- */

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* ---- late double frees ------------------------------------------------------------- */

/*
 * Traffic between a free and the double free of a victim: allocations and
 * frees in a working set of the victim's class that never fills its active
 * pool (so the cache never goes back to the victim's pool, and the victim
 * stays free), and, when @others, in other classes and page-backed blocks.
 */
#define TRAFFIC_MAX 64
struct traffic {
	struct kmem_cache *s; /* the victims' class */
	unsigned int max_same; /* working set of that class: less than a pool */
	void *same[TRAFFIC_MAX];
	unsigned int nr_same;
	void *other[TRAFFIC_MAX];
	size_t other_size[TRAFFIC_MAX];
	unsigned int nr_other;
	bool others;
	unsigned int step;
};

/* Sizes of the other traffic: classes no test below uses for victims, and pages.
 * (Not 300: without the page allocator it is in the largest class, a victims'.) */
static const size_t other_sizes[] = { 40, 200, 2000, 3 * PAGE_SIZE + 5 };

static void traffic_op(struct traffic *t)
{
	unsigned int k = t->step++;
	void *p;
	size_t n;

	switch (t->others ? k % 4 : k % 2) {
	case 0: /* the victims' class: allocate, or free the oldest when the set is full */
		if (t->nr_same < t->max_same) {
			p = kmalloc(t->s->object_size, GFP_KERNEL);
			take(t->s, p);
			t->same[t->nr_same++] = p;
			break;
		}
		/* fall through */
	case 1:
		if (t->nr_same) {
			unsigned int i = k % t->nr_same;

			p = t->same[i];
			t->same[i] = t->same[--t->nr_same];
			release(p, kmem_cache_size(t->s));
			kfree(p);
		}
		break;
	case 2: /* another class, or pages */
		if (t->nr_other < TRAFFIC_MAX) {
			n = other_sizes[k / 4 % ARRAY_SIZE(other_sizes)];
			p = kmalloc(n, GFP_KERNEL);
			claim(p, n);
			cr_assert(!virt_to_slab(p) || cache_of(p) != t->s,
				  "other traffic in the victims' class %s", t->s->name);
			t->other_size[t->nr_other] = n;
			t->other[t->nr_other++] = p;
		}
		break;
	default:
		if (t->nr_other && k % 3) {
			unsigned int i = k % t->nr_other;

			release(t->other[i], t->other_size[i]);
			kfree(t->other[i]);
			t->nr_other--;
			t->other[i] = t->other[t->nr_other];
			t->other_size[i] = t->other_size[t->nr_other];
		}
		break;
	}
}

static void traffic_end(struct traffic *t)
{
	while (t->nr_same) {
		release(t->same[--t->nr_same], kmem_cache_size(t->s));
		kfree(t->same[t->nr_same]);
	}
	while (t->nr_other) {
		t->nr_other--;
		release(t->other[t->nr_other], t->other_size[t->nr_other]);
		kfree(t->other[t->nr_other]);
	}
}

static const unsigned int delays[] = { 0, 1, 2, 10, 100, 1000 };

/* Victims taken from each victims' pool of @s: three, or one less than the
 * pool holds, so that one object of each stays live and its pool never empties. */
static unsigned int victims_per_pool(const struct kmem_cache *s)
{
	return s->objects > 3 ? 3 : s->objects - 1;
}

/* Victim @d among @held, the objects of the victims' pools in the order handed out. */
static void *victim(const struct kmem_cache *s, void **held, unsigned int d)
{
	unsigned int per_pool = victims_per_pool(s);

	return held[d / per_pool * s->objects + d % per_pool];
}

/*
 * A late double free of an object of the kmalloc class of @size: fill the
 * victims' pools, free a victim of one, let delays[d] operations pass, free
 * it again.
 */
static void late_double_frees_in_class(size_t size)
{
	struct traffic t = { 0 };
	struct kmem_cache *s;
	void **held;
	unsigned int i, d, n, pools, before, reports0 = nr_recorded_reports;
	void *v;

	held = calloc(2 * PAGE_SIZE, sizeof(*held));
	held[0] = kmalloc(size, GFP_KERNEL);
	s = cache_of(held[0]);
	take(s, held[0]);
	cr_assert_geq(s->objects, 2, "%s: a victim per pool leaves one live", s->name);
	/* Two pools (three when a pool holds three objects), every object of
	 * them handed out: the victims' pools. The next pool is the active
	 * one, where the traffic goes. */
	pools = (ARRAY_SIZE(delays) + victims_per_pool(s) - 1) / victims_per_pool(s);
	n = pools * s->objects;
	cr_assert_lt(n, 2 * PAGE_SIZE);
	for (i = 1; i < n; i++) {
		held[i] = kmalloc(size, GFP_KERNEL);
		take(s, held[i]);
	}
	cr_assert_eq(s->nr_pools, pools, "%s: %u pools for %u objects", s->name, pools, n);
	/* One more pool, active before any victim is freed: the traffic's. It
	 * holds this object and at most half a pool more, so it never fills,
	 * and the cache never takes the victims' pools from its partial list. */
	held[n] = kmalloc(size, GFP_KERNEL);
	take(s, held[n]);
	cr_assert_eq(s->nr_pools, pools + 1);
	t.s = s;
	t.max_same = s->objects / 2;
	t.others = true;
	for (d = 0; d < ARRAY_SIZE(delays); d++) {
		/* Victims 0-2 from the first pool's blocks, 3-5 from the second's
		 * (two from each of three pools of three objects). */
		v = victim(s, held, d);
		release(v, kmem_cache_size(s));
		mark(v, kmem_cache_size(s), FREED_VICTIM);
		kfree(v);
		for (i = 0; i < delays[d]; i++)
			traffic_op(&t);
		before = nr_recorded_reports;
		kfree(v);
		expect_one_report(before, MM_REPORT_DOUBLE_FREE, v);
		cr_assert_eq(mm_validate(), 0, "%s, double free after %u operations", s->name,
			     delays[d]);
	}
	traffic_end(&t);
	cr_assert_eq(nr_recorded_reports, reports0 + ARRAY_SIZE(delays),
		     "one report per double free");
	/* The victims stayed free: each is handed out again, once, as the pools fill. */
	for (i = 0; i < s->objects + ARRAY_SIZE(delays); i++) {
		void *p = kmalloc(size, GFP_KERNEL);

		cr_assert_not_null(p);
		assert_object_of(s, p);
		for (d = 0; d < ARRAY_SIZE(delays); d++)
			if (p == victim(s, held, d))
				release(p, kmem_cache_size(s)); /* a victim back: no longer held */
		claim(p, kmem_cache_size(s));
	}
	cr_assert_eq(mm_validate(), 0);
	free(held);
}

/*
 * A late double free of a block kmalloc(@size) takes above the classes
 * (pages, or a run): free it, let delays[d] operations pass, free it again.
 */
static void late_double_frees_of_large(size_t size)
{
	struct traffic t = { 0 };
	unsigned int d, i, before, reports0 = nr_recorded_reports;
	size_t free_pages_before;
	void *v, *warm;

	/* Traffic in one pool only, warmed up first, so that no page is taken
	 * from the page allocator while the victim is free: its pages stay free. */
	warm = kmalloc(64, GFP_KERNEL);
	t.s = cache_of(warm);
	take(t.s, warm);
	t.max_same = t.s->objects / 2;
	for (d = 0; d < ARRAY_SIZE(delays); d++) {
		v = kmalloc(size, GFP_KERNEL);
		assert_large_block(v);
		claim(v, size);
		release(v, size);
		mark(v, size, FREED_VICTIM);
		kfree(v);
		free_pages_before = mm_nr_free_pages();
		for (i = 0; i < delays[d]; i++)
			traffic_op(&t);
		before = nr_recorded_reports;
		kfree(v);
		expect_one_report(before, MM_REPORT_DOUBLE_FREE, v);
		cr_assert_eq(mm_nr_free_pages(), free_pages_before, "the double free freed pages");
		cr_assert_eq(mm_validate(), 0, "double free after %u operations", delays[d]);
		release(v, size);
	}
	traffic_end(&t);
	cr_assert_eq(nr_recorded_reports, reports0 + ARRAY_SIZE(delays));
}

/* A late double free of what kmalloc(@size) hands out: an object of a class,
 * or above the classes a block of its own. */
static void late_double_frees(size_t size)
{
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		late_double_frees_in_class(size);
	else
		late_double_frees_of_large(size);
}

Test(lookup, late_double_free_of_a_small_object_is_reported_once)
{
	late_double_frees(16);
	late_double_frees(64);
}

/* Without the page allocator 1024 bytes is above the classes: a run. */
Test(lookup, late_double_free_of_a_mid_sized_object_is_reported_once)
{
	late_double_frees(96);
	late_double_frees(192);
	late_double_frees(1024);
}

/* Without the page allocator a page is a run, and the largest class holds
 * three objects a pool. */
Test(lookup, late_double_free_of_a_page_sized_object_is_reported_once)
{
	/* The class first: the run's test leaves a pool of kmalloc-64. */
	late_double_frees(KMALLOC_MAX_CACHE_SIZE);
	late_double_frees(PAGE_SIZE);
}

Test(lookup, late_double_free_of_a_page_backed_block_is_reported_once)
{
	late_double_frees_of_large(3 * PAGE_SIZE + 100);
}

Test(lookup, second_free_of_page_allocator_blocks_is_a_double_free)
{
	void *pages = get_free_pages(GFP_KERNEL, 2);
	void *exact = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);
	size_t free0;

	claim(pages, PAGE_SIZE << 2);
	claim(exact, 5 * PAGE_SIZE);
	release(pages, PAGE_SIZE << 2);
	free_pages(pages, 2);
	release(exact, 5 * PAGE_SIZE);
	free_pages_exact(exact, 5 * PAGE_SIZE);
	free0 = mm_nr_free_pages();
	free_pages(pages, 2);
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, pages);
	free_pages_exact(exact, 5 * PAGE_SIZE);
	expect_one_report(1, MM_REPORT_DOUBLE_FREE, exact);
	cr_assert_eq(mm_nr_free_pages(), free0);
	cr_assert_eq(mm_validate(), 0);
	claim(kmalloc(5 * PAGE_SIZE, GFP_KERNEL), 5 * PAGE_SIZE);
	claim(get_free_pages(GFP_KERNEL, 2), PAGE_SIZE << 2);
	cr_assert_eq(nr_recorded_reports, 2);
}

/*
 * Large blocks freed next to each other, each after the one before it, then
 * the first: every free merges with a free neighbour (without the page
 * allocator, the free run before swallows the next block's run and header).
 * A second free of each is one double free report and changes nothing.
 */
Test(lookup, second_free_of_large_blocks_merged_on_free_is_a_double_free)
{
	enum {
		N = 5
	};
	size_t size = 2 * PAGE_SIZE + 100, free0;
	void *p[N];
	unsigned int i;

	for (i = 0; i < N; i++) {
		p[i] = kmalloc(size, GFP_KERNEL);
		assert_large_block(p[i]);
		claim(p[i], size);
		fill(p[i], size, i);
	}
	/* p[N - 1] stays live: the freed ones merge with each other only. */
	for (i = 1; i < N - 1; i++) {
		release(p[i], size);
		kfree(p[i]);
	}
	release(p[0], size);
	kfree(p[0]);
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_validate(), 0);
	free0 = mm_nr_free_pages();
	for (i = 0; i < N - 1; i++) {
		kfree(p[i]);
		expect_one_report(i, MM_REPORT_DOUBLE_FREE, p[i]);
		cr_assert_eq(mm_nr_free_pages(), free0, "the double free of %p freed pages", p[i]);
		cr_assert_eq(mm_validate(), 0);
	}
	/* Nothing is handed out over the live block, nor twice. */
	for (i = 0; i < N - 1; i++) {
		void *q = kmalloc(size, GFP_KERNEL);

		assert_large_block(q);
		claim(q, size);
	}
	cr_assert(holds(p[N - 1], size, N - 1), "the live block was written");
	cr_assert_eq(nr_recorded_reports, N - 1);
	cr_assert_eq(mm_validate(), 0);
}

/* A reserved object (the cache holds it to hand out) is free: freeing it is a double free. */
Test(lookup, double_free_of_a_reserved_object_is_reported_and_it_comes_out_once)
{
	struct kmem_cache *s = kmem_cache_create("reserve", 48, 0, 0, NULL);
	void *p[1024], *x, *y, *got, *reserved;
	unsigned int n = 0, i;

	/* Empty the reservation, so that the next allocation refills it. */
	do {
		p[n] = kmem_cache_alloc(s, GFP_KERNEL);
		take(s, p[n]);
		n++;
	} while (s->cpu[0].bits);
	/* Two objects of the active pool freed: the refill reserves both. */
	x = p[n - 1];
	y = p[n - 2];
	give(s, x);
	give(s, y);
	got = kmem_cache_alloc(s, GFP_KERNEL);
	take(s, got);
	cr_assert(got == x || got == y, "the refill hands out one of the freed objects");
	cr_assert_eq(count_bits(s->cpu[0].bits), 1, "the other one is reserved");
	reserved = got == x ? y : x;
	kmem_cache_free(s, reserved);
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, reserved);
	cr_assert_eq(mm_validate(), 0);
	/* It is handed out once, then never again while it lives. */
	for (i = 0; i < 2 * s->objects; i++) {
		void *q = kmem_cache_alloc(s, GFP_KERNEL);

		take(s, q);
		cr_assert(i == 0 || q != reserved);
		if (i == 0)
			cr_assert_eq(q, reserved, "the reserved object comes next");
	}
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_validate(), 0);
}

/*
 * A long random run of kmalloc and kfree with late double frees mixed in:
 * no block is ever handed out over a live one (the live map), each double
 * free is reported once, live blocks keep their contents, and the heap
 * validates clean throughout and is whole at the end.
 */
Test(lookup, random_run_with_late_double_frees_hands_nothing_out_twice)
{
	enum {
		SLOTS = 2048,
		OPS = 1000000,
		NR_FREED = 64,
	};
	static void *blk[SLOTS];
	static size_t len[SLOTS];
	static struct {
		void *p;
		struct kmem_cache *s; /* NULL when page-backed */
	} freed[NR_FREED];
	size_t free0 = mm_nr_free_pages();
	unsigned long op, nr_double = 0, nr_page_double = 0;
	unsigned int i, k;

	seed_rng("lookup/random_run_with_late_double_frees_hands_nothing_out_twice");
	for (op = 0; op < OPS; op++) {
		unsigned int r = rnd_below(100);

		if (r < 8) {
			/* A late double free of a recently freed block, while nothing
			 * took its place (else it would free someone else's block). */
			k = rnd_below(NR_FREED);
			if (!freed[k].p || is_claimed(freed[k].p))
				continue;
			if (freed[k].s) {
				struct slab *slab = virt_to_slab(freed[k].p);
				bool exact;
				unsigned int idx;

				if (!slab || slab->cache != freed[k].s)
					continue; /* its pool went back: no longer its cache's */
				idx = obj_index(freed[k].s, freed[k].p, &exact);
				cr_assert(exact);
				nr_recorded_reports = 0;
				kfree(freed[k].p);
				/* A pool that went back and came again has not handed the
				 * object out yet: a pointer it never gave, not a double free. */
				expect_one_report(0,
						  idx < slab_carved(freed[k].s, slab)
							  ? MM_REPORT_DOUBLE_FREE
							  : MM_REPORT_FOREIGN_FREE,
						  freed[k].p);
				nr_double++;
			} else {
				struct mm_block b;

				mm_lookup(freed[k].p, &b);
				if (b.kind != BLOCK_NONE)
					continue; /* its first page is in a block again */
				nr_recorded_reports = 0;
				kfree(freed[k].p);
				/* Exactly one report. A double free, unless what tells
				 * the block was freed was overwritten in between: with
				 * the page allocator the state of its first page, which
				 * was a pool's whose pool went back; without it, its
				 * run header, which lay in another block (a pool that
				 * went back, or a block that ended short of the
				 * pointer). Then the allocator cannot tell it from a
				 * pointer it never handed out. */
				cr_assert_eq(nr_recorded_reports, 1, "seed replay: op %lu", op);
				cr_assert(recorded_reports[0].kind == MM_REPORT_DOUBLE_FREE ||
						  recorded_reports[0].kind ==
							  never_handed_out_report(),
					  "op %lu: %s", op,
					  mm_report_kind_name(recorded_reports[0].kind));
				nr_page_double++;
			}
			continue;
		}
		i = rnd_below(SLOTS);
		if (blk[i]) {
			cr_assert(holds(blk[i], len[i], i), "op %lu: block %p lost its contents",
				  op, blk[i]);
			release(blk[i], len[i]);
			k = rnd_below(NR_FREED);
			freed[k].p = blk[i];
			freed[k].s = virt_to_slab(blk[i]) ? cache_of(blk[i]) : NULL;
			kfree(blk[i]);
			blk[i] = NULL;
		} else {
			r = rnd_below(100);
			len[i] = r < 60	  ? 1 + rnd_below(128)
				 : r < 90 ? 129 + rnd_below(896)
				 : r < 98 ? 1025 + rnd_below((unsigned int)PAGE_SIZE)
					  : KMALLOC_MAX_CACHE_SIZE + 1 + rnd_below(4 * PAGE_SIZE);
			blk[i] = kmalloc(len[i], GFP_KERNEL);
			cr_assert_not_null(blk[i], "op %lu: kmalloc(%zu) failed", op, len[i]);
			if (virt_to_slab(blk[i]))
				assert_object_of(cache_of(blk[i]), blk[i]);
			else
				assert_large_block(blk[i]);
			len[i] = ksize(blk[i]);
			claim(blk[i], len[i]);
			fill(blk[i], len[i], i);
		}
		if (op % 50000 == 0)
			cr_assert_eq(mm_validate(), 0, "op %lu", op);
	}
	cr_assert_gt(nr_double, OPS / 100, "only %lu late double frees of objects", nr_double);
	cr_assert_gt(nr_page_double, 0, "no late double free of a page-backed block");
	cr_assert_eq(mm_validate(), 0);
	nr_recorded_reports = 0;
	for (i = 0; i < SLOTS; i++) {
		if (blk[i]) {
			cr_assert(holds(blk[i], len[i], i));
			kfree(blk[i]);
		}
	}
	mm_shrink();
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_nr_free_pages(), free0, "pages lost");
	cr_assert_eq(mm_validate(), 0);
}

/* ---- forged values in freed objects ------------------------------------------------- */

/* What a use-after-free (or an overflow) writes over the first words of freed objects. */
enum forged {
	FORGED_BOUNDARY, /* the start of another object of the same pool */
	FORGED_MISALIGNED, /* an address inside the pool, between object starts */
	FORGED_LIVE, /* a live object */
	FORGED_STATIC, /* a static buffer */
	FORGED_BYTE_FLIPPED, /* the next object's address with one byte flipped */
	FORGED_ZERO,
	FORGED_ONES,
};

static char forged_target[256] __attribute__((aligned(64)));

static uintptr_t forged_value(enum forged kind, struct kmem_cache *s, void *obj, void *live)
{
	uintptr_t base = pool_base(s, obj);
	bool exact;
	unsigned int next = (obj_index(s, obj, &exact) + 1) % s->objects;

	switch (kind) {
	case FORGED_BOUNDARY:
		return (uintptr_t)pool_object(s, base, next);
	case FORGED_MISALIGNED:
		return (uintptr_t)pool_object(s, base, next) + s->size / 2 + 1;
	case FORGED_LIVE:
		return (uintptr_t)live;
	case FORGED_STATIC:
		return (uintptr_t)forged_target;
	case FORGED_BYTE_FLIPPED:
		return (uintptr_t)pool_object(s, base, next) ^ ((uintptr_t)0xff << 8);
	case FORGED_ZERO:
		return 0;
	case FORGED_ONES:
		break;
	}
	return ~(uintptr_t)0;
}

/*
 * Scatter free objects over three pools of @s, write @kind into the first
 * four words of each, then allocate three pools' worth: nothing is reported,
 * every object is an object start of @s that overlaps no live block, and
 * the heap validates clean.
 */
static void forge_in_cache(struct kmem_cache *s, enum forged kind)
{
	unsigned int n = 2 * s->objects + s->objects / 2, i, w;
	void **p = calloc(n, sizeof(*p));
	void *live;

	for (i = 0; i < n; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		take(s, p[i]);
	}
	live = p[1];
	for (i = 2; i < n; i += 2) {
		give(s, p[i]);
		for (w = 0; w < 4 && (w + 1) * sizeof(uintptr_t) <= kmem_cache_size(s); w++)
			((uintptr_t *)p[i])[w] = forged_value(kind, s, p[i], live);
		p[i] = NULL;
	}
	cr_assert_eq(mm_validate(), 0, "%s: the forged words are no metadata", s->name);
	for (i = 0; i < 3 * s->objects; i++) {
		void *q = kmem_cache_alloc(s, GFP_KERNEL);

		take(s, q);
		cr_assert(q < (void *)forged_target || q >= (void *)(forged_target + 256));
	}
	cr_assert_eq(nr_recorded_reports, 0, "%s: %u reports", s->name, nr_recorded_reports);
	cr_assert_eq(mm_validate(), 0);
	free(p);
}

static void forge(enum forged kind)
{
	struct kmem_cache *user = kmem_cache_create("forge", 96, 0, 0, NULL);
	void *k = kmalloc(64, GFP_KERNEL);
	struct kmem_cache *kmalloc64 = cache_of(k);

	take(kmalloc64, k);
	forge_in_cache(kmalloc64, kind);
	forge_in_cache(user, kind);
}

Test(lookup, a_forged_object_boundary_in_freed_objects_forges_nothing)
{
	forge(FORGED_BOUNDARY);
}

Test(lookup, a_forged_misaligned_pointer_in_freed_objects_forges_nothing)
{
	forge(FORGED_MISALIGNED);
}

Test(lookup, a_forged_pointer_to_a_live_object_in_freed_objects_forges_nothing)
{
	forge(FORGED_LIVE);
}

Test(lookup, a_forged_pointer_to_a_static_buffer_in_freed_objects_forges_nothing)
{
	forge(FORGED_STATIC);
}

Test(lookup, a_byte_flipped_pointer_in_freed_objects_forges_nothing)
{
	forge(FORGED_BYTE_FLIPPED);
}

Test(lookup, all_zero_words_in_freed_objects_forge_nothing)
{
	forge(FORGED_ZERO);
}

Test(lookup, all_ones_words_in_freed_objects_forge_nothing)
{
	forge(FORGED_ONES);
}

/* ---- overflows into free neighbours ---------------------------------------------------- */

/* A cache of @size-byte objects whose first pool is full: its objects in @p, by index. */
static struct kmem_cache *full_cache(const char *name, size_t size, void **p)
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);
	unsigned int i;
	uintptr_t base;
	bool exact;

	cr_assert_not_null(s);
	for (i = 0; i < s->objects; i++) {
		void *q = kmem_cache_alloc(s, GFP_KERNEL);

		take(s, q);
		p[obj_index(s, q, &exact)] = q;
	}
	base = pool_base(s, p[0]);
	for (i = 0; i < s->objects; i++)
		cr_assert_eq(p[i], pool_object(s, base, i), "one pool holds them all");
	return s;
}

Test(lookup, a_one_byte_overflow_into_a_free_neighbour_forges_nothing)
{
	void *p[PAGE_SIZE / 64];
	struct kmem_cache *s = full_cache("overflow", 64, p);
	unsigned int i = s->objects / 2, k;
	unsigned char *victim = p[i];

	/* Free an object, then its neighbour; overflow the live one before them. */
	give(s, p[i + 1]);
	give(s, p[i + 2]);
	memset(victim, 0x5a, 65);
	for (k = 0; k < 2 * s->objects + 2; k++)
		take(s, kmem_cache_alloc(s, GFP_KERNEL));
	for (k = 0; k < 64; k++)
		cr_assert_eq(victim[k], 0x5a, "the allocator wrote into a live object");
	cr_assert_eq(nr_recorded_reports, 0, "nothing to report: no metadata was written");
	cr_assert_eq(mm_validate(), 0);
}

Test(lookup, a_one_byte_write_at_any_offset_of_a_freed_object_forges_nothing)
{
	static const unsigned char values[] = { 0x00, 0xff, 0x01, 0x80, 0x5a };
	void *p[PAGE_SIZE / 64];
	struct kmem_cache *s = full_cache("scribble", 64, p);
	unsigned int off;

	for (off = 0; off < 64; off++) {
		unsigned int i = off * 7 % s->objects;
		unsigned char *freed = p[i];
		void *q;

		give(s, freed);
		freed[off] = values[off % ARRAY_SIZE(values)];
		/* The only free object of the only pool comes back, and nothing else. */
		q = kmem_cache_alloc(s, GFP_KERNEL);
		take(s, q);
		cr_assert_eq(q, freed, "offset %u", off);
		cr_assert_eq(s->nr_pools, 1);
	}
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_validate(), 0);
}

/* With the debug layer the same overflow is a red zone report, at the free. */
Test(lookup_debug, a_one_byte_overflow_is_one_red_zone_report, .disabled = NO_DEBUG)
{
	struct kmem_cache *s;
	unsigned char *live;
	struct slab *slab;
	unsigned int i, idx;
	bool exact;

	/* A live object whose next object in the pool is free. */
	for (;;) {
		live = kmalloc(64, GFP_KERNEL);
		s = cache_of(live);
		take(s, live);
		slab = virt_to_slab(live);
		idx = obj_index(s, live, &exact);
		if (idx + 1 < slab_carved(s, slab) && slab_obj_free(s, slab, idx + 1))
			break;
	}
	cr_assert(s->flags & SLAB_RED_ZONE);
	live[ksize(live)] = 0x11;
	release(live, kmem_cache_size(s));
	kfree(live);
	expect_one_report(0, MM_REPORT_RED_ZONE, live);
	cr_assert_eq(recorded_reports[0].bad, live + 64);
	/* Its neighbour comes back among these, with its poison intact. */
	for (i = 0; i < 2 * s->objects; i++)
		take(s, kmalloc(64, GFP_KERNEL));
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 1, "nothing reached the free neighbour");
}

/* ---- cache handles ----------------------------------------------------------------- */

Test(lookup, kfree_of_a_cache_handle_is_refused_as_wrong_cache)
{
	struct kmem_cache *s = kmem_cache_create("handle", 56, 0, 0, NULL);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *b;

	take(s, a);
	kfree(s);
	expect_one_report(0, MM_REPORT_WRONG_CACHE, s);
	cr_assert_eq(mm_validate(), 0);
	/* The cache is untouched and still works. */
	cr_assert_str_eq(kmem_cache_name(s), "handle");
	b = kmem_cache_alloc(s, GFP_KERNEL);
	take(s, b);
	give(s, a);
	give(s, b);
	kmem_cache_destroy(s);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_validate(), 0);
}

Test(lookup, destroying_a_cache_twice_is_reported_and_ignored)
{
	struct kmem_cache *s = kmem_cache_create("twice", 40, 0, 0, NULL);
	struct kmem_cache *other = kmem_cache_create("other", 40, 0, 0, NULL);
	struct mm_stats st0, st;
	void *o = kmem_cache_alloc(other, GFP_KERNEL);
	void *x = kmem_cache_alloc(s, GFP_KERNEL);

	take(other, o);
	take(s, x);
	give(s, x);
	kmem_cache_destroy(s);
	cr_assert_eq(nr_recorded_reports, 0);
	mm_get_stats(&st0);
	kmem_cache_destroy(s);
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, s);
	cr_assert_not_null(strstr(recorded_reports[0].detail, "does not exist"));
	mm_get_stats(&st);
	cr_assert_eq(st.nr_caches, st0.nr_caches, "nothing was destroyed");
	cr_assert_eq(st.nr_pools, st0.nr_pools);
	cr_assert_eq(mm_validate(), 0);
	/* The other cache, next to it in the cache of caches, is untouched. */
	take(other, kmem_cache_alloc(other, GFP_KERNEL));
	give(other, o);
	cr_assert_eq(nr_recorded_reports, 1);
}

Test(lookup, destroying_what_never_was_a_cache_is_reported_and_changes_nothing)
{
	struct kmem_cache *real = kmem_cache_create("real", 40, 0, 0, NULL);
	static struct kmem_cache copy;
	static unsigned char buffer[sizeof(struct kmem_cache)];
	unsigned char *block = kmalloc(sizeof(struct kmem_cache), GFP_KERNEL);
	struct mm_stats st0, st;
	void *o = kmem_cache_alloc(real, GFP_KERNEL);

	take(real, o);
	claim(block, sizeof(struct kmem_cache));
	fill(block, sizeof(struct kmem_cache), 3);
	fill(buffer, sizeof(buffer), 4);
	memcpy(&copy, real, sizeof(copy)); /* a perfect copy, magic and all */
	mm_get_stats(&st0);
	kmem_cache_destroy((struct kmem_cache *)block);
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, block);
	kmem_cache_destroy((struct kmem_cache *)buffer);
	expect_one_report(1, MM_REPORT_DOUBLE_FREE, buffer);
	kmem_cache_destroy(&copy);
	expect_one_report(2, MM_REPORT_DOUBLE_FREE, &copy);
	cr_assert(holds(block, sizeof(struct kmem_cache), 3), "the block was written");
	cr_assert(holds(buffer, sizeof(buffer), 4), "the buffer was written");
	mm_get_stats(&st);
	cr_assert_eq(st.nr_caches, st0.nr_caches);
	cr_assert_eq(st.nr_pools, st0.nr_pools);
	cr_assert_eq(st.nr_frees, st0.nr_frees);
	cr_assert_eq(mm_validate(), 0);
	give(real, o);
	kmem_cache_destroy(real);
	cr_assert_eq(nr_recorded_reports, 3);
	cr_assert_eq(mm_validate(), 0);
}

/* ---- krealloc of freed blocks ------------------------------------------------------- */

Test(lookup, krealloc_of_a_freed_object_is_one_double_free_and_null)
{
	unsigned char *p = kmalloc(60, GFP_KERNEL); /* a class in every build */
	struct kmem_cache *s = cache_of(p);
	struct mm_stats st0, st;
	unsigned int i;

	take(s, p);
	give(s, p);
	mm_get_stats(&st0);
	cr_assert_null(krealloc(p, 300, GFP_KERNEL), "growing");
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, p);
	cr_assert_null(krealloc(p, 50, GFP_KERNEL), "shrinking");
	expect_one_report(1, MM_REPORT_DOUBLE_FREE, p);
	mm_get_stats(&st);
	cr_assert_eq(st.nr_allocs, st0.nr_allocs, "krealloc allocated");
	cr_assert_eq(st.nr_frees, st0.nr_frees, "krealloc freed");
	cr_assert_eq(mm_validate(), 0);
	/* p is still free: handed out once as the class fills, never over a live block. */
	for (i = 0; i < 2 * s->objects; i++)
		take(s, kmalloc(60, GFP_KERNEL));
	cr_assert_eq(nr_recorded_reports, 2);
}

Test(lookup, krealloc_of_a_freed_page_backed_block_is_one_double_free_and_null)
{
	size_t size = 5 * PAGE_SIZE;
	void *p = kmalloc(size, GFP_KERNEL);
	size_t free0;

	claim(p, size);
	release(p, size);
	kfree(p);
	free0 = mm_nr_free_pages();
	cr_assert_null(krealloc(p, 2 * size, GFP_KERNEL));
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, p);
	cr_assert_eq(mm_nr_free_pages(), free0);
	cr_assert_eq(mm_validate(), 0);
	claim(kmalloc(size, GFP_KERNEL), size);
	cr_assert_eq(nr_recorded_reports, 1);
}

/* ---- the debug layer: writes into freed objects -------------------------------------- */

/*
 * With red zones, poison and tracking on every cache: writes into the first
 * words of some freed objects are exactly one POISON report each (at the
 * object's next allocation, or at the validation that follows), and no
 * object that nothing wrote to is reported, red zone or poison.
 */
Test(lookup_debug, writes_into_freed_objects_are_exactly_the_poison_reports, .disabled = NO_DEBUG)
{
	enum {
		N = 200
	};
	void *p[N], *written[N];
	unsigned int i, j, seen, nr_written = 0;
	struct kmem_cache *s;

	for (i = 0; i < N; i++) {
		p[i] = kmalloc(64, GFP_KERNEL);
		take(cache_of(p[i]), p[i]);
	}
	s = cache_of(p[0]);
	cr_assert(s->flags & SLAB_POISON);
	for (i = 0; i < N; i += 2) {
		give(s, p[i]);
		if (i % 8 == 0) {
			uintptr_t *w = p[i];

			/* The kinds of value a forged link would have held. */
			w[0] = (uintptr_t)p[i + 1];
			w[1] = i % 16 ? 0 : ~(uintptr_t)0;
			written[nr_written++] = p[i];
		}
	}
	cr_assert_lt(nr_written, MAX_RECORDED_REPORTS);
	for (i = 0; i < 2 * N; i++)
		take(s, kmalloc(64, GFP_KERNEL));
	/* The validation reports those not allocated again yet. */
	seen = count_reports(MM_REPORT_POISON);
	cr_assert_eq(mm_validate(), (int)(nr_written - seen));
	cr_assert_eq(count_reports(MM_REPORT_RED_ZONE), 0);
	cr_assert_eq(count_reports(MM_REPORT_POISON), nr_written);
	cr_assert_eq(nr_recorded_reports, nr_written, "nothing but poison reports");
	for (i = 0; i < nr_written; i++) {
		seen = 0;
		for (j = 0; j < nr_recorded_reports; j++)
			seen += recorded_reports[j].object == written[i];
		cr_assert_eq(seen, 1, "object %p written after free: %u reports", written[i], seen);
	}
	cr_assert_eq(mm_validate(), 0, "the patterns were rewritten");
}

/* ---- every plain free takes the fast path (white box: lock calls) --------------------- */

/* The tests' port lock counts its calls (port_threads.c, on the host). With one CPU every
 * call takes it once on entry, and the slow paths once more; with several the
 * fast paths take a CPU's spinlock instead, so these tests need one CPU. */
#define NOT_ONE_LOCK_PER_CALL (!CONFIG_MM_LOCKING || CONFIG_MM_NR_CPUS > 1 || !TEST_LOCK_COUNTED)

enum free_order {
	FREE_LIFO,
	FREE_FIFO,
	FREE_RANDOM,
};

/* Free @n blocks of @p in @order through kfree() (@s NULL) or kmem_cache_free();
 * each free must make @locks lock calls and as many unlock calls. */
static void free_counting(struct kmem_cache *s, void **p, unsigned int n, enum free_order order,
			  unsigned long locks)
{
	unsigned int i, j;
	void *t;

	if (order == FREE_RANDOM) {
		for (i = n - 1; i > 0; i--) {
			j = rnd_below(i + 1);
			t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
	}
	for (i = 0; i < n; i++) {
		void *q = p[order == FREE_LIFO ? n - 1 - i : i];
		unsigned long l = nr_lock_calls, u = nr_unlock_calls;

		if (s)
			kmem_cache_free(s, q);
		else
			kfree(q);
		cr_assert_eq(nr_lock_calls - l, locks, "free %u of %p (order %d): %lu lock calls",
			     i, q, order, nr_lock_calls - l);
		cr_assert_eq(nr_unlock_calls - u, locks);
	}
}

/* Fill more than two pools of the cache of @size (or of @s), then free in each order. */
static void free_every_way(struct kmem_cache *s, size_t size, unsigned long locks)
{
	static void *p[2 * PAGE_SIZE / MM_MIN_ALIGN + 1];
	struct kmem_cache *c;
	enum free_order order;
	unsigned int i, n;

	for (order = FREE_LIFO; order <= FREE_RANDOM; order++) {
		p[0] = s ? kmem_cache_alloc(s, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);
		c = cache_of(p[0]);
		n = 2 * c->objects + 1;
		cr_assert_leq(n, ARRAY_SIZE(p));
		for (i = 1; i < n; i++) {
			p[i] = s ? kmem_cache_alloc(s, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);
			assert_object_of(c, p[i]);
		}
		cr_assert_geq(c->nr_pools, 3, "%s: %u objects in %u pools", c->name, n,
			      c->nr_pools);
		free_counting(s, p, n, order, locks);
		cr_assert_eq(cache_nr_active(c), 0);
	}
}

/*
 * The number of kmalloc classes, as mm/kmalloc.c documents them. With the page
 * allocator: steps of MM_MIN_ALIGN to 128 bytes, four per doubling to a page,
 * then whole pages to KMALLOC_MAX_CACHE_SIZE. Without it: steps of
 * MM_MIN_ALIGN to 64 bytes, then one class per number of objects a pool holds:
 * 12, 10, 8, 7, 6, 5, 4 and 3.
 */
static unsigned int documented_nr_classes(void)
{
	static const unsigned int per_pool[] = { 12, 10, 8, 7, 6, 5, 4, 3 };
	unsigned int i, n = 64 / MM_MIN_ALIGN;

	if (IS_ENABLED(CONFIG_MM_PAGE_ALLOC))
		return 128 / MM_MIN_ALIGN + 4 * (PAGE_SHIFT - 7) +
		       KMALLOC_MAX_CACHE_SIZE / PAGE_SIZE - 1;
	/* <mm/slab.h>: steps to 64, then the pool classes up to CONFIG_MM_KMALLOC_MAX. */
	for (i = 0; i < ARRAY_SIZE(per_pool); i++)
		n += (((PAGE_SIZE - MM_POOL_OVERHEAD) / per_pool[i]) & ~(MM_MIN_ALIGN - 1)) <=
		     CONFIG_MM_KMALLOC_MAX;
	return n;
}

Test(lookup, every_kfree_of_every_class_takes_the_fast_path, .disabled = NOT_ONE_LOCK_PER_CALL)
{
	size_t size;
	unsigned int classes = 0;

	test_rng = 0x5eed;
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		void *p = kmalloc(size, GFP_KERNEL);
		struct kmem_cache *c = cache_of(p);

		kfree(p);
		cr_assert(!cache_slow_only(c), "%s frees in the slow path only", c->name);
		free_every_way(NULL, size, 1);
		classes++;
		size = c->object_size; /* the next size is the next class */
	}
	cr_assert_eq(classes, documented_nr_classes());
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_validate(), 0);
}

Test(lookup, every_kmem_cache_free_takes_the_fast_path, .disabled = NOT_ONE_LOCK_PER_CALL)
{
	static const size_t sizes[] = { 1, 24, 100, 200, 700, 3000 };
	static const size_t aligns[] = { 0, 64, 256 };
	unsigned int i, j;

	test_rng = 0xcafe;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(aligns); j++) {
			struct kmem_cache *s =
				kmem_cache_create("fast", sizes[i], aligns[j], 0, NULL);

			free_every_way(s, 0, 1);
			kmem_cache_destroy(s);
		}
	}
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_validate(), 0);
}

static void construct(void *p)
{
	memset(p, 0x3c, 32);
}

/* The counter sees the slow path: a constructor cache frees there only (two lock calls). */
Test(lookup, a_free_to_a_cache_with_a_constructor_takes_the_slow_path,
     .disabled = NOT_ONE_LOCK_PER_CALL)
{
	struct kmem_cache *s = kmem_cache_create("ctor", 32, 0, 0, construct);

	test_rng = 0xbeef;
	free_every_way(s, 0, 2);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(lookup, a_double_free_takes_the_slow_path, .disabled = NOT_ONE_LOCK_PER_CALL)
{
	void *p = kmalloc(32, GFP_KERNEL);

	free_counting(NULL, &p, 1, FREE_FIFO, 1);
	free_counting(NULL, &p, 1, FREE_FIFO, 2);
	expect_one_report(0, MM_REPORT_DOUBLE_FREE, p);
}
