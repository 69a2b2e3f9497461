// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_runs.c - the run allocator of static mode (mm/runs.c,
 * -DCONFIG_MM_PAGE_ALLOC=0): pools and large blocks cut straight from the
 * region, boundary tags, coalescing on free.
 *
 * The suite "runs" holds what only static mode promises; with the page
 * allocator it compiles and is skipped (test_page_alloc.c has that mode's
 * own tests). The suite "runs_any" runs in both modes: it goes through the
 * public API only. White-box views of the runs come from mm/internal.h
 * through a few helpers below, the one place where the modes differ.
 *
 * Every test checks mm_validate() and the misuse reports it expects (none,
 * or exactly one). The randomized tests print their seed; set BARESLAB_SEED
 * to replay one.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mm/debug.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "internal.h"
#include "helpers.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* .disabled of the tests of runs: they mean nothing with the page allocator. */
#define NO_RUNS CONFIG_MM_PAGE_ALLOC

TestSuite(runs, .disabled = NO_RUNS);
TestSuite(runs_any);

/* ---- the runs of a region: the one place the modes differ ----------------------- */

/* What a region's runs look like now (struct mm_region, static mode). */
struct runs_view {
	uintptr_t start, heap_start, heap_end; /* as given; the heap of runs */
	size_t nr_runs, nr_free, free_bytes; /* the region's counters */
	size_t used; /* bytes in allocated runs, every region (mm_page_counters) */
};

#if CONFIG_MM_PAGE_ALLOC
/* No runs: the tests that call these are disabled; they only have to compile. */
#define GRAIN ((size_t)MM_MIN_ALIGN)
#define RUN_MIN_BYTES ((size_t)3 * MM_MIN_ALIGN)
#define PAGES_FLAG ((uintptr_t)0)

static void get_view(unsigned int i, struct runs_view *v)
{
	(void)i;
	memset(v, 0, sizeof(*v));
	cr_assert_fail("no runs with the page allocator");
}

static void *raw_alloc(size_t bytes, size_t align)
{
	(void)bytes, (void)align;
	cr_assert_fail("no runs with the page allocator");
	return NULL;
}

static void raw_free(void *p)
{
	(void)p;
}

static size_t run_bytes(const void *p)
{
	(void)p;
	return 0;
}
#else
#define GRAIN ((size_t)RUN_GRAIN)
#define RUN_MIN_BYTES ((size_t)RUN_MIN)
#define PAGES_FLAG ((uintptr_t)RUN_PAGES)

static void get_view(unsigned int i, struct runs_view *v)
{
	const struct mm_region *r = &mm_regions[i];

	cr_assert(i < mm_nr_regions, "no region %u", i);
	v->start = r->start;
	v->heap_start = r->heap_start;
	v->heap_end = r->heap_end;
	v->nr_runs = r->nr_runs;
	v->nr_free = r->nr_free;
	v->free_bytes = r->free_bytes;
	v->used = mm_page_counters.used;
}

/* A run of @bytes of payload, aligned to @align if not 0, straight from run_alloc(). */
static void *raw_alloc(size_t bytes, size_t align)
{
	struct mm_region *r;
	struct run *run = run_alloc(bytes, align, 0, &r);

	return run ? run_payload(run) : NULL;
}

static void raw_free(void *p)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);

	run_free(r, run_of(r, p));
}

/* Bytes of the live run whose payload is @p, its header included. */
static size_t run_bytes(const void *p)
{
	const struct mm_region *r = addr_to_region((uintptr_t)p);
	const struct run *run = r ? run_of(r, p) : NULL;

	cr_assert(run && !run_is_free(run), "%p is no live run", p);
	return run_size(run);
}
#endif

/* ---- helpers --------------------------------------------------------------------- */

/* The slab layer is up and its state placed: what the first mm_add_region() does. */
static bool state_ready(void)
{
	return slab_is_up && mm_state;
}

/* A random number in [lo, hi]. */
static size_t rnd_range(size_t lo, size_t hi)
{
	return lo + (size_t)(rnd() % (hi - lo + 1));
}

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

/* The smallest run a request of @bytes takes: payload rounded to grains, a header. */
static size_t run_for(size_t bytes)
{
	size_t size = ((bytes + GRAIN - 1) & ~(GRAIN - 1)) + GRAIN;

	return size < RUN_MIN_BYTES ? RUN_MIN_BYTES : size;
}

static struct mm_stats stats(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	return st;
}

static void expect_valid(const char *when)
{
	unsigned int reports = nr_recorded_reports;
	int problems = mm_validate();

	cr_assert_eq(problems, 0, "%s: mm_validate() found %d problems", when, problems);
	cr_assert_eq(nr_recorded_reports, reports, "%s: mm_validate() reported", when);
}

/* Region 0 is one free run again, of the whole heap, as after mm_add_region(). */
static void expect_one_free_run(const char *when)
{
	struct runs_view v;
	struct mm_stats st = stats();
	size_t heap;
	void *p;

	get_view(0, &v);
	heap = v.heap_end - v.heap_start;
	cr_assert_eq(v.nr_runs, 1, "%s: %zu runs, want 1", when, v.nr_runs);
	cr_assert_eq(v.nr_free, 1, "%s: %zu free runs, want 1", when, v.nr_free);
	cr_assert_eq(v.free_bytes, heap, "%s: %zu free bytes, want the heap's %zu", when,
		     v.free_bytes, heap);
	cr_assert_eq(v.used, 0, "%s: %zu bytes still in use", when, v.used);
	if (mm_nr_regions == 1) {
		cr_assert_eq(st.nr_free_runs, 1, "%s: FreeRuns %zu", when, st.nr_free_runs);
		cr_assert_eq(st.largest_free_bytes, heap - GRAIN, "%s: LargestFree %zu, want %zu",
			     when, st.largest_free_bytes, heap - GRAIN);
	}
	expect_valid(when);
	/* The whole heap comes out as one block again. */
	p = kmalloc(heap - GRAIN, GFP_KERNEL);
	cr_assert_not_null(p, "%s: no block of the whole heap (%zu bytes)", when, heap - GRAIN);
	kfree(p);
	get_view(0, &v);
	cr_assert(v.nr_runs == 1 && v.free_bytes == heap, "%s: the heap's block did not go back",
		  when);
}

static void check_fill(const void *p, size_t n, unsigned int seed, const char *what)
{
	size_t i = first_unfilled(p, n, seed);

	if (i < n)
		cr_assert_fail("%s: block %p (%zu bytes): byte %zu overwritten", what, p, n, i);
}

/* ---- blocks of every kind --------------------------------------------------------- */

enum kind {
	K_KMALLOC, /* kmalloc(size): a pool object or a run of its own */
	K_PAGES, /* get_free_pages(order) */
	K_EXACT, /* alloc_pages_exact(size) */
};

struct blk {
	void *p;
	enum kind kind;
	size_t size; /* bytes asked for (K_PAGES: PAGE_SIZE << order) */
	unsigned int order;
	unsigned int seed;
};

static void *blk_alloc(struct blk *b)
{
	switch (b->kind) {
	case K_KMALLOC:
		b->p = kmalloc(b->size, GFP_KERNEL);
		break;
	case K_PAGES:
		b->size = PAGE_SIZE << b->order;
		b->p = get_free_pages(GFP_KERNEL, b->order);
		break;
	case K_EXACT:
		b->p = alloc_pages_exact(b->size, GFP_KERNEL);
		break;
	}
	return b->p;
}

static void blk_free(const struct blk *b)
{
	switch (b->kind) {
	case K_KMALLOC:
		kfree(b->p);
		break;
	case K_PAGES:
		free_pages(b->p, b->order);
		break;
	case K_EXACT:
		free_pages_exact(b->p, b->size);
		break;
	}
}

/* The alignment the headers promise a block (<mm/slab.h>, <mm/page_alloc.h>). */
static size_t promised_align(const struct blk *b)
{
	if (b->kind == K_PAGES)
		return PAGE_SIZE << b->order;
	if (b->kind == K_EXACT)
		return PAGE_SIZE;
	if (b->size > KMALLOC_MAX_CACHE_SIZE)
		return IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? PAGE_SIZE : MM_MIN_ALIGN;
	if (b->size > PAGE_SIZE)
		return PAGE_SIZE; /* the page allocator's classes of whole pages */
	if (is_pow2(b->size) && b->size <= KMALLOC_ALIGNED_MAX && b->size > MM_MIN_ALIGN)
		return b->size;
	return MM_MIN_ALIGN;
}

