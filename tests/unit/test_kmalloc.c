// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_kmalloc.c - black-box tests of kmalloc, kfree, ksize,
 * krealloc, kcalloc and mm_owns: one guarantee of <mm/slab.h> per test.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mm/slab.h>
#include <mm/stats.h>
#include "helpers.h"

#define HEAP_SIZE (4u << 20)

/* What a pool of one page gives its objects. */
#define POOL_BYTES (PAGE_SIZE - MM_POOL_OVERHEAD)

static void heap_4m(void)
{
	setup_heap(HEAP_SIZE);
}

TestSuite(kmalloc, .init = heap_4m);

Test(kmalloc, every_size_is_aligned_to_min_align_and_usable)
{
	size_t size;

	for (size = 1; size <= 3 * PAGE_SIZE; size += (size < 1100 ? 1 : 61)) {
		void *p = kmalloc(size, GFP_KERNEL);

		cr_assert_not_null(p, "kmalloc(%zu)", size);
		cr_assert_eq((uintptr_t)p % MM_MIN_ALIGN, 0, "kmalloc(%zu) = %p", size, p);
		cr_assert_geq(ksize(p), size, "ksize of kmalloc(%zu)", size);
		fill(p, ksize(p), (unsigned char)size);
		cr_assert(holds(p, ksize(p), (unsigned char)size));
		kfree(p);
	}
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(kmalloc, power_of_two_sizes_are_aligned_to_their_size)
{
	size_t size;
	int i;

	for (size = 1; size <= KMALLOC_ALIGNED_MAX; size <<= 1) {
		void *p[5];

		/* Several at once, so not just the first object of a pool is checked. */
		for (i = 0; i < 5; i++) {
			p[i] = kmalloc(size, GFP_KERNEL);
			cr_assert_not_null(p[i]);
			cr_assert_eq((uintptr_t)p[i] % (size < MM_MIN_ALIGN ? MM_MIN_ALIGN : size),
				     0, "kmalloc(%zu) = %p", size, p[i]);
		}
		for (i = 0; i < 5; i++)
			kfree(p[i]);
	}
}

/* With the page allocator; without it, large blocks are runs of mm/runs.c, aligned less. */
Test(kmalloc, sizes_above_a_page_are_page_aligned, .disabled = !CONFIG_MM_PAGE_ALLOC)
{
	size_t sizes[] = { PAGE_SIZE + 1, 5000, 2 * PAGE_SIZE, 3 * PAGE_SIZE - 5, 40000, 100000 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = kmalloc(sizes[i], GFP_KERNEL);
		void *q = kmalloc(sizes[i], GFP_KERNEL);

		cr_assert_not_null(p);
		cr_assert_not_null(q);
		cr_assert_eq((uintptr_t)p % PAGE_SIZE, 0, "kmalloc(%zu) = %p", sizes[i], p);
		cr_assert_eq((uintptr_t)q % PAGE_SIZE, 0, "kmalloc(%zu) = %p", sizes[i], q);
		kfree(p);
		kfree(q);
	}
}

Test(kmalloc, blocks_do_not_overlap_and_keep_their_contents)
{
	enum {
		N = 600
	};
	void *p[N];
	size_t n[N];
	int i;

	srand(1);
	for (i = 0; i < N; i++) {
		n[i] = (size_t)(rand() % 3000) + 1;
		p[i] = kmalloc(n[i], GFP_KERNEL);
		cr_assert_not_null(p[i]);
		fill(p[i], ksize(p[i]), (unsigned char)i);
	}
	for (i = 0; i < N; i++)
		cr_assert(holds(p[i], ksize(p[i]), (unsigned char)i), "block %d was overwritten",
			  i);
	for (i = 0; i < N; i++)
		kfree(p[i]);
}

Test(kmalloc, zero_size_returns_zero_size_ptr)
{
	void *p = kmalloc(0, GFP_KERNEL);

	cr_assert_eq(p, ZERO_SIZE_PTR);
	cr_assert_eq(ksize(p), 0);
	kfree(p);
	kfree(NULL);
	cr_assert_eq(nr_recorded_reports, 0, "kfree(NULL / ZERO_SIZE_PTR) must be silent");
}

Test(kmalloc, kzalloc_returns_zeroed_memory_even_for_a_reused_block)
{
	unsigned char *p = kmalloc(200, GFP_KERNEL);
	unsigned char *q;
	int i;

	void *others[4096 / 200 * 8];
	int n = 0;

	memset(p, 0xab, 200);
	kfree(p);
	/* The freed block comes back once the cache looks at its word again. */
	while ((q = kzalloc(200, GFP_KERNEL)) != p) {
		cr_assert_lt(n, (int)(sizeof(others) / sizeof(others[0])),
			     "the freed block should be reused");
		others[n++] = q;
	}
	for (i = 0; i < 200; i++)
		cr_assert_eq(q[i], 0);
	kfree(q);
	while (n)
		kfree(others[--n]);
}

Test(kmalloc, huge_sizes_fail_cleanly)
{
	cr_assert_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	cr_assert_null(kmalloc(SIZE_MAX / 2, GFP_KERNEL));
	cr_assert_null(kmalloc(HEAP_SIZE, GFP_KERNEL), "bigger than the region");
	cr_assert_not_null(kmalloc(64, GFP_KERNEL), "a failure must not break later calls");
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(kmalloc, kcalloc_detects_overflow)
{
	cr_assert_null(kcalloc(SIZE_MAX / 2 + 1, 2, GFP_KERNEL));
	cr_assert_null(kcalloc(2, SIZE_MAX / 2 + 1, GFP_KERNEL));
	cr_assert_null(kcalloc((size_t)1 << (sizeof(size_t) * 4), (size_t)1 << (sizeof(size_t) * 4),
			       GFP_KERNEL));
}

Test(kmalloc, kcalloc_zeroes_the_array)
{
	uint32_t *a = kcalloc(100, sizeof(*a), GFP_KERNEL);
	int i;

	cr_assert_not_null(a);
	for (i = 0; i < 100; i++)
		cr_assert_eq(a[i], 0);
	cr_assert_eq(kcalloc(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(a);
}

Test(kmalloc, krealloc_keeps_contents_when_growing)
{
	char *p = kmalloc(40, GFP_KERNEL);
	char *q;

	fill(p, 40, 3);
	q = krealloc(p, 5000, GFP_KERNEL);
	cr_assert_not_null(q);
	cr_assert(holds(q, 40, 3));
	fill(q, 5000, 4);
	p = krealloc(q, 100000, GFP_KERNEL);
	cr_assert(holds(p, 5000, 4));
	kfree(p);
}

Test(kmalloc, krealloc_returns_the_same_block_when_it_is_big_enough)
{
	char *p = kmalloc(100, GFP_KERNEL);

	fill(p, 100, 9);
	cr_assert_eq(krealloc(p, ksize(p), GFP_KERNEL), p);
	cr_assert_eq(krealloc(p, 10, GFP_KERNEL), p);
	cr_assert(holds(p, 10, 9));
	kfree(p);
}

Test(kmalloc, krealloc_to_zero_frees)
{
	size_t before = mm_nr_free_pages();
	void *p = kmalloc(20000, GFP_KERNEL);

	cr_assert_lt(mm_nr_free_pages(), before);
	cr_assert_eq(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	cr_assert_eq(mm_nr_free_pages(), before);
}

Test(kmalloc, krealloc_from_null_allocates)
{
	void *p = krealloc(NULL, 64, GFP_KERNEL);

	cr_assert_not_null(p);
	cr_assert_geq(ksize(p), 64);
	kfree(p);
}

Test(kmalloc, krealloc_failure_leaves_the_block_intact)
{
	char *p = kmalloc(300, GFP_KERNEL);
	size_t usable = ksize(p);

	cr_assert_geq(usable, 300);
	fill(p, 300, 5);
	cr_assert_null(krealloc(p, SIZE_MAX - 4096, GFP_KERNEL));
	cr_assert_null(krealloc(p, HEAP_SIZE * 2, GFP_KERNEL));
	cr_assert(holds(p, 300, 5));
	cr_assert_eq(ksize(p), usable, "the block keeps its size");
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(kmalloc, a_32_byte_object_costs_32_bytes)
{
	struct mm_stats st;
	size_t before, per_pool, i, n;
	void **p;

	mm_get_stats(&st);
	before = st.free_bytes;
	per_pool = POOL_BYTES / 32;
	n = 10 * per_pool;
	p = calloc(n, sizeof(*p));
	for (i = 0; i < n; i++)
		p[i] = kmalloc(32, GFP_KERNEL);
	/* Exactly ten pools of one page for ten pools' worth of objects: no
	 * per-object header (without the page allocator, the first pool may
	 * leave a little free run in front of it, for its alignment). */
	mm_get_stats(&st);
	cr_assert_geq(before - st.free_bytes, 10 * PAGE_SIZE);
	cr_assert_lt(before - st.free_bytes,
		     10 * PAGE_SIZE + (CONFIG_MM_PAGE_ALLOC ? 1 : PAGE_SIZE));
	for (i = 0; i < n; i++)
		kfree(p[i]);
	free(p);
}

Test(kmalloc, large_blocks_take_only_the_pages_they_need, .disabled = !CONFIG_MM_PAGE_ALLOC)
{
	size_t before = mm_nr_free_pages();
	void *p = kmalloc(5 * PAGE_SIZE + 1, GFP_KERNEL);

	cr_assert_eq(before - mm_nr_free_pages(), 6, "not rounded to 8 pages");
	cr_assert_eq(ksize(p), 6 * PAGE_SIZE);
	kfree(p);
	cr_assert_eq(mm_nr_free_pages(), before);
}

Test(kmalloc, everything_freed_and_shrunk_restores_the_page_allocator)
{
	size_t free0 = mm_nr_free_pages();
	int order0 = mm_largest_free_order();
	enum {
		N = 3000
	};
	void **p = calloc(N, sizeof(*p));
	int i;

	srand(7);
	for (i = 0; i < N; i++)
		p[i] = kmalloc((size_t)(rand() % 9000) + 1, GFP_KERNEL);
	for (i = N - 1; i >= 0; i -= 2)
		kfree(p[i]);
	for (i = N - 2; i >= 0; i -= 2)
		kfree(p[i]);
	mm_shrink();
	cr_assert_eq(mm_nr_free_pages(), free0);
	cr_assert_eq(mm_largest_free_order(), order0);
	free(p);
}

Test(kmalloc, exhaustion_returns_null_and_recovers_to_the_same_count)
{
	enum {
		MAX = 200000
	};
	void **p = calloc(MAX, sizeof(*p));
	unsigned int n1 = 0, n2 = 0, i;

	while (n1 < MAX && (p[n1] = kmalloc(48, GFP_KERNEL)) != NULL)
		n1++;
	cr_assert_lt(n1, MAX, "the heap never ran out");
	cr_assert_gt(n1, HEAP_SIZE / 48 * 9 / 10, "only %u objects of 48 bytes fit", n1);
	cr_assert_null(kmalloc(48, GFP_KERNEL), "still exhausted");
	for (i = 0; i < n1; i++)
		kfree(p[i]);
	while (n2 < MAX && (p[n2] = kmalloc(48, GFP_KERNEL)) != NULL)
		n2++;
	cr_assert_eq(n2, n1);
	for (i = 0; i < n2; i++)
		kfree(p[i]);
	free(p);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(kmalloc, exhaustion_leaves_live_blocks_intact)
{
	void *keep[16];
	int i;

	for (i = 0; i < 16; i++) {
		keep[i] = kmalloc(100 * (size_t)(i + 1), GFP_KERNEL);
		fill(keep[i], 100 * (size_t)(i + 1), (unsigned char)i);
	}
	while (kmalloc(3000, GFP_KERNEL))
		;
	while (kmalloc(16, GFP_KERNEL))
		;
	for (i = 0; i < 16; i++)
		cr_assert(holds(keep[i], 100 * (size_t)(i + 1), (unsigned char)i));
}

Test(kmalloc, mm_owns_tells_heap_from_other_memory)
{
	int on_stack;
	static int in_data;
	void *small = kmalloc(24, GFP_KERNEL);
	void *large = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);

	cr_assert(mm_owns(small));
	cr_assert(mm_owns((char *)small + 5));
	cr_assert(mm_owns(large));
	cr_assert(mm_owns((char *)large + 2 * PAGE_SIZE));
	cr_assert_not(mm_owns(&on_stack));
	cr_assert_not(mm_owns(&in_data));
	cr_assert_not(mm_owns(NULL));
	cr_assert_not(mm_owns(test_heap(HEAP_SIZE)), "the allocator's metadata is not handed out");
}

Test(kmalloc_early, allocation_before_any_region_fails_cleanly)
{
	cr_assert_null(kmalloc(32, GFP_KERNEL));
	cr_assert_null(kmalloc(100000, GFP_KERNEL));
	setup_heap(HEAP_SIZE);
	cr_assert_not_null(kmalloc(32, GFP_KERNEL), "works once a region is added");
}

/* ---- misuse ------------------------------------------------------------------------ */

Test(kmalloc, free_of_a_foreign_pointer_is_reported_and_ignored)
{
	int on_stack;
	static int in_data;
	void *p = kmalloc(64, GFP_KERNEL);

	fill(p, 64, 1);
	kfree(&on_stack);
	kfree(&in_data);
	kfree(test_heap(HEAP_SIZE)); /* the region's page descriptors */
	cr_assert_eq(count_reports(MM_REPORT_FOREIGN_FREE), 3);
	cr_assert_eq(recorded_reports[0].addr, &on_stack);
	cr_assert(holds(p, 64, 1));
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 3);
}

Test(kmalloc, free_of_an_interior_pointer_is_reported_and_ignored)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char *big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	size_t free_before;

	kfree(p + 8);
	kfree(p + 1);
	kfree(big + PAGE_SIZE);
	kfree(big + 16);
	cr_assert_eq(count_reports(MM_REPORT_INTERIOR_FREE), 4);
	cr_assert_eq(recorded_reports[0].object, p, "the report names the block");
	cr_assert_str_eq(recorded_reports[0].cache, "kmalloc-64");
	/* Both blocks are still live: freeing them works and gives the pages back. */
	free_before = mm_nr_free_pages();
	kfree(big);
	cr_assert_eq(mm_nr_free_pages(), free_before + 3);
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 4);
}

Test(kmalloc, immediate_double_free_is_reported_and_ignored)
{
	void *a = kmalloc(32, GFP_KERNEL);
	void *b = kmalloc(32, GFP_KERNEL);
	void *c, *d;

	kfree(a);
	kfree(a);
	cr_assert_eq(count_reports(MM_REPORT_DOUBLE_FREE), 1);
	/* The free list is not corrupted: two allocations give two distinct blocks. */
	c = kmalloc(32, GFP_KERNEL);
	d = kmalloc(32, GFP_KERNEL);
	cr_assert_neq(c, d);
	cr_assert_neq(d, b);
	kfree(b);
	kfree(c);
	kfree(d);
}

Test(kmalloc, double_free_of_a_large_block_is_reported)
{
	void *p = kmalloc(10 * PAGE_SIZE, GFP_KERNEL);
	size_t free_after;

	kfree(p);
	free_after = mm_nr_free_pages();
	kfree(p);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_nr_free_pages(), free_after);
}

Test(kmalloc, randomized_model_check)
{
	/* A million mixed operations against a model: every live block keeps its
	 * contents (checked when freed and every 100,000 operations) and no two
	 * blocks overlap (a shadow map of the heap, one owner per 8-byte granule). */
	enum {
		SLOTS = 4096,
		OPS = 1000000
	};
	static void *blk[SLOTS];
	static size_t len[SLOTS];
	static uint16_t *shadow;
	uintptr_t base = (uintptr_t)test_heap(HEAP_SIZE);
	unsigned int seed = (unsigned int)time(NULL);
	size_t free0 = mm_nr_free_pages();
	unsigned long op;
	size_t g;
	int i;

	shadow = calloc(HEAP_SIZE / 8, sizeof(*shadow));
	printf("kmalloc/randomized_model_check: seed %u\n", seed);
	srand(seed);
	for (op = 0; op < OPS; op++) {
		i = rand() % SLOTS;
		if (blk[i]) {
			cr_assert(holds(blk[i], len[i], (unsigned char)i), "seed %u op %lu", seed,
				  op);
			for (g = 0; g < (len[i] + 7) / 8; g++)
				shadow[((uintptr_t)blk[i] - base) / 8 + g] = 0;
			kfree(blk[i]);
			blk[i] = NULL;
		} else {
			int r = rand() % 100;

			len[i] = r < 60	  ? (size_t)(rand() % 64) + 1
				 : r < 90 ? (size_t)(rand() % 448) + 65
				 : r < 99 ? (size_t)(rand() % 3584) + 513
					  : (size_t)(rand() % 28672) + 4097;
			blk[i] = kmalloc(len[i], GFP_KERNEL);
			if (!blk[i])
				continue;
			cr_assert_geq(ksize(blk[i]), len[i]);
			for (g = 0; g < (len[i] + 7) / 8; g++) {
				uint16_t *sh = &shadow[((uintptr_t)blk[i] - base) / 8 + g];

				cr_assert_eq(*sh, 0, "seed %u op %lu: block overlaps slot %d", seed,
					     op, *sh - 1);
				*sh = (uint16_t)(i + 1);
			}
			fill(blk[i], len[i], (unsigned char)i);
		}
		if (op % 100000 == 0)
			for (i = 0; i < SLOTS; i++)
				if (blk[i])
					cr_assert(holds(blk[i], len[i], (unsigned char)i));
	}
	for (i = 0; i < SLOTS; i++)
		kfree(blk[i]);
	mm_shrink();
	cr_assert_eq(mm_nr_free_pages(), free0, "seed %u: pages lost", seed);
	cr_assert_eq(nr_recorded_reports, 0);
	free(shadow);
}
