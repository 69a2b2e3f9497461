// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_debug.c - the debug layer and the validator: each finds the
 * corruption it is for, reports it exactly once, and leaves the heap sound.
 * Most tests need CONFIG_MM_DEBUG=1 (the debug build of the unit tests) and
 * are skipped in the default build; the validator tests run in both.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/debug.h>
#include <mm/poison.h>
#include <mm/slab.h>
#include "internal.h"
#include "helpers.h"

#define HEAP_SIZE (2u << 20)
#define NO_DEBUG (!CONFIG_MM_DEBUG)

static void heap_debug_all(void)
{
	setup_heap(HEAP_SIZE);
	if (CONFIG_MM_DEBUG)
		cr_assert_eq(mm_debug_enable(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER), 0);
}

static void heap_plain(void)
{
	setup_heap(HEAP_SIZE);
}

TestSuite(debug, .init = heap_debug_all);
TestSuite(validate, .init = heap_plain);
TestSuite(debug_cache, .init = heap_plain);

/* Live blocks with known contents, to show that a report costs them nothing. */
#define NR_WITNESSES 32
static unsigned char *witness[NR_WITNESSES];

static void make_witnesses(void)
{
	int i;

	for (i = 0; i < NR_WITNESSES; i++) {
		witness[i] = kmalloc((size_t)(i * 13 + 1), GFP_KERNEL);
		memset(witness[i], i, (size_t)(i * 13 + 1));
	}
}

static void check_witnesses(void)
{
	int i, j;

	for (i = 0; i < NR_WITNESSES; i++)
		for (j = 0; j < i * 13 + 1; j++)
			cr_assert_eq(witness[i][j], i, "witness %d byte %d changed", i, j);
}

/* After a report: one report of @kind, nothing else wrong, the rest intact. */
static void expect_one_report(enum mm_report_kind kind)
{
	cr_assert_eq(nr_recorded_reports, 1, "%u reports, first: %s", nr_recorded_reports,
		     nr_recorded_reports ? mm_report_kind_name(recorded_reports[0].kind) : "-");
	cr_assert_eq(recorded_reports[0].kind, kind, "got %s",
		     mm_report_kind_name(recorded_reports[0].kind));
	cr_assert_eq(mm_validate(), 0, "validation after the report");
	check_witnesses();
}

static __attribute__((noinline)) void *alloc_site_a(size_t n)
{
	return kmalloc(n, GFP_KERNEL);
}

static __attribute__((noinline)) void *alloc_site_b(size_t n)
{
	return kmalloc(n, GFP_KERNEL);
}

Test(debug, write_past_the_requested_size_is_reported_at_free, .disabled = NO_DEBUG)
{
	char *p;

	make_witnesses();
	p = alloc_site_a(20);
	p[20] = 'x'; /* one byte past the request, inside the size class */
	kfree(p);
	expect_one_report(MM_REPORT_RED_ZONE);
	cr_assert_eq(recorded_reports[0].object, p);
	cr_assert_eq(recorded_reports[0].bad, p + 20);
	cr_assert_str_eq(recorded_reports[0].cache,
			 MM_MIN_ALIGN == 8 ? "kmalloc-24" : "kmalloc-32");
	cr_assert_not_null(recorded_reports[0].alloc_caller, "the allocating site is stored");
	cr_assert_gt(recorded_reports[0].alloc_serial, 0);
}

Test(debug, write_before_the_start_is_reported_at_free, .disabled = NO_DEBUG)
{
	char *p;

	make_witnesses();
	p = kmalloc(64, GFP_KERNEL);
	p[-1] = 0;
	kfree(p);
	expect_one_report(MM_REPORT_RED_ZONE);
	cr_assert_eq(recorded_reports[0].bad, p - 1);
}

Test(debug, overflow_of_a_live_object_is_found_by_validation_once, .disabled = NO_DEBUG)
{
	struct kmem_cache *s = kmem_cache_create("obj", 100, 0, 0, NULL);
	char *p;

	make_witnesses();
	p = kmem_cache_alloc(s, GFP_KERNEL);
	p[101] = 1;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_RED_ZONE), 1);
	cr_assert_eq(mm_validate(), 0, "the red zone was rewritten after the report");
	kmem_cache_free(s, p);
	cr_assert_eq(nr_recorded_reports, 1);
	check_witnesses();
}

