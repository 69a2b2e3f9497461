// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_slab.c - kmem_cache_* tests: black-box API behaviour, and
 * white-box checks of pool bookkeeping through mm/internal.h.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "internal.h"
#include "helpers.h"

#define HEAP_SIZE (2u << 20)

static void heap_2m(void)
{
	setup_heap(HEAP_SIZE);
}

TestSuite(slab, .init = heap_2m);

Test(slab, create_rejects_bad_arguments)
{
	cr_assert_null(kmem_cache_create(NULL, 32, 0, 0, NULL));
	cr_assert_null(kmem_cache_create("zero", 0, 0, 0, NULL));
	cr_assert_null(kmem_cache_create("align3", 32, 3, 0, NULL));
	cr_assert_null(kmem_cache_create("align24", 32, 24, 0, NULL));
	cr_assert_null(kmem_cache_create("huge", SIZE_MAX, 0, 0, NULL));
	cr_assert_null(kmem_cache_create("toobig", (PAGE_SIZE << MAX_ORDER) + 1, 0, 0, NULL));
	cr_assert_not_null(kmem_cache_create("ok", 32, 0, 0, NULL));
}

Test(slab, objects_honour_the_requested_alignment)
{
	size_t aligns[] = { 0, 1, 8, 16, 64, 256, 4096, 8192 };
	unsigned int i, j;

	for (i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		struct kmem_cache *s = kmem_cache_create("aligned", 40, aligns[i], 0, NULL);
		size_t want = aligns[i] < MM_MIN_ALIGN ? MM_MIN_ALIGN : aligns[i];

		cr_assert_not_null(s, "align %zu", aligns[i]);
		for (j = 0; j < 10; j++) {
			void *p = kmem_cache_alloc(s, GFP_KERNEL);

			cr_assert_not_null(p);
			cr_assert_eq((uintptr_t)p % want, 0, "align %zu: %p", aligns[i], p);
		}
	}
}

Test(slab, hwcache_align_aligns_to_the_cache_line)
{
	struct kmem_cache *s = kmem_cache_create("hw", 20, 0, SLAB_HWCACHE_ALIGN, NULL);
	int i;

	for (i = 0; i < 10; i++)
		cr_assert_eq((uintptr_t)kmem_cache_alloc(s, GFP_KERNEL) % CONFIG_MM_CACHE_LINE, 0);
}

static unsigned int ctor_calls;
static const void *ctor_watch; /* calls on this object are counted apart */
static unsigned int ctor_watch_calls;

static void ctor(void *p)
{
	memset(p, 0x5c, 100);
	ctor_calls++;
	if (p == ctor_watch)
		ctor_watch_calls++;
}

Test(slab, constructor_runs_once_per_object_not_per_allocation)
{
	struct kmem_cache *s = kmem_cache_create("ctor", 100, 0, 0, ctor);
	unsigned char *p, *q;
	void *others[256];
	unsigned int i, n = 0;

	p = kmem_cache_alloc(s, GFP_KERNEL);
	cr_assert_geq(ctor_calls, 1);
	for (i = 0; i < 100; i++)
		cr_assert_eq(p[i], 0x5c);
	ctor_watch = p;
	kmem_cache_free(s, p);
	/* The freed object comes back once the cache looks at its word again. */
	while ((q = kmem_cache_alloc(s, GFP_KERNEL)) != p) {
		cr_assert_lt(n, 256, "the freed object should be reused");
		others[n++] = q;
	}
	cr_assert_eq(ctor_watch_calls, 0, "no constructor call for a reused object");
	/* Nothing of the allocator's overwrote the constructed state. */
	for (i = 0; i < 100; i++)
		cr_assert_eq(q[i], 0x5c, "byte %u", i);
	/* Every object was constructed once, when first handed out. */
	cr_assert_eq(ctor_calls, n + 1);
	while (n)
		kmem_cache_free(s, others[--n]);
	kmem_cache_free(s, q);
}