/* A random block, not yet allocated: runs of many sizes, pools, pages. */
static struct blk random_blk(void)
{
	struct blk b = { 0 };
	unsigned int k = (unsigned int)(rnd() % 8);

	if (k < 3) {
		b.kind = K_KMALLOC;
		b.size = KMALLOC_MAX_CACHE_SIZE + rnd_range(1, 6000);
	} else if (k < 4) {
		b.kind = K_KMALLOC;
		b.size = rnd_range(KMALLOC_MAX_CACHE_SIZE + 1, KMALLOC_MAX_CACHE_SIZE + 200);
	} else if (k < 5) {
		b.kind = K_KMALLOC;
		b.size = rnd_range(1, KMALLOC_MAX_CACHE_SIZE);
	} else if (k < 7) {
		b.kind = K_PAGES;
		b.order = (unsigned int)(rnd() % 4);
	} else {
		b.kind = K_EXACT;
		b.size = rnd_range(1, 5 * PAGE_SIZE);
	}
	b.seed = (unsigned int)rnd();
	return b;
}

/* ---- coalescing: every free order back to the single run --------------------------- */

#define FILL_HEAP ((size_t)1 << 20)
#define MAX_BLKS 8192

enum free_order {
	LIFO,
	FIFO,
	RANDOM,
	INTERLEAVED
};

/* Fill the region with random blocks until nothing more fits; return how many. */
static size_t fill_region(struct blk *got)
{
	size_t n = 0;
	unsigned int misses = 0;
	struct blk b;

	while (misses < 64 && n < MAX_BLKS) {
		b = random_blk();
		if (!blk_alloc(&b)) {
			misses++;
			continue;
		}
		fill(b.p, b.size, b.seed);
		got[n++] = b;
	}
	/* What is left: the smallest runs of their own, then pool objects. */
	for (;;) {
		b.kind = K_KMALLOC;
		b.size = KMALLOC_MAX_CACHE_SIZE + 1;
		b.seed = (unsigned int)n;
		if (n == MAX_BLKS || !blk_alloc(&b))
			break;
		fill(b.p, b.size, b.seed);
		got[n++] = b;
	}
	cr_assert(n < MAX_BLKS, "the region did not fill up");
	cr_assert_null(kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL), "the region is not full");
	return n;
}

static void shuffle(size_t *idx, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = (size_t)(rnd() % i);
		t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

static const struct blk *sort_blks;

static int by_address(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)sort_blks[*(const size_t *)x].p;
	uintptr_t b = (uintptr_t)sort_blks[*(const size_t *)y].p;

	return a < b ? -1 : a > b;
}

static void fill_then_free(enum free_order order, const char *test)
{
	static const char *const names[] = { "LIFO", "FIFO", "random", "interleaved" };
	struct blk *got = calloc(MAX_BLKS, sizeof(*got));
	size_t *idx = calloc(MAX_BLKS, sizeof(*idx)), *sorted = calloc(MAX_BLKS, sizeof(*sorted));
	size_t n, i, k = 0;
	struct runs_view v;
	char *h = test_heap(FILL_HEAP + 64);

	seed_rng(test);
	/* An odd start and size: nothing is aligned for free. */
	cr_assert_eq(mm_add_region(h + 7, FILL_HEAP + 13), 0);
	expect_one_free_run("after mm_add_region");
	n = fill_region(got);
	get_view(0, &v);
	cr_assert(n > 100 && v.nr_runs > 100, "only %zu blocks, %zu runs", n, v.nr_runs);
	expect_valid("full");
	switch (order) {
	case LIFO:
		for (i = 0; i < n; i++)
			idx[i] = n - 1 - i;
		break;
	case FIFO:
		for (i = 0; i < n; i++)
			idx[i] = i;
		break;
	case RANDOM:
		for (i = 0; i < n; i++)
			idx[i] = i;
		shuffle(idx, n);
		break;
	case INTERLEAVED:
		/* Every other block by address first, then the rest: the frees of the
		 * second half find free runs on both sides (pool objects aside). */
		for (i = 0; i < n; i++)
			sorted[i] = i;
		sort_blks = got;
		qsort(sorted, n, sizeof(*sorted), by_address);
		for (i = 1; i < n; i += 2)
			idx[k++] = sorted[i];
		for (i = 0; i < n; i += 2)
			idx[k++] = sorted[i];
		break;
	}
	for (i = 0; i < n; i++) {
		const struct blk *b = &got[idx[i]];

		check_fill(b->p, b->size, b->seed, names[order]);
		blk_free(b);
		if (i == n / 2) {
			/* No two free runs are neighbours: validation says so. */
			expect_valid("half freed");
			get_view(0, &v);
			cr_assert(v.nr_free <= i + 2, "%zu free runs after %zu frees", v.nr_free,
				  i + 1);
		}
	}
	expect_valid("all freed");
	mm_shrink(); /* the empty pools the caches keep */
	cr_assert_eq(nr_recorded_reports, 0);
	expect_one_free_run(names[order]);
	free(sorted);
	free(idx);
	free(got);
}

Test(runs, coalesce_lifo_back_to_one_run)
{
	fill_then_free(LIFO, "runs/coalesce_lifo_back_to_one_run");
}

Test(runs, coalesce_fifo_back_to_one_run)
{
	fill_then_free(FIFO, "runs/coalesce_fifo_back_to_one_run");
}

Test(runs, coalesce_random_back_to_one_run)
{
	fill_then_free(RANDOM, "runs/coalesce_random_back_to_one_run");
}

Test(runs, coalesce_interleaved_back_to_one_run)
{
	fill_then_free(INTERLEAVED, "runs/coalesce_interleaved_back_to_one_run");
}

/* A run freed between two free runs merges with both: three runs become one. */
Test(runs, free_between_two_free_runs_merges_all_three)
{
	size_t s = KMALLOC_MAX_CACHE_SIZE + 100;
	struct runs_view before, v;
	void *a, *b, *c, *guard;

	setup_heap(FILL_HEAP);
	a = kmalloc(s, GFP_KERNEL);
	b = kmalloc(s, GFP_KERNEL);
	c = kmalloc(s, GFP_KERNEL);
	guard = kmalloc(s, GFP_KERNEL);
	cr_assert(a && b && c && guard);
	cr_assert((char *)b == (char *)a + run_bytes(a) && (char *)c == (char *)b + run_bytes(b),
		  "large blocks are cut from the bottom, one after the other");
	get_view(0, &before);
	kfree(a);
	kfree(c);
	get_view(0, &v);
	cr_assert_eq(v.nr_free, before.nr_free + 2);
	kfree(b);
	get_view(0, &v);
	cr_assert_eq(v.nr_free, before.nr_free + 1, "a, b and c are one free run");
	cr_assert_eq(v.nr_runs, before.nr_runs - 2);
	cr_assert_eq(v.free_bytes, before.free_bytes + 3 * run_for(s));
	expect_valid("merged");
	/* The merged run serves a block of all three. */
	cr_assert_eq(kmalloc(3 * run_for(s) - GRAIN, GFP_KERNEL), a);
	kfree(a);
	kfree(guard);
	cr_assert_eq(nr_recorded_reports, 0);
	expect_one_free_run("after");
}

/* ---- exhaustion and recovery -------------------------------------------------------- */

#define EXHAUST_HEAP ((size_t)256 << 10)

/* Allocate @proto's kind until it fails; return the count, the bytes in *@bytes. */
static size_t exhaust(const struct blk *proto, struct blk *got, size_t max, size_t *bytes)
{
	size_t n = 0;
	struct blk b;

	*bytes = 0;
	for (;;) {
		b = *proto;
		if (!blk_alloc(&b))
			break;
		cr_assert(n < max, "more than %zu blocks", max);
		*bytes += b.kind == K_KMALLOC ? ksize(b.p) : b.size;
		got[n++] = b;
	}
	return n;
}

/* The order of the smallest block of pages that holds @size bytes. */
static int order_for(size_t size)
{
	int o = 0;

	while ((PAGE_SIZE << o) < size)
		o++;
	return o;
}