Test(debug, write_to_a_freed_object_is_reported_at_its_next_allocation, .disabled = NO_DEBUG)
{
	struct kmem_cache *s = kmem_cache_create("uaf", 48, 0, 0, NULL);
	char *p, *q;

	make_witnesses();
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	p[10] = 42; /* use after free */
	/* Objects never used come first; the report comes when p does. */
	while ((q = kmem_cache_alloc(s, GFP_KERNEL)) != p) {
		cr_assert_not_null(q);
		cr_assert_eq(nr_recorded_reports, 0, "reported before the freed slot came back");
	}
	expect_one_report(MM_REPORT_POISON);
	cr_assert_eq(recorded_reports[0].bad, p + 10);
	cr_assert_not_null(recorded_reports[0].free_caller, "the freeing site is stored");
	cr_assert_gt(recorded_reports[0].free_serial, recorded_reports[0].alloc_serial);
}

Test(debug, write_to_a_freed_object_is_found_by_validation, .disabled = NO_DEBUG)
{
	char *p = kmalloc(60, GFP_KERNEL); /* a class in every build */

	make_witnesses();
	kfree(p);
	p[59] = 0;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_POISON), 1);
	cr_assert_eq(mm_validate(), 0);
}

Test(debug, new_objects_are_filled_with_the_inuse_pattern, .disabled = NO_DEBUG)
{
	unsigned char *p = kmalloc(50, GFP_KERNEL);
	unsigned char *z = kzalloc(50, GFP_KERNEL);
	int i;

	for (i = 0; i < 50; i++) {
		cr_assert_eq(p[i], POISON_INUSE);
		cr_assert_eq(z[i], 0, "__GFP_ZERO wins over poison");
	}
}

Test(debug, double_free_after_other_frees_is_reported, .disabled = NO_DEBUG)
{
	void *a, *b, *c, *d;

	make_witnesses();
	a = kmalloc(32, GFP_KERNEL);
	b = kmalloc(32, GFP_KERNEL);
	kfree(a);
	kfree(b); /* a is no longer the head of the free list */
	kfree(a);
	expect_one_report(MM_REPORT_DOUBLE_FREE);
	cr_assert_not_null(recorded_reports[0].free_caller);
	c = kmalloc(32, GFP_KERNEL);
	d = kmalloc(32, GFP_KERNEL);
	cr_assert_neq(c, d, "the free list was not corrupted");
}

Test(debug, ksize_is_the_requested_size, .disabled = NO_DEBUG)
{
	void *p = kmalloc(21, GFP_KERNEL);

	cr_assert_eq(ksize(p), 21, "everything past the request is red zone");
	kfree(p);
}

Test(debug, power_of_two_blocks_stay_aligned, .disabled = NO_DEBUG)
{
	size_t size;
	int i;

	for (size = 8; size <= KMALLOC_ALIGNED_MAX; size <<= 1)
		for (i = 0; i < 4; i++)
			cr_assert_eq((uintptr_t)kmalloc(size, GFP_KERNEL) % size, 0, "size %zu",
				     size);
}

Test(debug, enable_after_the_first_allocation_is_refused, .disabled = NO_DEBUG)
{
	kmalloc(8, GFP_KERNEL);
	cr_assert_eq(mm_debug_enable(SLAB_POISON), -MM_EBUSY);
	cr_assert_eq(mm_debug_enable(SLAB_HWCACHE_ALIGN), -MM_EINVAL);
}

Test(debug_cache, per_cache_flags_without_global_debug, .disabled = NO_DEBUG)
{
	struct kmem_cache *s = kmem_cache_create("rz", 40, 0, SLAB_RED_ZONE, NULL);
	char *p = kmem_cache_alloc(s, GFP_KERNEL);
	char *q = kmalloc(40, GFP_KERNEL);

	q[40] = 1; /* kmalloc caches are not debugged here: not caught */
	p[40] = 1;
	kmem_cache_free(s, p);
	kfree(q);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(recorded_reports[0].kind, MM_REPORT_RED_ZONE);
	cr_assert_str_eq(recorded_reports[0].cache, "rz");
}

/* A size of a class (objects of classes have sites; larger blocks do not). */
/* The larger site's blocks: a size class in every build (with the debug
 * layer, sites are kept for pool objects). */
#define BIG_SITE_BYTES \
	(KMALLOC_MAX_CACHE_SIZE < 300 ? 60 : KMALLOC_MAX_CACHE_SIZE < 1000 ? 300 : 1000)

static void big_site(void **keep)
{
	int i;

	for (i = 0; i < 10; i++)
		keep[i] = alloc_site_a(BIG_SITE_BYTES);
}

static char text[8192];
static size_t text_len;