Test(slab, zalloc_zeroes_the_object)
{
	struct kmem_cache *s = kmem_cache_create("z", 72, 0, 0, NULL);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);
	int i;

	memset(p, 0xee, 72);
	kmem_cache_free(s, p);
	p = kmem_cache_zalloc(s, GFP_KERNEL);
	for (i = 0; i < 72; i++)
		cr_assert_eq(p[i], 0);
}

Test(slab, free_to_the_wrong_cache_is_reported_and_ignored)
{
	struct kmem_cache *a = kmem_cache_create("a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("b", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);
	void *q;

	kmem_cache_free(b, p);
	cr_assert_eq(count_reports(MM_REPORT_WRONG_CACHE), 1);
	cr_assert_str_eq(recorded_reports[0].cache, "a", "the report names the object's cache");
	/* p is still live in a: the next allocation from a is another object. */
	q = kmem_cache_alloc(a, GFP_KERNEL);
	cr_assert_neq(q, p);
	kmem_cache_free(a, p);
	kmem_cache_free(a, q);
	cr_assert_eq(nr_recorded_reports, 1);
}

Test(slab, free_of_a_kmalloc_block_to_a_cache_is_reported)
{
	struct kmem_cache *a = kmem_cache_create("a", 64, 0, 0, NULL);
	void *p = kmalloc(64, GFP_KERNEL);
	int local;

	kmem_cache_free(a, p);
	kmem_cache_free(a, &local);
	cr_assert_eq(count_reports(MM_REPORT_WRONG_CACHE), 1);
	cr_assert_eq(count_reports(MM_REPORT_FOREIGN_FREE), 1);
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 2);
}