static void exhaust_and_recover(struct blk proto, const char *what)
{
	size_t max = EXHAUST_HEAP / 8, n1, n2, bytes1, bytes2, i, failures;
	struct blk *got = calloc(max, sizeof(*got));
	bool counted = proto.kind == K_KMALLOC;
	struct mm_stats st;

	failures = stats().nr_failures;
	n1 = exhaust(&proto, got, max, &bytes1);
	cr_assert(n1 > 0, "%s: nothing allocated", what);
	st = stats();
	/* kmalloc() counts the failure that stopped it; get_free_pages() counts none. */
	cr_assert_eq(st.nr_failures, failures + counted, "%s: %lu failures, want %zu", what,
		     st.nr_failures, failures + counted);
	/* It failed because nothing fit, as the figures say. */
	if (proto.kind == K_PAGES)
		cr_assert_lt(mm_largest_free_order(), (int)proto.order,
			     "%s: order %u failed, the largest free order is %d", what, proto.order,
			     mm_largest_free_order());
	else if (proto.kind == K_EXACT)
		cr_assert_lt(mm_largest_free_order(), order_for(proto.size),
			     "%s: failed with a block of %d pages free", what,
			     1 << mm_largest_free_order());
	else if (proto.size <= KMALLOC_MAX_CACHE_SIZE)
		cr_assert_lt(mm_largest_free_order(), 0, "%s: failed with a page block free", what);
	else
		cr_assert_lt(st.largest_free_bytes, proto.size,
			     "%s: %zu bytes failed, LargestFree %zu", what, proto.size,
			     st.largest_free_bytes);
	expect_valid(what);
	for (i = n1; i--;)
		blk_free(&got[i]);
	mm_shrink();
	expect_one_free_run(what);
	n2 = exhaust(&proto, got, max, &bytes2);
	cr_assert_eq(n2, n1, "%s: %zu blocks the second time, %zu the first", what, n2, n1);
	cr_assert_eq(bytes2, bytes1, "%s: %zu bytes the second time, %zu the first", what, bytes2,
		     bytes1);
	cr_assert_eq(stats().nr_failures, failures + 2 * counted, "%s: second failure", what);
	while (n2--)
		blk_free(&got[n2]);
	mm_shrink();
	expect_one_free_run(what);
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

Test(runs, exhaustion_of_large_kmalloc_recovers_the_same_count)
{
	static const size_t sizes[] = { 1, 2, 700, 1000, 4096, 5000, 30000 };
	struct blk b = { .kind = K_KMALLOC };
	size_t i;

	setup_heap(EXHAUST_HEAP);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		b.size = KMALLOC_MAX_CACHE_SIZE + sizes[i];
		exhaust_and_recover(b, "large kmalloc");
	}
}

Test(runs, exhaustion_of_small_kmalloc_recovers_the_same_count)
{
	static const size_t sizes[] = { 1, MM_MIN_ALIGN + 1, 64, 100, KMALLOC_MAX_CACHE_SIZE };
	struct blk b = { .kind = K_KMALLOC };
	size_t i;

	setup_heap(EXHAUST_HEAP);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		b.size = sizes[i];
		exhaust_and_recover(b, "small kmalloc");
	}
}

Test(runs, exhaustion_of_pages_recovers_the_same_count)
{
	struct blk b = { .kind = K_PAGES };
	unsigned int o;

	setup_heap(EXHAUST_HEAP);
	for (o = 0; o <= 5; o++) {
		b.order = o;
		exhaust_and_recover(b, "get_free_pages");
	}
	b.kind = K_EXACT;
	b.order = 0;
	b.size = 3 * PAGE_SIZE - 5;
	exhaust_and_recover(b, "alloc_pages_exact");
}