static void write_text(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	cr_assert_lt(text_len + n, sizeof(text));
	memcpy(text + text_len, s, n);
	text_len += n;
	text[text_len] = '\0';
}

Test(debug, leak_report_groups_by_site_biggest_first, .disabled = NO_DEBUG)
{
	const struct mm_printer p = { write_text, NULL };
	void *keep[20];
	char *a, *b;
	int i;

	big_site(keep);
	for (i = 10; i < 20; i++)
		keep[i] = alloc_site_b(10);
	mm_print_live(&p);
	a = strstr(text, BIG_SITE_BYTES == 1000	 ? "  10000        10"
			 : BIG_SITE_BYTES == 300 ? "   3000        10"
						 : "    600        10");
	b = strstr(text, "    100        10");
	cr_assert_not_null(a, "%s", text);
	cr_assert_not_null(b, "%s", text);
	cr_assert_lt(a, b, "the biggest site first:\n%s", text);
}

Test(debug, fail_nth_fails_exactly_that_allocation, .disabled = NO_DEBUG)
{
	struct mm_stats st;

	mm_fail_nth(3);
	cr_assert_not_null(kmalloc(10, GFP_KERNEL));
	cr_assert_not_null(kmalloc(10000, GFP_KERNEL));
	cr_assert_null(kmalloc(10, GFP_KERNEL));
	cr_assert_not_null(kmalloc(10, GFP_KERNEL));
	mm_get_stats(&st);
	cr_assert_eq(st.nr_failures, 1);
}

/* A realistic workload: a hash table of strings growing with krealloc, nodes
 * from a cache, a page-backed buffer. Every failure is handled: on NULL it
 * undoes what it built and returns -1. */
struct node {
	struct node *next;
	char *key;
};

static int workload(struct kmem_cache *nodes)
{
	struct node **table = NULL, *n;
	unsigned int size = 0, count = 0, i;
	char *buf = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	int ret = -1;

	if (!buf)
		return -1;
	for (i = 0; i < 200; i++) {
		if (count >= size) {
			unsigned int nsize = size ? size * 2 : 8, j;
			struct node **t = krealloc(table, nsize * sizeof(*t), GFP_KERNEL);

			if (!t)
				goto out;
			for (j = size; j < nsize; j++)
				t[j] = NULL;
			table = t;
			size = nsize;
		}
		n = kmem_cache_alloc(nodes, GFP_KERNEL);
		if (!n)
			goto out;
		n->key = kmalloc(i % 50 + 1, GFP_KERNEL);
		if (!n->key) {
			kmem_cache_free(nodes, n);
			goto out;
		}
		memset(n->key, 'k', i % 50 + 1);
		n->next = table[i % size];
		table[i % size] = n;
		count++;
	}
	ret = 0;
out:
	for (i = 0; i < size; i++) {
		while (table[i]) {
			n = table[i];
			table[i] = n->next;
			kfree(n->key);
			kmem_cache_free(nodes, n);
		}
	}
	kfree(table);
	kfree(buf);
	return ret;
}

Test(debug, every_allocation_failing_in_turn_leaks_nothing, .disabled = NO_DEBUG)
{
	struct kmem_cache *nodes = kmem_cache_create("node", sizeof(struct node), 0, 0, NULL);
	size_t free0;
	unsigned long n, failed = 0;
	struct mm_stats st0, st;

	cr_assert_eq(workload(nodes), 0);
	mm_shrink();
	free0 = mm_nr_free_pages();
	mm_get_stats(&st0);
	for (n = 1; n <= 500; n++) {
		mm_fail_nth(n);
		if (workload(nodes) == 0) {
			mm_fail_nth(0);
			break;
		}
		failed++;
		mm_shrink();
		cr_assert_eq(mm_nr_free_pages(), free0, "failing allocation %lu leaked", n);
		cr_assert_eq(mm_validate(), 0, "failing allocation %lu", n);
	}
	cr_assert_gt(failed, 400, "the workload makes %lu allocations", failed);
	mm_get_stats(&st);
	cr_assert_eq(st.nr_failures - st0.nr_failures, failed);
	cr_assert_eq(nr_recorded_reports, 0);
}

/* ---- the validator (any build) ------------------------------------------------------ */