Test(slab, destroy_with_live_objects_is_refused)
{
	struct kmem_cache *s = kmem_cache_create("busy", 48, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	void *q;

	kmem_cache_destroy(s);
	cr_assert_eq(count_reports(MM_REPORT_CACHE_BUSY), 1);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	cr_assert_not_null(q, "the cache is still usable");
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
	cr_assert_eq(nr_recorded_reports, 1);
}

Test(slab, destroy_gives_every_page_back)
{
	size_t free0 = mm_nr_free_pages();
	int order0 = mm_largest_free_order();
	struct kmem_cache *s = kmem_cache_create("t", 200, 0, 0, NULL);
	void *p[500];
	int i;

	for (i = 0; i < 500; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 500; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
	mm_shrink();
	cr_assert_eq(mm_nr_free_pages(), free0);
	cr_assert_eq(mm_largest_free_order(), order0);
}

Test(slab, shrink_returns_empty_pools)
{
	struct kmem_cache *s = kmem_cache_create("shrink", 512, 0, 0, NULL);
	size_t free0 = mm_nr_free_pages();
	void *p[64];
	int i;

	for (i = 0; i < 64; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 64; i++)
		kmem_cache_free(s, p[i]);
	cr_assert_gt(kmem_cache_shrink(s), 0);
	cr_assert_eq(mm_nr_free_pages(), free0);
	cr_assert_eq(kmem_cache_shrink(s), 0, "nothing left to give back");
}

Test(slab, at_most_the_configured_empty_pools_are_kept)
{
	struct kmem_cache *s = kmem_cache_create("keep", 1024, 0, 0, NULL);
	size_t free0 = mm_nr_free_pages();
	size_t per_pool = s->objects;
	void *p[400];
	unsigned int i, n = 10 * (unsigned int)per_pool;

	cr_assert_leq(n, 400);
	for (i = 0; i < n; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	cr_assert_eq(s->nr_pools, 10);
	for (i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	/* The active pool and CONFIG_MM_EMPTY_POOLS_KEPT others stay. */
	cr_assert_eq(s->nr_pools, 1 + CONFIG_MM_EMPTY_POOLS_KEPT);
	cr_assert_eq(free0 - mm_nr_free_pages(), (size_t)(1 + CONFIG_MM_EMPTY_POOLS_KEPT)
							 << s->order);
}

Test(slab, exhausted_cache_recovers_to_the_same_count)
{
	struct kmem_cache *s = kmem_cache_create("exhaust", 96, 0, 0, NULL);
	static void *p[40000];
	unsigned int n1 = 0, n2 = 0, i;

	while ((p[n1] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL)
		n1++;
	cr_assert_eq(s->nr_failures, 1);
	for (i = 0; i < n1; i++)
		kmem_cache_free(s, p[i]);
	while ((p[n2] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL)
		n2++;
	cr_assert_eq(n2, n1);
}

/*
 * With the page allocator (4 KiB pages, the header outside the pool) no pool
 * loses more than a sixteenth to its tail: pool_order() keeps to
 * 1/2^CONFIG_MM_POOL_WASTE_SHIFT (a thirty-second) where an order up to
 * MM_POOL_MAX_ORDER allows it, else takes the least wasteful order there
 * (2560-byte objects: six in 16 KiB, a sixteenth lost). Without it, pools of
 * one to eight 1 KiB pages end with their header: objects of up to a quarter
 * page lose at most an eighth (CONFIG_MM_POOL_WASTE_SHIFT 3), larger ones
 * less than an object and the header.
 */
Test(slab, pools_waste_under_a_sixteenth)
{
	/* Every kmalloc class above 128 bytes, and a few odd sizes that allow it. */
	size_t sizes[] = { 8,	 24,   48,   96,   160,	 192,  224,  256,  320,	 384,
			   448,	 512,  640,  768,  896,	 1024, 1280, 1536, 1792, 2048,
			   2560, 3072, 3584, 4096, 8192, 700,  1500, 36 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kmem_cache *s = kmem_cache_create("waste", sizes[i], 0, 0, NULL);
		size_t bytes = PAGE_SIZE << s->order, waste = bytes - s->objects * s->size;

		cr_assert_not_null(s, "size %zu", sizes[i]);
		if (CONFIG_MM_PAGE_ALLOC)
			cr_assert_leq(waste * 16, bytes, "size %zu order %u", sizes[i], s->order);
		else if (sizes[i] <= PAGE_SIZE / 4)
			cr_assert_leq(waste * 8, bytes, "size %zu order %u", sizes[i], s->order);
		else
			cr_assert_lt(waste, s->size + MM_POOL_OVERHEAD, "size %zu", sizes[i]);
		cr_assert_geq(s->objects, CONFIG_MM_POOL_MIN_OBJECTS);
	}
}

/* No link lives in a free object: what a use-after-free writes there forges nothing. */
Test(slab, a_use_after_free_write_forges_no_allocation)
{
	struct kmem_cache *s = kmem_cache_create("forge", 64, 0, 0, NULL);
	static char target[64];
	void *a = kmem_cache_alloc(s, GFP_KERNEL);
	void *b = kmem_cache_alloc(s, GFP_KERNEL);
	void *seen[101];
	int i, j;

	kmem_cache_free(s, b);
	kmem_cache_free(s, a);
	/* A use-after-free write of a plausible pointer into a's first words. */
	((void **)a)[0] = target;
	((void **)a)[1] = b;
	for (i = 0; i < 101; i++) {
		void *p = kmem_cache_alloc(s, GFP_KERNEL);

		cr_assert_not_null(p);
		cr_assert(p < (void *)target || p >= (void *)(target + sizeof(target)),
			  "handed out the forged address");
		cr_assert(mm_owns(p));
		cr_assert_eq(ksize(p), 64);
		for (j = 0; j < i; j++)
			cr_assert_neq(seen[j], p, "object %p handed out twice", p);
		seen[i] = p;
	}
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_validate(), 0);
}

Test(slab, caches_are_independent)
{
	struct kmem_cache *a = kmem_cache_create("a", 40, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("b", 40, 0, 0, NULL);
	char *p = kmem_cache_alloc(a, GFP_KERNEL);
	char *q = kmem_cache_alloc(b, GFP_KERNEL);

	cr_assert_neq(virt_to_slab(p), virt_to_slab(q), "two caches never share a pool");
	cr_assert_eq(ksize(p), kmem_cache_size(a));
	cr_assert_geq(ksize(p), 40);
	cr_assert_str_eq(kmem_cache_name(a), "a");
	cr_assert_eq(kmem_cache_size(b), (40 + MM_MIN_ALIGN - 1) / MM_MIN_ALIGN * MM_MIN_ALIGN);
}

#if CONFIG_MM_PAGE_ALLOC /* arenas are the page allocator's */
Test(slab, pools_share_arenas_and_large_blocks_keep_out)
{
	struct kmem_cache *c[6];
	struct mm_stats st;
	char *big;
	void *p[6];
	int i;

	for (i = 0; i < 6; i++) {
		c[i] = kmem_cache_create("arena", 64 + (size_t)i * 200, 0, 0, NULL);
		p[i] = kmem_cache_alloc(c[i], GFP_KERNEL);
		cr_assert_eq(virt_to_page(p[i])->arena, ARENA_POOLS, "pool %d outside an arena", i);
	}
	big = kmalloc(8 * PAGE_SIZE, GFP_KERNEL);
	cr_assert_neq(virt_to_page(big)->arena, ARENA_POOLS, "a large block inside an arena");
	mm_get_stats(&st);
	cr_assert_eq(st.nr_arenas, 1, "seven small pools fit one arena of %u pages",
		     1u << ARENA_ORDER);
	cr_assert_eq(mm_validate(), 0);
	for (i = 0; i < 6; i++) {
		kmem_cache_free(c[i], p[i]);
		kmem_cache_destroy(c[i]);
	}
	kfree(big);
	mm_shrink();
	mm_get_stats(&st);
	cr_assert_eq(st.nr_arenas, 0, "a free arena goes back to the common lists");
	cr_assert_eq(mm_validate(), 0);
}
#endif

/* ---- quarantine: a pool whose free bits are found corrupt (white box) ---------------- */

static bool cache_stats(const char *name, struct mm_cache_stats *st)
{
	unsigned int i;

	for (i = 0; mm_get_cache_stats(i, st); i++)
		if (strcmp(st->name, name) == 0)
			return true;
	return false;
}

static char meminfo[4096];
static size_t meminfo_len;

static void meminfo_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	cr_assert_lt(meminfo_len + n, sizeof(meminfo));
	memcpy(meminfo + meminfo_len, s, n);
	meminfo_len += n;
	meminfo[meminfo_len] = '\0';
}

/* The value of a line of mm_print_meminfo(), e.g. "Quarantined:". */
static unsigned long meminfo_value(const char *name)
{
	const struct mm_printer p = { meminfo_write, NULL };
	const char *line;

	meminfo_len = 0;
	mm_print_meminfo(&p);
	line = strstr(meminfo, name);
	cr_assert_not_null(line, "%s", meminfo);
	return strtoul(line + strlen(name), NULL, 10);
}

/* Quarantine figures of cache @name, in the cache's and the global statistics. */
static void expect_quarantined(const char *name, unsigned int pools, unsigned long lost,
			       size_t stride)
{
	struct mm_cache_stats cs;
	struct mm_stats st;

	cr_assert(cache_stats(name, &cs));
	cr_assert_eq(cs.quarantined_pools, pools);
	cr_assert_eq(cs.lost_objs, lost);
	mm_get_stats(&st);
	cr_assert_eq(st.nr_quarantined, pools);
	cr_assert_eq(st.lost_bytes, lost * stride);
	cr_assert_eq(meminfo_value("Quarantined:"), pools);
	cr_assert_eq(meminfo_value("Lost:"), (lost * stride + 1023) / 1024);
}

/* Objects handed out in a test, to check that none comes twice or from a bad pool. */
#define MAX_HANDED 2048
static void *handed[MAX_HANDED];
static unsigned int nr_handed;

/* A new object @p of @s: an object start, in none of @bad's pools, never handed out before. */
static void *handed_out(struct kmem_cache *s, void *p, const struct slab *bad)
{
	bool exact;
	unsigned int i;

	cr_assert_not_null(p);
	cr_assert_eq(virt_to_slab(p) ? virt_to_slab(p)->cache : NULL, s);
	cr_assert(obj_index(s, p, &exact) < s->objects && exact, "%p is no object start", p);
	cr_assert_neq(virt_to_slab(p), bad, "%p handed out of the quarantined pool", p);
	for (i = 0; i < nr_handed; i++)
		cr_assert_neq(handed[i], p, "%p handed out twice", p);
	cr_assert_lt(nr_handed, MAX_HANDED);
	handed[nr_handed++] = p;
	return p;
}

/* A cache of @size-byte objects whose first pool is full and active: its objects by index. */
static struct kmem_cache *cache_with_a_full_pool(const char *name, size_t size, void **p,
						 struct slab **pool)
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);
	unsigned int i;
	bool exact;

	for (i = 0; i < s->objects; i++) {
		void *q = handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), NULL);

		p[obj_index(s, q, &exact)] = q;
	}
	*pool = virt_to_slab(p[0]);
	cr_assert_eq(s->nr_pools, 1);
	cr_assert_eq(s->cpu[0].slab, *pool);
	cr_assert_eq(s->cpu[0].bits, 0, "the reservation is empty: the next allocation refills");
	return s;
}

Test(slab, a_free_bit_for_no_object_quarantines_the_pool_until_it_empties)
{
	void *p[PAGE_SIZE / 96];
	struct slab *a;
	struct kmem_cache *s = cache_with_a_full_pool("q96", 96, p, &a);
	unsigned long extra = ~s->last_word_mask;
	unsigned int i, lost = 5;

	cr_assert_neq(extra, 0, "%u objects: the last word has bits for no object", s->objects);
	for (i = 0; i < lost; i++)
		kmem_cache_free(s, p[i]);
	/* A wild write sets a bit past the last object, in the word the refill reads first. */
	cr_assert_eq(a->cursor, s->words - 1);
	a->bitmap[s->words - 1] |= extra & -extra;
	handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(recorded_reports[0].kind, MM_REPORT_CORRUPT);
	cr_assert_eq(recorded_reports[0].addr, (void *)pool_base(s, p[0]), "names the pool");
	cr_assert_eq(slab_state(a), SLAB_QUARANTINED);
	expect_quarantined("q96", 1, lost, s->size);
	cr_assert_eq(mm_validate(), 0, "a quarantined pool is no problem");
	/* Other pools serve; nothing comes out of the quarantined one. */
	for (i = 0; i < 2 * s->objects; i++)
		handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	cr_assert_eq(mm_validate(), 0);
	/* Its live objects freed, the pool goes back, and nothing is lost any more. */
	for (i = lost; i < s->objects; i++)
		kmem_cache_free(s, p[i]);
	expect_quarantined("q96", 0, 0, s->size);
	cr_assert_neq(virt_to_slab(p[0]), a, "the pool's pages went back");
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_validate(), 0);
}