/* Large and small blocks and pages together: the heap runs dry, then all of it comes back. */
Test(runs, exhaustion_by_a_mix_recovers_every_byte)
{
	struct blk *got = calloc(MAX_BLKS, sizeof(*got));
	unsigned long failures;
	size_t n, i;

	seed_rng("runs/exhaustion_by_a_mix_recovers_every_byte");
	setup_heap(EXHAUST_HEAP);
	failures = stats().nr_failures;
	n = fill_region(got);
	cr_assert_gt(stats().nr_failures, failures, "the failures were not counted");
	cr_assert_null(get_free_pages(GFP_KERNEL, 0), "a page is still free");
	for (i = 0; i < n; i++)
		blk_free(&got[i]);
	mm_shrink();
	expect_one_free_run("after the mix");
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

/* ---- alignment ------------------------------------------------------------------------ */

#define ALIGN_HEAP ((size_t)2 << 20)

/* Every block inside the heap and aligned as promised; pools on page boundaries. */
static void check_placement(const struct blk *b)
{
	struct runs_view v;
	uintptr_t a = (uintptr_t)b->p;
	size_t al = promised_align(b);
	struct slab *slab = virt_to_slab(b->p);

	get_view(0, &v);
	cr_assert_eq(a % al, 0, "kind %d of %zu bytes at %p: not aligned to %zu", b->kind, b->size,
		     b->p, al);
	cr_assert(a >= v.heap_start + GRAIN && a + b->size <= v.heap_end,
		  "kind %d of %zu bytes at %p: outside the heap", b->kind, b->size, b->p);
	if (slab)
		cr_assert_eq(slab_base(slab) % PAGE_SIZE, 0, "pool %p not on a page boundary",
			     (void *)slab_base(slab));
	else
		cr_assert_eq(a % MM_MIN_ALIGN, 0, "run %p not aligned to MM_MIN_ALIGN", b->p);
}

static void kmalloc_alignment(slab_flags_t debug)
{
	char *h = test_heap(ALIGN_HEAP + 64);
	struct blk *got = calloc(MAX_BLKS, sizeof(*got));
	size_t size, n, i;

	cr_assert_eq(mm_add_region(h + 3, ALIGN_HEAP), 0);
	if (debug)
		cr_assert_eq(mm_debug_enable(debug), 0);
	/* Every class, over several pools; then runs of every size up to a few pages. */
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE + 3 * PAGE_SIZE;
	     size += size <= KMALLOC_MAX_CACHE_SIZE + 64 ? 1 : 37) {
		struct blk b = { .kind = K_KMALLOC, .size = size };
		unsigned int want = size <= KMALLOC_MAX_CACHE_SIZE ? 64 : 1;

		for (n = 0; n < want; n++) {
			cr_assert_not_null(blk_alloc(&b), "kmalloc(%zu)", size);
			check_placement(&b);
			got[n] = b;
		}
		for (i = 0; i < n; i++)
			kfree(got[i].p);
	}
	mm_shrink();
	expect_one_free_run("after");
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

Test(runs, every_kmalloc_block_is_aligned_as_documented)
{
	kmalloc_alignment(0);
}

/* <mm/slab.h>: the power-of-two classes keep their alignment in the debug layout. */
Test(runs, every_kmalloc_block_is_aligned_with_red_zones, .disabled = NO_RUNS || !CONFIG_MM_DEBUG)
{
	kmalloc_alignment(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER);
}

Test(runs, every_page_block_is_aligned_as_documented)
{
	char *h = test_heap(ALIGN_HEAP + 64);
	struct blk *got = calloc(MAX_BLKS, sizeof(*got));
	struct blk b = { 0 };
	size_t n, i;
	unsigned int o;

	cr_assert_eq(mm_add_region(h + 5, ALIGN_HEAP), 0);
	for (o = 0; o <= 8; o++) {
		/* Until the heap is dry, with a small run between blocks to shift them. */
		for (n = 0; n + 1 < MAX_BLKS; n++) {
			b.kind = K_PAGES;
			b.order = o;
			if (!blk_alloc(&b))
				break;
			check_placement(&b);
			got[n] = b;
			b.kind = K_KMALLOC;
			b.size = KMALLOC_MAX_CACHE_SIZE + 1 + n % 200;
			if (blk_alloc(&b))
				got[++n] = b;
		}
		cr_assert_gt(n, 0, "order %u: nothing allocated", o);
		for (i = 0; i < n; i++)
			blk_free(&got[i]);
		expect_one_free_run("get_free_pages");
	}
	for (n = 0; n < 200; n++) {
		b.kind = K_EXACT;
		b.size = 1 + n * 97 % (6 * PAGE_SIZE);
		cr_assert_not_null(blk_alloc(&b), "alloc_pages_exact(%zu)", b.size);
		check_placement(&b);
		got[n] = b;
	}
	for (i = 0; i < n; i++)
		blk_free(&got[i]);
	expect_one_free_run("alloc_pages_exact");
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

/* A run of exactly @size bytes from the bottom of the heap's free space, at @at. */
static void *place(size_t size, uintptr_t at)
{
	void *p = raw_alloc(size - GRAIN, 0);

	cr_assert_eq((uintptr_t)p, at + GRAIN, "a run of %zu bytes at %p, want %#lx", size, p,
		     (unsigned long)at + GRAIN);
	cr_assert_eq(run_bytes(p), size);
	return p;
}

/*
 * A free run big enough by size for an aligned block of @size (its run, header
 * included) but placed so that no aligned payload leaves both a run of its own
 * before it and nothing or a run of its own after it: the aligned search must
 * pass it by and take the big free run above, not fail. @tail is what the
 * top-most placement would leave after the block (0 < @tail < RUN_MIN).
 */
static void *aligned_past_a_tight_run(size_t size, size_t align, size_t tail,
				      void *(*alloc)(size_t n), size_t n)
{
	struct runs_view v;
	size_t len = size + align + RUN_MIN_BYTES;
	uintptr_t at, want;
	void *filler, *victim, *guard, *p;

	get_view(0, &v);
	/* The victim's end - size + GRAIN lies @tail past a boundary of @align. */
	want = (size - GRAIN + tail - len) & (align - 1);
	at = v.heap_start + RUN_MIN_BYTES;
	at += (want - at) & (align - 1);
	filler = place(at - v.heap_start, v.heap_start);
	victim = place(len, at);
	guard = place(RUN_MIN_BYTES, at + len);
	raw_free(victim);
	p = alloc(n);
	cr_assert_not_null(p, "%zu bytes aligned to %zu failed past a free run of %zu bytes", size,
			   align, len);
	cr_assert_eq((uintptr_t)p % align, 0);
	raw_free(guard);
	raw_free(filler);
	return p;
}

static void *order_alloc(size_t order)
{
	return get_free_pages(GFP_KERNEL, (unsigned int)order);
}

static void *exact_alloc(size_t pages)
{
	return alloc_pages_exact(pages * PAGE_SIZE, GFP_KERNEL);
}

Test(runs, aligned_blocks_are_found_past_a_run_too_tight_for_them)
{
	size_t tail, o, n;
	void *p;

	setup_heap(1 << 20);
	for (tail = GRAIN; tail < RUN_MIN_BYTES; tail += GRAIN) {
		for (o = 0; o <= 3; o++) {
			p = aligned_past_a_tight_run((PAGE_SIZE << o) + GRAIN, PAGE_SIZE << o, tail,
						     order_alloc, o);
			free_pages(p, (unsigned int)o);
			expect_one_free_run("get_free_pages");
		}
		for (n = 1; n <= 3; n++) {
			p = aligned_past_a_tight_run(n * PAGE_SIZE + GRAIN, PAGE_SIZE, tail,
						     exact_alloc, n);
			free_pages_exact(p, n * PAGE_SIZE);
			expect_one_free_run("alloc_pages_exact");
		}
	}
	cr_assert_eq(nr_recorded_reports, 0);
}

/* ---- misuse: each bad free reported exactly once, nothing changed ------------------- */

#define MISUSE_HEAP ((size_t)256 << 10)

/* What a bad free must leave as it was: the runs, the figures, the metadata's bytes. */
struct snapshot {
	struct runs_view v;
	size_t used_bytes, nr_large;
	unsigned long nr_frees;
	unsigned char *meta;
	size_t meta_len;
};

static void take_snapshot(struct snapshot *s)
{
	struct mm_stats st = stats();

	get_view(0, &s->v);
	s->used_bytes = st.used_bytes;
	s->nr_large = st.nr_large;
	s->nr_frees = st.nr_frees;
	s->meta_len = s->v.heap_start - s->v.start;
	s->meta = malloc(s->meta_len);
	memcpy(s->meta, (void *)s->v.start, s->meta_len);
	nr_recorded_reports = 0;
}

/* Nothing changed since @s: the runs, the figures, the metadata's bytes. */
static void expect_unchanged(struct snapshot *s, const void *addr)
{
	struct runs_view v;
	struct mm_stats st = stats();

	get_view(0, &v);
	cr_assert(v.nr_runs == s->v.nr_runs && v.nr_free == s->v.nr_free &&
			  v.free_bytes == s->v.free_bytes && v.used == s->v.used,
		  "%p: the runs changed", addr);
	cr_assert(st.used_bytes == s->used_bytes && st.nr_large == s->nr_large &&
			  st.nr_frees == s->nr_frees,
		  "%p: the figures changed", addr);
	cr_assert_eq(memcmp(s->meta, (void *)s->v.start, s->meta_len), 0,
		     "%p: the region's metadata changed", addr);
	free(s->meta);
	expect_valid("unchanged");
}

/* Exactly one report of @kind about @addr, and nothing else changed since @s. */
static void expect_one_report(struct snapshot *s, enum mm_report_kind kind, const void *addr)
{
	cr_assert_eq(nr_recorded_reports, 1, "%u reports of %p, want one %s", nr_recorded_reports,
		     addr, mm_report_kind_name(kind));
	cr_assert_eq(recorded_reports[0].kind, kind, "%p: %s reported, want %s", addr,
		     mm_report_kind_name(recorded_reports[0].kind), mm_report_kind_name(kind));
	cr_assert_eq(recorded_reports[0].addr, addr);
	cr_assert_not_null(recorded_reports[0].caller);
	nr_recorded_reports = 0;
	expect_unchanged(s, addr);
}

static void *large(size_t extra)
{
	void *p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1 + extra, GFP_KERNEL);

	cr_assert_not_null(p);
	return p;
}

Test(runs, double_free_of_a_large_block_is_reported_once)
{
	struct snapshot s;
	void *a, *guard;

	setup_heap(MISUSE_HEAP);
	a = large(1000);
	guard = large(0);
	kfree(a);
	take_snapshot(&s);
	kfree(a);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, a);
	kfree(guard);
	expect_one_free_run("after");
}

/* Blocks merged into free neighbours: a second free of any of them is a double free. */
Test(runs, double_free_of_a_merged_block_is_reported_once)
{
	size_t s3 = 3 * KMALLOC_MAX_CACHE_SIZE;
	struct snapshot s;
	void *a, *b, *c, *guard, *big;

	setup_heap(MISUSE_HEAP);
	a = large(10);
	b = large(20);
	c = large(30);
	guard = large(0);
	kfree(a);
	kfree(c);
	kfree(b); /* a swallows b, b swallows c */
	take_snapshot(&s);
	kfree(b);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, b);
	take_snapshot(&s);
	kfree(c);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, c);
	take_snapshot(&s);
	kfree(a);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, a);
	/* A new block over all three: the old headers inside it free nothing. */
	big = kmalloc(s3, GFP_KERNEL);
	cr_assert_eq(big, a);
	fill(big, 16, 1); /* leaves b's and c's old headers as they were */
	take_snapshot(&s);
	kfree(b);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, b);
	take_snapshot(&s);
	kfree(c);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, c);
	check_fill(big, 16, 1, "the block over the old headers");
	kfree(big);
	kfree(guard);
	expect_one_free_run("after");
}

Test(runs, free_of_a_pointer_inside_a_run_is_reported_once)
{
	/* its header too */
	static const ptrdiff_t offsets[] = { -(ptrdiff_t)GRAIN, GRAIN, 2 * GRAIN, 64, 512 };
	struct snapshot s;
	uintptr_t *forged;
	char *a;
	size_t i;

	setup_heap(MISUSE_HEAP);
	a = large(1000);
	fill(a, KMALLOC_MAX_CACHE_SIZE + 1001, 7);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		take_snapshot(&s);
		kfree(a + offsets[i]);
		expect_one_report(&s, MM_REPORT_INTERIOR_FREE, a + offsets[i]);
	}
	/* The same through the page calls. */
	take_snapshot(&s);
	free_pages(a + GRAIN, 0);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, a + GRAIN);
	check_fill(a, KMALLOC_MAX_CACHE_SIZE + 1001, 7, "after interior frees");
	/* Data that looks like a run's header (a small size, no flags) frees nothing:
	 * its check word does not hold. */
	forged = (uintptr_t *)(a + 256);
	forged[0] = 4 * GRAIN;
	forged[1] = 0;
	take_snapshot(&s);
	kfree(forged + 2);
	expect_one_report(&s, MM_REPORT_INTERIOR_FREE, forged + 2);
	forged[0] = 4 * GRAIN | PAGES_FLAG; /* as if from alloc_pages_exact() */
	take_snapshot(&s);
	free_pages_exact(forged + 2, 2 * GRAIN);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, forged + 2);
	kfree(a);
	expect_one_free_run("after");
}