Test(validate, a_sound_heap_after_a_random_workload)
{
	void *p[500] = { 0 };
	int i;

	srand(3);
	for (i = 0; i < 20000; i++) {
		int k = rand() % 500;

		if (p[k]) {
			kfree(p[k]);
			p[k] = NULL;
		} else {
			p[k] = kmalloc((size_t)(rand() % 3000) + 1, GFP_KERNEL);
		}
	}
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

#if CONFIG_MM_PAGE_ALLOC
Test(validate, a_wrong_free_block_count_is_one_problem)
{
	kmalloc(100, GFP_KERNEL);
	mm_regions[0].nr_free_blocks[0]++;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_CORRUPT), 1);
}
#else
Test(validate, a_wrong_free_run_count_is_one_problem)
{
	kmalloc(100, GFP_KERNEL);
	mm_regions[0].nr_free++;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_CORRUPT), 1);
	mm_regions[0].nr_free--;
	cr_assert_eq(mm_validate(), 0);
}
#endif

/* Free objects hold nothing of the allocator's: writing over one is no problem. */
Test(validate, a_clobbered_free_object_is_no_problem)
{
	char *a = kmalloc(64, GFP_KERNEL);
	char *b = kmalloc(64, GFP_KERNEL);

	kfree(a);
	kfree(b);
	memset(b, 0x40, 64); /* an overflow, or a use-after-free write */
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

/* A free bit set for a live object (a wild write into the metadata) is one problem. */
Test(validate, a_flipped_free_bit_is_one_problem)
{
	char *a = kmalloc(64, GFP_KERNEL);
	struct slab *slab = virt_to_slab(a);
	unsigned int i = (unsigned int)(((uintptr_t)a & slab->cache->pool_mask) / 64);

	flip_free_bit(slab, i);
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_CORRUPT), 1);
	flip_free_bit(slab, i);
	cr_assert_eq(mm_validate(), 0);
	kfree(a);
	cr_assert_eq(mm_validate(), 0);
}

Test(validate, a_wrong_live_count_is_found)
{
	struct kmem_cache *s = kmem_cache_create("count", 32, 0, 0, NULL);

	kmem_cache_alloc(s, GFP_KERNEL);
	s->cpu[0].nr_taken++;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_CORRUPT), 1);
	s->cpu[0].nr_taken--;
	cr_assert_eq(mm_validate(), 0);
}

#if CONFIG_MM_PAGE_ALLOC
Test(validate, a_broken_tail_page_is_found)
{
	char *p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);

	virt_to_page(p + 2 * PAGE_SIZE)->head = NULL;
	cr_assert_eq(mm_validate(), 1);
}
#else
Test(validate, a_broken_free_run_end_is_found)
{
	char *p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	struct run *run = run_of(&mm_regions[0], p);
	uintptr_t *last;

	cr_assert_not_null(run);
	kfree(p);
	/* The freed run merged with the free rest of the heap: its last word is its size. */
	run = (struct run *)mm_regions[0].heap_start;
	while (!run_is_free(run))
		run = (struct run *)((char *)run + run_size(run));
	last = (uintptr_t *)((char *)run + run_size(run) - sizeof(uintptr_t));
	(*last)++;
	cr_assert_eq(mm_validate(), 1);
	cr_assert_eq(count_reports(MM_REPORT_CORRUPT), 1);
	(*last)--;
	cr_assert_eq(mm_validate(), 0);
}
#endif

Test(debug_cache, leak_report_counts_only_live_objects_of_a_store_user_cache, .disabled = NO_DEBUG)
{
	struct kmem_cache *s = kmem_cache_create("tracked", 200, 0, SLAB_STORE_USER, NULL);
	const struct mm_printer p = { write_text, NULL };
	void *o[3];
	int i;

	for (i = 0; i < 3; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL); /* one site */
	kmem_cache_free(s, o[1]);
	mm_print_live(&p);
	/* Two live objects of 200 bytes at one site; the freed one and the
	 * objects of the pool never handed out are not live. */
	cr_assert_not_null(strstr(text, "       400         2  0x"), "%s", text);
	cr_assert_null(strstr(text, "(no site)           tracked"), "%s", text);
	kmem_cache_free(s, o[0]);
	kmem_cache_free(s, o[2]);
}

Test(debug, an_overflow_writing_the_free_pattern_is_still_an_overflow, .disabled = NO_DEBUG)
{
	char *p;

	make_witnesses();
	p = kmalloc(40, GFP_KERNEL);
	/* Past the end, the bytes a free object's red zone holds: with the
	 * track's serial numbers the object is still known to be live. */
	memset(p + 40, RED_INACTIVE, virt_to_slab(p)->cache->offset - 40);
	kfree(p);
	expect_one_report(MM_REPORT_RED_ZONE);
}