Test(slab, a_partial_pool_without_free_bits_is_quarantined_until_it_empties)
{
	void *p[PAGE_SIZE / 64];
	struct slab *a;
	struct kmem_cache *s = cache_with_a_full_pool("q64", 64, p, &a);
	unsigned int i, w, lost = 3;

	/* A second pool active; the first goes on the partial list with three free. */
	handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	for (i = 0; i < lost; i++)
		kmem_cache_free(s, p[i]);
	cr_assert_eq(slab_state(a), SLAB_PARTIAL);
	/* A wild write clears its free bits: the list says it has free objects, its bits none. */
	for (w = 0; w < s->words; w++)
		a->bitmap[w] = 0;
	/* Use up the active pool: the refill after it takes the partial one and finds it lying. */
	for (i = 0; i < 2 * s->objects; i++)
		handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(recorded_reports[0].kind, MM_REPORT_CORRUPT);
	cr_assert_eq(slab_state(a), SLAB_QUARANTINED);
	expect_quarantined("q64", 1, lost, s->size);
	cr_assert_eq(mm_validate(), 0);
	for (i = lost; i < s->objects; i++)
		kmem_cache_free(s, p[i]);
	expect_quarantined("q64", 0, 0, s->size);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_validate(), 0);
}

/*
 * A free bit set for a live object: the pool's bits count more free objects
 * than its count allows. Quarantined like the others; but the object whose
 * bit lies cannot be freed (its bit says it is free: a double free, as far
 * as the allocator can tell), so the pool never empties and stays
 * quarantined, its free objects lost for good. With several CPUs a refill
 * allows one free in flight per other CPU (FREES_IN_FLIGHT), so one forged
 * bit is seen by mm_validate() only (test_debug.c).
 */