Test(runs, free_of_a_misaligned_pointer_is_reported_once)
{
	struct snapshot s;
	char *a, *pg;

	setup_heap(MISUSE_HEAP);
	a = large(100);
	pg = get_free_pages(GFP_KERNEL, 1);
	cr_assert_not_null(pg);
	take_snapshot(&s);
	kfree(a + 1);
	expect_one_report(&s, MM_REPORT_INTERIOR_FREE, a + 1);
	take_snapshot(&s);
	kfree(a + GRAIN / 2);
	expect_one_report(&s, MM_REPORT_INTERIOR_FREE, a + GRAIN / 2);
	take_snapshot(&s);
	free_pages(pg + 8, 1);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, pg + 8);
	take_snapshot(&s);
	free_pages_exact(pg + 3, 2 * PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, pg + 3);
	kfree(a);
	free_pages(pg, 1);
	expect_one_free_run("after");
}

/* Free memory: the start of a free run's payload and any pointer inside one. */
Test(runs, free_of_a_pointer_into_a_free_run_is_reported_once)
{
	struct snapshot s;
	struct runs_view v;
	char *a, *guard, *top;

	setup_heap(MISUSE_HEAP);
	a = large(2000);
	guard = large(0);
	kfree(a); /* a free run between the heap's start and guard */
	get_view(0, &v);
	top = guard + run_bytes(guard); /* the payload of the free run above guard */
	take_snapshot(&s);
	kfree(a + 256);
	expect_one_report(&s, MM_REPORT_INTERIOR_FREE, a + 256);
	take_snapshot(&s);
	kfree(top);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, top);
	take_snapshot(&s);
	kfree(top + 4096);
	expect_one_report(&s, MM_REPORT_INTERIOR_FREE, top + 4096);
	take_snapshot(&s);
	free_pages(top + PAGE_SIZE * 2, 0);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, top + PAGE_SIZE * 2);
	take_snapshot(&s);
	free_pages_exact((void *)(v.heap_end - PAGE_SIZE), PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, (void *)(v.heap_end - PAGE_SIZE));
	kfree(guard);
	expect_one_free_run("after");
}

/* The state, the free lists, the pool table: no pointer into them frees anything. */
Test(runs, free_of_a_pointer_into_the_metadata_is_reported_once)
{
	struct snapshot s;
	struct runs_view v;
	void *a, *targets[4];
	size_t i;

	setup_heap(MISUSE_HEAP);
	a = large(0);
	get_view(0, &v);
	targets[0] = mm_state;
	targets[1] = &mm_state->kmalloc[1];
	targets[2] = (void *)(v.start + (v.heap_start - v.start) / 2);
	targets[3] = (void *)(v.heap_start - GRAIN);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		cr_assert(!mm_owns(targets[i]), "mm_owns(%p), metadata", targets[i]);
		cr_assert_eq(ksize(targets[i]), 0);
		take_snapshot(&s);
		kfree(targets[i]);
		expect_one_report(&s, MM_REPORT_FOREIGN_FREE, targets[i]);
		take_snapshot(&s);
		free_pages(targets[i], 0);
		expect_one_report(&s, MM_REPORT_BAD_PAGES, targets[i]);
	}
	kfree(a);
	expect_one_free_run("after");
}

Test(runs, free_of_a_foreign_pointer_is_reported_once)
{
	static char outside[4 * 1024] __attribute__((aligned(1024)));
	char here[64];
	void *targets[4];
	struct snapshot s;
	char *h = test_heap(MISUSE_HEAP + (64 << 10));
	size_t i;

	cr_assert_eq(mm_add_region(h + (64 << 10), MISUSE_HEAP), 0);
	large(0);
	targets[0] = outside;
	targets[1] = here + 16;
	targets[2] = h + (32 << 10); /* below the region */
	targets[3] = h + (64 << 10) + MISUSE_HEAP + 1024; /* above it */
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		take_snapshot(&s);
		kfree(targets[i]);
		expect_one_report(&s, MM_REPORT_FOREIGN_FREE, targets[i]);
		take_snapshot(&s);
		free_pages(targets[i], 0);
		expect_one_report(&s, MM_REPORT_BAD_PAGES, targets[i]);
	}
}

/* <mm/page_alloc.h>: free_pages() of anything but a get_free_pages() block is
 * BAD_PAGES; kfree() of what kmalloc() did not hand out is a foreign free. */
Test(runs, frees_through_the_wrong_call_are_reported_once)
{
	struct snapshot s;
	void *small, *big, *pg, *ex;

	setup_heap(MISUSE_HEAP);
	small = kmalloc(32, GFP_KERNEL);
	big = kmalloc(4 * PAGE_SIZE, GFP_KERNEL); /* a run of exactly 4 pages' payload */
	pg = get_free_pages(GFP_KERNEL, 2);
	ex = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	cr_assert(small && big && pg && ex);
	take_snapshot(&s);
	free_pages(big, 2);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, big);
	take_snapshot(&s);
	free_pages_exact(big, 4 * PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, big);
	take_snapshot(&s);
	free_pages(small, 0);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, small);
	take_snapshot(&s);
	kfree(pg);
	expect_one_report(&s, MM_REPORT_FOREIGN_FREE, pg);
	take_snapshot(&s);
	kfree(ex);
	expect_one_report(&s, MM_REPORT_FOREIGN_FREE, ex);
	take_snapshot(&s);
	free_pages(pg, 1);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, pg);
	take_snapshot(&s);
	free_pages(pg, 3);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, pg);
	take_snapshot(&s);
	free_pages_exact(ex, 4 * PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, ex);
	take_snapshot(&s);
	free_pages_exact(ex, 2 * PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_BAD_PAGES, ex);
	/* Each block still frees through its own call. */
	kfree(small);
	kfree(big);
	free_pages(pg, 2);
	free_pages_exact(ex, 3 * PAGE_SIZE);
	take_snapshot(&s);
	free_pages(pg, 2);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, pg);
	take_snapshot(&s);
	free_pages_exact(ex, 3 * PAGE_SIZE);
	expect_one_report(&s, MM_REPORT_DOUBLE_FREE, ex);
	mm_shrink();
	expect_one_free_run("after");
}

/* ---- bounded work: no call walks the runs ------------------------------------------- */

/*
 * A white-box count of the work each run_alloc() and run_free() does, with
 * no counter in mm/: the heap's host pages are made inaccessible, and each
 * first touch of one during the call faults, is counted and let through. A
 * call that walked a free list or the runs would touch a page per run it
 * looked at; the heap is laid out so that each free run has host pages of
 * its own and every list holds BOUND_COPIES of them, more than the bound.
 */
#if __has_include(<sys/mman.h>) /* the host; a board has no mprotect() and no SIGSEGV */
#include <sys/mman.h>

#define BOUND_HEAP ((size_t)16 << 20)
#define BOUND_COPIES 32 /* free runs of each size class */
#define BOUND_PAGES 16 /* host pages one call may touch: a few headers and neighbours */

static uintptr_t guard_lo, guard_hi;
static size_t host_page;
static volatile sig_atomic_t nr_touched;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	if (a < guard_lo || a >= guard_hi) {
		signal(sig, SIG_DFL); /* a real fault: it comes back and kills the test */
		return;
	}
	mprotect((void *)(a & ~(uintptr_t)(host_page - 1)), host_page, PROT_READ | PROT_WRITE);
	nr_touched++;
}

static void guard(bool on)
{
	cr_assert_eq(mprotect((void *)guard_lo, guard_hi - guard_lo,
			      on ? PROT_NONE : PROT_READ | PROT_WRITE),
		     0);
	nr_touched = 0;
}

static unsigned int worst_alloc, worst_free;