Test(slab, a_free_bit_for_a_live_object_quarantines_the_pool_for_good,
     .disabled = CONFIG_MM_NR_CPUS > 1)
{
	void *p[PAGE_SIZE / 64];
	struct slab *a;
	struct kmem_cache *s = cache_with_a_full_pool("qlive", 64, p, &a);
	unsigned int w = a->cursor, first = w * (unsigned int)BITS_PER_LONG, i, lost = 3;

	cr_assert_leq(first + lost + 1, s->objects);
	/* Three objects of the word the refill reads first are freed... */
	for (i = 1; i <= lost; i++)
		kmem_cache_free(s, p[first + i]);
	/* ...and a wild write sets the bit of a live one in the same word. */
	flip_free_bit(a, first);
	handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(recorded_reports[0].kind, MM_REPORT_CORRUPT);
	cr_assert_eq(slab_state(a), SLAB_QUARANTINED);
	expect_quarantined("qlive", 1, lost, s->size);
	cr_assert_eq(mm_validate(), 0);
	for (i = 0; i < 2 * s->objects; i++)
		handed_out(s, kmem_cache_alloc(s, GFP_KERNEL), a);
	/* Every other live object of the pool frees normally. */
	for (i = 0; i < s->objects; i++)
		if (i != first && (i < first + 1 || i > first + lost))
			kmem_cache_free(s, p[i]);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(a->inuse, 1);
	kmem_cache_free(s, p[first]);
	cr_assert_eq(nr_recorded_reports, 2);
	cr_assert_eq(recorded_reports[1].kind, MM_REPORT_DOUBLE_FREE);
	expect_quarantined("qlive", 1, lost, s->size);
	cr_assert_eq(slab_state(a), SLAB_QUARANTINED);
	cr_assert_eq(mm_validate(), 0);
}

/* The lowest set bit by a multiply and a table (targets with no count-trailing-zeros
 * instruction, rv64 without Zbb) agrees with the compiler's for every bit. */
Test(slab, lowest_bit_by_table_agrees_with_ctz)
{
	unsigned long x = (unsigned long)0x9e3779b97f4a7c15ull; /* its low half on 32-bit */
	unsigned int b, i;

	for (b = 0; b < BITS_PER_LONG; b++) {
		cr_assert_eq(lowest_bit_by_table(1ul << b), b);
		cr_assert_eq(lowest_bit_by_table(~0ul << b), b);
	}
	for (i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x)
			cr_assert_eq(lowest_bit_by_table(x), (unsigned int)__builtin_ctzl(x), "%lx",
				     x);
	}
}