/* Allocate @bytes (aligned to @align) and free it, each under the guard. */
static void measure(size_t bytes, size_t align, bool public_api)
{
	unsigned int a, f;
	void *p;

	guard(true);
	if (!public_api)
		p = raw_alloc(bytes, align);
	else if (align)
		p = get_free_pages(GFP_KERNEL, (unsigned int)__builtin_ctzl(align / PAGE_SIZE));
	else
		p = kmalloc(bytes, GFP_KERNEL);
	a = (unsigned int)nr_touched;
	guard(false);
	cr_assert_not_null(p, "%zu bytes aligned to %zu: failed", bytes, align);
	guard(true);
	if (!public_api)
		raw_free(p);
	else if (align)
		free_pages(p, (unsigned int)__builtin_ctzl(align / PAGE_SIZE));
	else
		kfree(p);
	f = (unsigned int)nr_touched;
	guard(false);
	cr_assert(a <= BOUND_PAGES, "allocating %zu bytes (align %zu) touched %u pages", bytes,
		  align, a);
	cr_assert(f <= BOUND_PAGES, "freeing %zu bytes (align %zu) touched %u pages", bytes, align,
		  f);
	worst_alloc = a > worst_alloc ? a : worst_alloc;
	worst_free = f > worst_free ? f : worst_free;
}

/* Run sizes at every eighth of each power of two, from the smallest run to @max. */
static size_t class_sizes(size_t *out, size_t max)
{
	size_t n = 0, u, step;

	for (u = RUN_MIN_BYTES / GRAIN; u < 8; u++)
		out[n++] = u * GRAIN;
	for (step = 1; 8 * step * GRAIN <= max; step *= 2)
		for (u = 8 * step; u < 16 * step && u * GRAIN <= max; u += step)
			out[n++] = u * GRAIN;
	return n;
}

Test(runs, alloc_and_free_touch_a_bounded_number_of_runs, .timeout = 60)
{
	size_t sizes[128], nr_sizes, i, c, nr_victims = 0, gap;
	void **victims = calloc(128 * BOUND_COPIES, sizeof(*victims));
	struct sigaction sa = { 0 }, old;
	struct runs_view v;
	uintptr_t at;
	unsigned int o;

	host_page = (size_t)sysconf(_SC_PAGESIZE);
	setup_heap(BOUND_HEAP);
	get_view(0, &v);
	nr_sizes = class_sizes(sizes, 2 * host_page);
	/* The first host page boundary with room for a run before it. */
	at = (v.heap_start + RUN_MIN_BYTES + host_page - 1) & ~(uintptr_t)(host_page - 1);
	place(at - v.heap_start, v.heap_start);
	/* Each free run on host pages of its own, an allocated run after it. */
	for (c = 0; c < BOUND_COPIES; c++) {
		for (i = 0; i < nr_sizes; i++) {
			victims[nr_victims++] = place(sizes[i], at);
			at += sizes[i];
			gap = host_page - at % host_page;
			if (gap < RUN_MIN_BYTES)
				gap += host_page;
			place(gap, at);
			at += gap;
		}
	}
	for (i = 0; i < nr_victims; i++)
		raw_free(victims[i]);
	get_view(0, &v);
	cr_assert_eq(v.nr_free, nr_victims + 1, "the free runs merged");
	expect_valid("fragmented");

	guard_lo = (v.heap_start + host_page - 1) & ~(uintptr_t)(host_page - 1);
	guard_hi = v.heap_end & ~(uintptr_t)(host_page - 1);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGSEGV, &sa, &old), 0);
	/* The guard sees a walk: touching every run of a list is more than the bound. */
	guard(true);
	for (i = 0; i < nr_victims; i++)
		(void)*(volatile uintptr_t *)((uintptr_t)victims[i] - GRAIN);
	cr_assert_eq((size_t)nr_touched, nr_victims, "each free run on pages of its own");
	guard(false);
	cr_assert_gt(BOUND_COPIES, BOUND_PAGES);

	/* Every size class: its exact size, one grain more (the next list), and larger ones. */
	for (i = 0; i < nr_sizes; i++) {
		measure(sizes[i] - GRAIN, 0, false);
		measure(sizes[i], 0, false);
		if (sizes[i] > KMALLOC_MAX_CACHE_SIZE + GRAIN)
			measure(sizes[i] - GRAIN, 0, true);
	}
	measure(64 << 10, 0, true);
	measure(1 << 20, 0, true);
	/* Pools and pages: aligned runs. */
	measure(PAGE_SIZE - GRAIN, PAGE_SIZE, false);
	for (o = 0; o <= 6; o++)
		measure(PAGE_SIZE << o, PAGE_SIZE << o, true);
	/* A free that merges on both sides. */
	{
		void *x = raw_alloc(5000, 0), *y = raw_alloc(5000, 0), *z = raw_alloc(5000, 0);

		cr_assert(x && y && z);
		raw_free(x);
		raw_free(z);
		guard(true);
		raw_free(y);
		c = (size_t)nr_touched;
		guard(false);
		cr_assert(c <= BOUND_PAGES, "a free merging both ways touched %zu pages", c);
	}
	sigaction(SIGSEGV, &old, NULL);
	fprintf(stderr,
		"runs/bounded: %zu free runs; at most %u pages touched per alloc, %u per free\n",
		nr_victims, worst_alloc, worst_free);
	get_view(0, &v);
	cr_assert_eq(v.nr_free, nr_victims + 1, "the measured calls changed the free runs");
	expect_valid("after the measured calls");
	cr_assert_eq(nr_recorded_reports, 0);
	free(victims);
}
#else
Test(runs, alloc_and_free_touch_a_bounded_number_of_runs)
{
	cr_skip_test("counts the host pages a call touches: needs mprotect() and SIGSEGV");
}
#endif

/* ---- set-up before the first allocation (both modes) ------------------------------ */

Test(runs_any, caches_are_ready_when_the_region_is_added)
{
	struct mm_state *snap = malloc(sizeof(*snap));
	struct mm_cache_stats cs;
	struct mm_stats before, after;
	char name[32];
	unsigned int i;
	void *p;

	cr_assert(!state_ready());
	setup_heap(1 << 20);
	cr_assert(state_ready(), "mm_add_region() returned before the slab layer was up");
	before = stats();
	cr_assert_eq(before.nr_caches, NR_KMALLOC_CLASSES + 1, "%u caches, want %u",
		     before.nr_caches, (unsigned int)(NR_KMALLOC_CLASSES + 1));
	cr_assert_eq(before.nr_pools, 0);
	cr_assert_eq(before.nr_allocs, 0);
	cr_assert_eq(before.live_bytes, 0);
	cr_assert(before.meta_bytes >= mm_state_bytes(), "the state is not in the region");
	cr_assert(mm_get_cache_stats(0, &cs) && !strcmp(cs.name, "kmem_cache"));
	for (i = 0; i < NR_KMALLOC_CLASSES; i++) {
		cr_assert(mm_get_cache_stats(i + 1, &cs), "no cache %u", i + 1);
		snprintf(name, sizeof(name), "kmalloc-%lu", (unsigned long)cs.object_size);
		cr_assert_str_eq(cs.name, name);
		cr_assert(cs.objs_per_pool > 0 && cs.total_pools == 0, "%s", cs.name);
	}
	cr_assert_eq(cs.object_size, KMALLOC_MAX_CACHE_SIZE, "the last class");
	cr_assert(!mm_get_cache_stats(NR_KMALLOC_CLASSES + 1, &cs));

	/* The first allocation changes its own class only: nothing else is set up. */
	memcpy(snap, mm_state, sizeof(*snap));
	p = kmalloc(1, GFP_KERNEL);
	cr_assert_not_null(p);
	after = stats();
	cr_assert_eq(after.nr_caches, before.nr_caches);
	cr_assert_eq(after.meta_bytes, before.meta_bytes);
	cr_assert_eq(after.nr_pools, 1);
	cr_assert_eq(memcmp(&snap->boot, &mm_state->boot, sizeof(snap->boot)), 0,
		     "the first kmalloc changed the cache of caches");
	for (i = 1; i < NR_KMALLOC_CLASSES; i++)
		cr_assert_eq(
			memcmp(&snap->kmalloc[i], &mm_state->kmalloc[i], sizeof(snap->kmalloc[i])),
			0, "the first kmalloc changed class %u", i);
	cr_assert_eq(memcmp(snap->names, mm_state->names, sizeof(snap->names)), 0);
	cr_assert_eq(memcmp(snap->size_cache, mm_state->size_cache, sizeof(snap->size_cache)), 0);
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 0);
	expect_valid("after");
	free(snap);
}

/* In static mode a pool is a run of exactly one page: that is all the first kmalloc takes. */
Test(runs, the_first_kmalloc_takes_one_pool_run)
{
	struct runs_view v0, v1;
	struct mm_stats st;
	void *p;

	setup_heap(1 << 20);
	get_view(0, &v0);
	p = kmalloc(1, GFP_KERNEL);
	cr_assert_not_null(p);
	get_view(0, &v1);
	st = stats();
	cr_assert_eq(v1.used, PAGE_SIZE, "%zu bytes in use, want one page", v1.used);
	cr_assert_eq(st.used_bytes, PAGE_SIZE);
	cr_assert_eq(st.pool_bytes, PAGE_SIZE);
	cr_assert_eq(v1.free_bytes, v0.free_bytes - PAGE_SIZE);
	cr_assert_leq(v1.nr_runs, v0.nr_runs + 2, "the pool splits one free run at most in three");
	kfree(p);
	mm_shrink();
	expect_one_free_run("after");
}

/* ---- randomized model check (both modes) ------------------------------------------ */

#define MODEL_HEAP ((size_t)4 << 20)
#define MODEL_OPS 60000
#define MODEL_LIVE 512
#define MODEL_LIVE_BYTES ((size_t)1 << 20) /* stays far below the heap: nothing may fail */

/* Bytes under the pools a live block takes: its run (static mode) or its pages. */
static size_t footprint(const struct blk *b)
{
	if (!IS_ENABLED(CONFIG_MM_PAGE_ALLOC))
		return run_bytes(b->p);
	if (b->kind == K_PAGES)
		return PAGE_SIZE << b->order;
	return (b->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* A run is its request to the grain (whole pages for alloc_pages_exact()), a
 * header, and less than RUN_MIN more. */
static void check_tight(const struct blk *b)
{
	size_t want = run_for(b->kind == K_EXACT ? (b->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
						 : b->size),
	       got;

	if (IS_ENABLED(CONFIG_MM_PAGE_ALLOC))
		return;
	got = run_bytes(b->p);
	cr_assert(got >= want && got - want < RUN_MIN_BYTES,
		  "kind %d of %zu bytes: a run of %zu bytes, want %zu to %zu", b->kind, b->size,
		  got, want, want + RUN_MIN_BYTES - 1);
}

static bool in_pool(const struct blk *b)
{
	return b->kind == K_KMALLOC && b->size <= KMALLOC_MAX_CACHE_SIZE;
}

static struct blk model_blk(void)
{
	struct blk b = { 0 };
	unsigned int k = (unsigned int)(rnd() % 10);

	if (k < 4) {
		b.kind = K_KMALLOC;
		b.size = rnd_range(1, KMALLOC_MAX_CACHE_SIZE);
	} else if (k < 7) {
		b.kind = K_KMALLOC;
		b.size = KMALLOC_MAX_CACHE_SIZE + rnd_range(1, (rnd() & 1) ? 4000 : 40000);
	} else if (k < 9) {
		b.kind = K_PAGES;
		b.order = (unsigned int)(rnd() % 5);
	} else {
		b.kind = K_EXACT;
		b.size = rnd_range(1, 9 * PAGE_SIZE);
	}
	b.seed = (unsigned int)rnd();
	return b;
}

/* The figures agree with the model: live bytes, large blocks, what is in use. */
static void check_model(const struct blk *live, size_t n, const char *when)
{
	struct mm_stats st = stats();
	size_t ks = 0, nr_large = 0, under = 0, i;
	struct runs_view v;

	for (i = 0; i < n; i++) {
		if (live[i].kind == K_KMALLOC)
			ks += ksize(live[i].p);
		if (live[i].kind == K_KMALLOC && !in_pool(&live[i]))
			nr_large++;
		if (!in_pool(&live[i]))
			under += footprint(&live[i]);
	}
	cr_assert_eq(st.live_bytes, ks, "%s: %zu live bytes, the blocks' ksize() %zu", when,
		     st.live_bytes, ks);
	cr_assert_eq(st.nr_large, nr_large, "%s: %zu large blocks, model %zu", when, st.nr_large,
		     nr_large);
	if (IS_ENABLED(CONFIG_MM_PAGE_ALLOC)) {
		cr_assert_geq(st.used_bytes, st.pool_bytes + under, "%s", when);
		return;
	}
	get_view(0, &v);
	cr_assert_eq(v.free_bytes + v.used, v.heap_end - v.heap_start,
		     "%s: free %zu + used %zu is not the heap's %zu", when, v.free_bytes, v.used,
		     v.heap_end - v.heap_start);
	cr_assert_eq(v.used, st.pool_bytes + under,
		     "%s: %zu bytes in use, pools %zu + the blocks' runs %zu", when, v.used,
		     st.pool_bytes, under);
	cr_assert_eq(st.free_bytes, v.free_bytes, "%s", when);
}

Test(runs_any, random_ops_match_a_model, .timeout = 120)
{
	struct blk *live = calloc(MODEL_LIVE, sizeof(*live));
	size_t n = 0, live_bytes = 0, i, initial_free;
	unsigned long op;

	seed_rng("runs_any/random_ops_match_a_model");
	setup_heap(MODEL_HEAP);
	initial_free = stats().free_bytes;
	for (op = 0; op < MODEL_OPS; op++) {
		if (n < MODEL_LIVE && live_bytes < MODEL_LIVE_BYTES && (n == 0 || rnd() % 2)) {
			struct blk b = model_blk();

			cr_assert_not_null(blk_alloc(&b), "op %lu: kind %d of %zu bytes failed", op,
					   b.kind, b.size);
			cr_assert_eq((uintptr_t)b.p % promised_align(&b), 0,
				     "op %lu: %p (kind %d, %zu bytes) not aligned to %zu", op, b.p,
				     b.kind, b.size, promised_align(&b));
			cr_assert(mm_owns(b.p) && mm_owns((char *)b.p + b.size - 1));
			for (i = 0; i < n; i++)
				cr_assert((char *)b.p + b.size <= (char *)live[i].p ||
						  (char *)live[i].p + live[i].size <= (char *)b.p,
					  "op %lu: %p (%zu bytes) overlaps live %p (%zu bytes)", op,
					  b.p, b.size, live[i].p, live[i].size);
			if (!in_pool(&b))
				check_tight(&b);
			fill(b.p, b.size, b.seed);
			live[n++] = b;
			live_bytes += b.size;
		} else {
			i = (size_t)(rnd() % n);
			check_fill(live[i].p, live[i].size, live[i].seed, "before free");
			blk_free(&live[i]);
			live_bytes -= live[i].size;
			live[i] = live[--n];
		}
		if (op % 512 == 0) {
			check_model(live, n, "periodic");
			for (i = 0; i < n; i++)
				check_fill(live[i].p, live[i].size, live[i].seed, "periodic");
			expect_valid("periodic");
		}
	}
	check_model(live, n, "end");
	while (n--)
		blk_free(&live[n]);
	mm_shrink();
	cr_assert_eq(stats().free_bytes, initial_free, "not every byte came back");
	cr_assert_eq(stats().used_bytes, 0);
	expect_valid("all freed");
	cr_assert_eq(nr_recorded_reports, 0);
	free(live);
}

/* ---- bad region input ---------------------------------------------------------------- */

/* Nothing was set up: no region, no state, no allocation. */
static void expect_no_heap(void)
{
	cr_assert_eq(mm_nr_regions, 0);
	cr_assert(!state_ready(), "a refused region set the allocator up");
	cr_assert_null(kmalloc(16, GFP_KERNEL));
	cr_assert_null(kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL));
	cr_assert_null(get_free_pages(GFP_KERNEL, 0));
}

/* The bytes of [@p, @p + @n) still hold @c. */
static void expect_untouched(const void *p, size_t n, int c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		cr_assert_eq(b[i], (unsigned char)c, "byte %zu of a refused region written", i);
}

/* A later valid region works: the allocator, set up by it, allocates and validates. */
static void expect_heap_works(void)
{
	void *a = kmalloc(24, GFP_KERNEL), *b = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	void *c = get_free_pages(GFP_KERNEL, 0);

	cr_assert(a && b && c, "no allocation from a region added after refused ones");
	kfree(a);
	kfree(b);
	free_pages(c, 0);
	mm_shrink();
	expect_valid("after");
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(runs, a_region_too_small_for_the_state_is_refused_and_changes_nothing)
{
	size_t state = mm_state_bytes();
	const size_t sizes[] = {
		0, 1, sizeof(void *), state - 1, state, state + PAGE_SIZE, state + 2 * PAGE_SIZE
	};
	char *h = test_heap(1 << 20);
	size_t i;

	memset(h, 0xa5, state + 4 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		cr_assert_eq(mm_add_region(h + 8, sizes[i]), -MM_EINVAL, "%zu bytes accepted",
			     sizes[i]);
		expect_no_heap();
	}
	expect_untouched(h, state + 4 * PAGE_SIZE, 0xa5);
	cr_assert_eq(nr_recorded_reports, 0);
	cr_assert_eq(mm_add_region(h + 8, 1 << 19), 0);
	expect_heap_works();
}

/* The smallest first region accepted is one that serves every kind of block. */
Test(runs, the_smallest_region_accepted_serves_every_kind_of_block)
{
	char *h = test_heap(1 << 20);
	size_t size = mm_state_bytes();
	void *p;

	while (mm_add_region(h + 3, size) != 0) {
		expect_no_heap();
		cr_assert(++size < mm_state_bytes() + 8 * PAGE_SIZE, "no size accepted");
	}
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE, GFP_KERNEL);
	cr_assert_not_null(p, "the smallest region (%zu bytes) holds no pool", size);
	kfree(p);
	mm_shrink();
	p = kmalloc(1, GFP_KERNEL);
	cr_assert_not_null(p, "the smallest region holds no pool of the smallest class");
	kfree(p);
	mm_shrink();
	p = get_free_pages(GFP_KERNEL, 0);
	cr_assert_not_null(p, "the smallest region (%zu bytes) holds no page", size);
	free_pages(p, 0);
	expect_one_free_run("smallest");
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(runs, null_and_wrapping_regions_are_refused)
{
	uintptr_t top = UINTPTR_MAX & ~(uintptr_t)(PAGE_SIZE - 1);
	size_t state = mm_state_bytes();
	/* Too small, at the top of the address space: what comes after the start
	 * must not wrap around to low addresses and be taken for room. */
	const struct {
		uintptr_t start;
		size_t size;
	} bad[] = {
		{ 0, 1 << 20 },
		{ top - PAGE_SIZE, 4 * PAGE_SIZE }, /* wraps */
		{ top, SIZE_MAX },
		{ top - 3 * PAGE_SIZE, 4 * PAGE_SIZE }, /* ends past the last address */
		{ UINTPTR_MAX, 1 },
		{ UINTPTR_MAX - 2, 2 }, /* its start, rounded up, wraps */
		{ UINTPTR_MAX - 100, 50 }, /* the state after it would wrap */
		{ UINTPTR_MAX - 60, 60 }, /* the state, or (after) its free lists would wrap */
		{ UINTPTR_MAX - 4 * PAGE_SIZE, 2 * PAGE_SIZE },
		/* Last: room for the state, then its free lists would wrap. Without
		 * the state (after the first region) it is a region that fits. */
		{ UINTPTR_MAX - 55 - state, state + 55 },
	};
	char *h = test_heap(1 << 20);
	struct runs_view v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cr_assert_eq(mm_add_region((void *)bad[i].start, bad[i].size), -MM_EINVAL,
			     "[%#lx, +%#zx) before any region", (unsigned long)bad[i].start,
			     bad[i].size);
		expect_no_heap();
	}
	cr_assert_eq(mm_add_region(h, 1 << 19), 0);
	get_view(0, &v);
	for (i = 0; i < ARRAY_SIZE(bad) - 1; i++)
		cr_assert_eq(mm_add_region((void *)bad[i].start, bad[i].size), -MM_EINVAL,
			     "[%#lx, +%#zx) after a region", (unsigned long)bad[i].start,
			     bad[i].size);
	cr_assert_eq(mm_nr_regions, 1);
	expect_heap_works();
	expect_one_free_run("after");
}

/* Region A of the overlap tests, and ranges that overlap it by a byte or more. */
#define A_OFF ((size_t)(256 << 10) + 100)
#define A_SIZE ((size_t)256 << 10)

Test(runs, overlapping_regions_are_refused_and_change_nothing)
{
	char *h = test_heap(2 << 20);
	uintptr_t a = (uintptr_t)h + A_OFF;
	const struct {
		uintptr_t start;
		size_t size;
	} bad[] = {
		{ (uintptr_t)h, A_OFF + 1 }, /* ends a byte into A's pad */
		{ a + A_SIZE - 1, A_SIZE }, /* starts in A's last byte */
		{ a + 10 * PAGE_SIZE, 16 * PAGE_SIZE }, /* inside A */
		{ (uintptr_t)h, 1 << 20 }, /* around A */
		{ a, A_SIZE }, /* A again */
	};
	struct snapshot s;
	size_t i;

	cr_assert_eq(mm_add_region((void *)a, A_SIZE), 0);
	large(0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		take_snapshot(&s);
		cr_assert_eq(mm_add_region((void *)bad[i].start, bad[i].size), -MM_EINVAL,
			     "[%#lx, +%#zx) overlaps and was accepted", (unsigned long)bad[i].start,
			     bad[i].size);
		cr_assert_eq(mm_nr_regions, 1);
		cr_assert_eq(nr_recorded_reports, 0);
		expect_unchanged(&s, (void *)bad[i].start);
	}
	expect_heap_works();
}

/* The default static build takes one region: a second is refused, as documented. */
Test(runs, a_second_region_is_refused_with_enospc,
     .disabled = NO_RUNS || CONFIG_MM_MAX_REGIONS != 1)
{
	char *h = test_heap(2 << 20);
	struct snapshot s;

	cr_assert_eq(mm_add_region(h, 1 << 20), 0);
	large(0);
	memset(h + (1 << 20), 0x5a, 1 << 20);
	take_snapshot(&s);
	cr_assert_eq(mm_add_region(h + (1 << 20), 1 << 20), -MM_ENOSPC);
	cr_assert_eq(mm_nr_regions, 1);
	expect_untouched(h + (1 << 20), 1 << 20, 0x5a);
	cr_assert_eq(nr_recorded_reports, 0);
	expect_unchanged(&s, h + (1 << 20));
	expect_heap_works();
}

/* With CONFIG_MM_MAX_REGIONS=2: the second region needs no state, serves when the
 * first runs dry, coalesces on its own; a third is refused. */
Test(runs, a_second_region_is_used_when_the_build_takes_two,
     .disabled = NO_RUNS || CONFIG_MM_MAX_REGIONS < 2)
{
	char *h = test_heap(4 << 20);
	uintptr_t second = (uintptr_t)h + (1 << 20) + 77;
	/* As small as the state (at least what a region needs for a heap):
	 * the second region carries no state of its own. */
	size_t small = mm_state_bytes() > 3 * PAGE_SIZE ? mm_state_bytes() : 3 * PAGE_SIZE;
	size_t n = 0, in_second = 0;
	void **got = calloc(4096, sizeof(*got));
	struct runs_view v0, v1;

	cr_assert_eq(mm_add_region(h, 64 << 10), 0);
	cr_assert_eq(mm_add_region((void *)second, small), 0, "a second region of %zu bytes",
		     small);
	cr_assert_eq(mm_nr_regions, 2);
	get_view(0, &v0);
	get_view(1, &v1);
	cr_assert((uintptr_t)mm_state >= v0.start && (uintptr_t)mm_state < v0.heap_start,
		  "the state is in the first region");
	cr_assert_eq(v1.nr_runs, 1);
	cr_assert_eq(v1.free_bytes, v1.heap_end - v1.heap_start);
	while ((got[n] = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL)) != NULL) {
		if ((uintptr_t)got[n] >= v1.heap_start && (uintptr_t)got[n] < v1.heap_end)
			in_second++;
		else
			cr_assert_eq(in_second, 0, "block %zu from the first after the second", n);
		n++;
	}
	cr_assert_gt(in_second, 0, "nothing from the second region");
	if (CONFIG_MM_MAX_REGIONS == 2)
		cr_assert_eq(mm_add_region(h + (2 << 20), 1 << 20), -MM_ENOSPC);
	while (n--)
		kfree(got[n]);
	get_view(1, &v1);
	cr_assert(v1.nr_runs == 1 && v1.free_bytes == v1.heap_end - v1.heap_start,
		  "the second region is one free run again");
	expect_one_free_run("first");
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}
