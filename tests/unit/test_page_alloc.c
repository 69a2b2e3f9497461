// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_page_alloc.c - the buddy page allocator (mm/page_alloc.c).
 *
 * Black-box tests of <mm/page_alloc.h>, one behaviour each, plus white-box
 * checks through mm/internal.h: check_heap() walks every region's free lists
 * and descriptors and asserts the invariants the design block of page_alloc.c
 * states. The randomized tests print their seed; set BARESLAB_SEED to replay one.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mm/page_alloc.h>
#include "internal.h"
#include "helpers.h"

/* The page allocator's own tests: without it, mm/runs.c serves what it did. */
#if CONFIG_MM_PAGE_ALLOC

#define NR_ORDERS (MAX_ORDER + 1)
#define ORDER_BYTES(o) ((uintptr_t)PAGE_SIZE << (o))

/* ---- white-box views of the heap ---------------------------------------------- */

/* What must come back exactly once every block is freed. */
struct heap_state {
	size_t nr_free;
	int largest;
	size_t blocks[NR_ORDERS]; /* free blocks per order, all regions */
};

static void get_state(struct heap_state *st)
{
	const struct mm_region *r;
	unsigned int o;

	memset(st, 0, sizeof(*st));
	st->nr_free = mm_nr_free_pages();
	st->largest = mm_largest_free_order();
	for_each_region(r)
		for (o = 0; o < NR_ORDERS; o++)
			st->blocks[o] += r->nr_free_blocks[o];
}

static void assert_state(const struct heap_state *want)
{
	struct heap_state now;
	unsigned int o;

	get_state(&now);
	cr_assert_eq(now.nr_free, want->nr_free, "%zu free pages, want %zu", now.nr_free,
		     want->nr_free);
	cr_assert_eq(now.largest, want->largest, "largest free order %d, want %d", now.largest,
		     want->largest);
	for (o = 0; o < NR_ORDERS; o++)
		cr_assert_eq(now.blocks[o], want->blocks[o], "order %u: %zu free blocks, want %zu",
			     o, now.blocks[o], want->blocks[o]);
}

/* Pages of the allocated block whose first page is @pg. */
static size_t block_pages(const struct page *pg)
{
	return pg->order <= MAX_ORDER ? (size_t)1 << pg->order : pg->nr_exact;
}

static void check_free_lists(const struct mm_region *r)
{
	size_t listed = 0;
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++) {
		const struct list_head *l;
		size_t n = 0;

		for (l = r->free_area[o].next; l != &r->free_area[o]; l = l->next) {
			const struct page *pg = container_of(l, struct page, lru);
			uintptr_t a;

			cr_assert(pg >= r->pages && pg < r->pages + r->nr_pages,
				  "order %u: list entry outside the descriptors", o);
			a = (uintptr_t)page_address(r, pg);
			cr_assert(page_is_free(pg) && pg->order == o,
				  "order %u: listed page %#lx is state %u order %u", o,
				  (unsigned long)a, pg->state, pg->order);
			cr_assert_eq(a % ORDER_BYTES(o), 0,
				     "free block %#lx not aligned to order %u", (unsigned long)a,
				     o);
			cr_assert(a + ORDER_BYTES(o) <= r->end, "free block %#lx crosses the end",
				  (unsigned long)a);
			cr_assert(++n <= r->nr_pages, "order %u: free list loops", o);
		}
		cr_assert_eq(n, r->nr_free_blocks[o], "order %u: %zu listed, nr_free_blocks %zu", o,
			     n, r->nr_free_blocks[o]);
		listed += n << o;
	}
	cr_assert_eq(listed, r->nr_free, "%zu pages listed, nr_free %zu", listed, r->nr_free);
}

static void check_free_block(const struct mm_region *r, const struct page *pg)
{
	uintptr_t a = (uintptr_t)page_address(r, pg);
	uintptr_t b = a ^ ORDER_BYTES(pg->order);
	size_t j;

	for (j = 1; j < (size_t)1 << pg->order; j++)
		cr_assert(page_is_none(&pg[j]), "page %zu of free block %#lx is state %u", j,
			  (unsigned long)a, pg[j].state);
	if (pg->order < MAX_ORDER && b >= r->base && b < r->end) {
		const struct page *buddy = region_page(r, b);

		cr_assert(!(page_is_free(buddy) && buddy->order == pg->order),
			  "free buddies %#lx and %#lx of order %u are not merged", (unsigned long)a,
			  (unsigned long)b, pg->order);
	}
}

static void check_used_block(const struct mm_region *r, const struct page *pg, size_t n)
{
	size_t j;

	cr_assert(n >= 1 && pg + n <= r->pages + r->nr_pages, "allocated block of %zu pages", n);
	if (pg->order <= MAX_ORDER)
		cr_assert_eq((uintptr_t)page_address(r, pg) % ORDER_BYTES(pg->order), 0);
	for (j = 1; j < n; j++)
		cr_assert(page_is_tail(&pg[j]) && pg[j].head == pg,
			  "page %zu of an allocated block: state %u, head %p", j, pg[j].state,
			  (void *)pg[j].head);
}

/* Walk every region: layout, free lists, and each page's descriptor state. */
static void check_heap(void)
{
	const struct mm_region *r;

	for_each_region(r) {
		size_t i, n, nr_free = 0;

		cr_assert(r->start <= (uintptr_t)r->pages &&
			  (uintptr_t)r->pages % sizeof(void *) == 0);
		cr_assert(r->base % PAGE_SIZE == 0 &&
			  r->base >= (uintptr_t)(r->pages + r->nr_pages));
		cr_assert(r->end == r->base + r->nr_pages * PAGE_SIZE &&
			  r->end <= r->start + r->size);
		check_free_lists(r);
		for (i = 0; i < r->nr_pages; i += n) {
			const struct page *pg = &r->pages[i];

			if (page_is_free(pg)) {
				n = (size_t)1 << pg->order;
				check_free_block(r, pg);
				nr_free += n;
			} else if (page_is_large(pg)) {
				n = block_pages(pg);
				check_used_block(r, pg, n);
			} else {
				cr_assert_fail("page %zu: state %u where a block should start", i,
					       pg->state);
			}
		}
		cr_assert_eq(nr_free, r->nr_free, "%zu pages in free blocks, nr_free %zu", nr_free,
			     r->nr_free);
	}
}

/* ---- helpers ------------------------------------------------------------------- */

/* An order from 0 to MAX_ORDER, each half as likely as the one below. */
static unsigned int rnd_order(void)
{
	unsigned int o = 0;

	while (o < MAX_ORDER && (rnd() & 1))
		o++;
	return o;
}

static bool in_range(uintptr_t a, size_t len, uintptr_t start, size_t size)
{
	return a >= start && a - start <= size && len <= size - (a - start);
}

/* One report of MM_REPORT_BAD_PAGES, about @addr, from a caller, and nothing else. */
static void expect_report_of(enum mm_report_kind kind, const void *addr)
{
	cr_assert_eq(nr_recorded_reports, 1, "%u reports, want 1", nr_recorded_reports);
	cr_assert_eq(count_reports(kind), 1, "want one %s", mm_report_kind_name(kind));
	cr_assert_eq(recorded_reports[0].addr, addr);
	cr_assert_null(recorded_reports[0].object);
	cr_assert_null(recorded_reports[0].cache);
	cr_assert_not_null(recorded_reports[0].caller);
}

static void expect_bad_pages(const void *addr)
{
	expect_report_of(MM_REPORT_BAD_PAGES, addr);
}

/* The heap is back to @initial and every one of its pages can be allocated again. */
static void expect_heap_intact(const struct heap_state *initial)
{
	size_t n = 0;

	check_heap();
	assert_state(initial);
	while (get_free_pages(GFP_KERNEL, 0))
		n++;
	cr_assert_eq(n, initial->nr_free, "%zu pages allocatable, want %zu", n, initial->nr_free);
}

#define SMALL_HEAP ((size_t)1 << 20)

/* ---- mm_add_region ------------------------------------------------------------- */

Test(page_alloc, add_region_rejects_null)
{
	cr_assert_eq(mm_add_region(NULL, SMALL_HEAP), -MM_EINVAL);
	cr_assert_eq(mm_nr_regions, 0);
	cr_assert_eq(mm_nr_free_pages(), 0);
	cr_assert_eq(mm_largest_free_order(), -1);
	cr_assert_null(get_free_pages(GFP_KERNEL, 0));
}

Test(page_alloc, add_region_rejects_too_small)
{
	char *h = test_heap(SMALL_HEAP);

	cr_assert_eq(mm_add_region(h, 0), -MM_EINVAL);
	cr_assert_eq(mm_add_region(h, 1), -MM_EINVAL);
	cr_assert_eq(mm_add_region(h, PAGE_SIZE), -MM_EINVAL);
	/* One page and its metadata, but the metadata takes the first page. */
	cr_assert_eq(mm_add_region(h, PAGE_SIZE + PAGE_META), -MM_EINVAL);
	cr_assert_eq(mm_add_region(h, 2 * PAGE_SIZE - 1), -MM_EINVAL);
	/* More than a page and a descriptor, but the descriptor does not fit before the page. */
	cr_assert_eq(mm_add_region(h + PAGE_SIZE - 16, PAGE_SIZE + 116), -MM_EINVAL);
	cr_assert_eq(mm_nr_regions, 0);
	cr_assert_eq(mm_nr_free_pages(), 0);
}

Test(page_alloc, add_region_smallest_holds_one_page)
{
	char *h = test_heap(SMALL_HEAP);
	/* The first region: the caches' state, one page's metadata, the page. */
	size_t meta = (mm_state_bytes() + PAGE_META + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	cr_assert_eq(mm_add_region(h, meta + PAGE_SIZE - 1), -MM_EINVAL);
	cr_assert_eq(mm_add_region(h, meta + PAGE_SIZE), 0);
	cr_assert_eq(mm_nr_free_pages(), 1);
	cr_assert_eq(mm_largest_free_order(), 0);
	cr_assert_eq(get_free_pages(GFP_KERNEL, 0), h + meta);
	cr_assert_null(get_free_pages(GFP_KERNEL, 0));
	/* A second region needs no state. */
	cr_assert_eq(mm_add_region(h + (256 << 10), 2 * PAGE_SIZE), 0);
	cr_assert_eq(mm_nr_free_pages(), 1);
	cr_assert_eq(get_free_pages(GFP_KERNEL, 0), h + (256 << 10) + PAGE_SIZE);
}

Test(page_alloc, add_region_rejects_wraparound)
{
	uintptr_t top = UINTPTR_MAX & ~(uintptr_t)(PAGE_SIZE - 1);

	cr_assert_eq(mm_add_region((void *)(top - PAGE_SIZE), 4 * PAGE_SIZE), -MM_EINVAL);
	cr_assert_eq(mm_add_region((void *)top, SIZE_MAX), -MM_EINVAL);
	/* Reaching exactly the end of the address space: its end is not representable. */
	cr_assert_eq(mm_add_region((void *)(top - 3 * PAGE_SIZE), 4 * PAGE_SIZE), -MM_EINVAL);
	cr_assert_eq(mm_nr_regions, 0);
}

/* Do @n descriptors and their free bits from the first pointer-aligned byte
 * (after the caches' state in the first region), then @n aligned pages, fit
 * [s, e)? */
static bool pages_fit(uintptr_t s, uintptr_t e, size_t n, bool first_region)
{
	uintptr_t desc = (s + sizeof(void *) - 1) & ~(uintptr_t)(sizeof(void *) - 1);
	uintptr_t first = desc + (first_region ? mm_state_bytes() : 0) + n * PAGE_META;

	first = (first + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	return first + n * PAGE_SIZE <= e;
}

/* Every page is used: nr_pages is the largest count whose descriptors and pages fit. */
Test(page_alloc, add_region_uses_every_page_that_fits)
{
	static const struct {
		size_t offset, size;
	} cases[] = {
		{ 0, 2 << 20 },
		{ 123, (1 << 20) + 4567 },
		{ PAGE_SIZE - 1, 7 * PAGE_SIZE + 3 },
		{ 5, 2 * PAGE_SIZE + 200 },
		{ 8, 103 * PAGE_SIZE - 1 },
		{ 3, 104 * PAGE_SIZE },
	};
	char *h = test_heap(32 << 20);
	size_t i, total = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]) && i < CONFIG_MM_MAX_REGIONS; i++) {
		uintptr_t s = (uintptr_t)h + i * (4 << 20) + cases[i].offset;
		uintptr_t e = s + cases[i].size;
		size_t n = 0;

		/* Brute force: one more page and its descriptor, while they fit. */
		while (pages_fit(s, e, n + 1, i == 0))
			n++;
		cr_assert_eq(mm_add_region((void *)s, cases[i].size), 0, "case %zu", i);
		cr_assert_eq(mm_regions[i].nr_pages, n, "case %zu: %zu pages, want %zu", i,
			     mm_regions[i].nr_pages, n);
		total += n;
		cr_assert_eq(mm_nr_free_pages(), total, "case %zu", i);
	}
	check_heap();
}

/* The order of the largest block at @a that is aligned to its size and ends by @end. */
static unsigned int largest_block_at(uintptr_t a, uintptr_t end)
{
	unsigned int o = MAX_ORDER;

	while (a % ORDER_BYTES(o) || a + ORDER_BYTES(o) > end)
		o--;
	return o;
}

/* A fresh region is cut into the largest blocks aligned to their size, in address. */
Test(page_alloc, add_region_frees_maximal_aligned_blocks)
{
	char *h = test_heap(32 << 20);
	struct heap_state st;
	size_t want[NR_ORDERS] = { 0 };
	uintptr_t a;
	unsigned int o;

	cr_assert_eq(mm_add_region(h + 3 * PAGE_SIZE + 77, (13 << 20) + 999), 0);
	for (a = mm_regions[0].base; a < mm_regions[0].end; a += ORDER_BYTES(o)) {
		o = largest_block_at(a, mm_regions[0].end);
		want[o]++;
	}
	get_state(&st);
	cr_assert_eq(st.nr_free, mm_regions[0].nr_pages);
	cr_assert_eq(st.largest, MAX_ORDER);
	for (o = 0; o < NR_ORDERS; o++)
		cr_assert_eq(st.blocks[o], want[o], "order %u: %zu blocks, want %zu", o,
			     st.blocks[o], want[o]);
	check_heap();
}

/* An unaligned start and odd size: every block aligned to its size and inside the range. */
Test(page_alloc, add_region_unaligned_blocks_stay_inside)
{
	char *h = test_heap(8 << 20);
	uintptr_t start = (uintptr_t)h + 3 * PAGE_SIZE + 123;
	size_t size = (3 << 20) + 4567, got = 0, initial;
	uintptr_t first_page;
	int o;

	cr_assert_eq(mm_add_region((void *)start, size), 0);
	initial = mm_nr_free_pages();
	first_page = (uintptr_t)(mm_regions[0].pages + mm_regions[0].nr_pages);
	for (o = MAX_ORDER; o >= 0; o--) {
		uintptr_t a;

		while ((a = (uintptr_t)get_free_pages(GFP_KERNEL, o)) != 0) {
			cr_assert_eq(a % ORDER_BYTES(o), 0, "order %d block %#lx misaligned", o,
				     (unsigned long)a);
			cr_assert(in_range(a, ORDER_BYTES(o), start, size),
				  "order %d block %#lx outside the range", o, (unsigned long)a);
			cr_assert(a >= first_page, "block %#lx over the descriptors",
				  (unsigned long)a);
			got += (size_t)1 << o;
		}
	}
	cr_assert_eq(got, initial);
	cr_assert_eq(mm_nr_free_pages(), 0);
}

static void expect_overlap_rejected(uintptr_t start, size_t size)
{
	size_t nr_free = mm_nr_free_pages();
	unsigned int nr_regions = mm_nr_regions;

	cr_assert_eq(mm_add_region((void *)start, size), -MM_EINVAL, "[%#lx, +%#zx) accepted",
		     (unsigned long)start, size);
	cr_assert_eq(mm_nr_regions, nr_regions);
	cr_assert_eq(mm_nr_free_pages(), nr_free);
	check_heap();
}

/* Region A of the overlap tests: [h + 1 MiB + 100, + 1 MiB). */
#define A_START(h) ((uintptr_t)(h) + (1 << 20) + 100)
#define A_SIZE ((size_t)1 << 20)

static char *setup_region_a(void)
{
	char *h = test_heap(8 << 20);

	cr_assert_eq(mm_add_region((void *)A_START(h), A_SIZE), 0);
	return h;
}

Test(page_alloc, add_region_rejects_overlap_from_below)
{
	char *h = setup_region_a();

	/* Ends one byte into A's leading pad: raw ranges count, not pages. */
	expect_overlap_rejected((uintptr_t)h, A_START(h) - (uintptr_t)h + 1);
}

Test(page_alloc, add_region_rejects_overlap_from_above)
{
	char *h = setup_region_a();

	expect_overlap_rejected(A_START(h) + A_SIZE - 1, A_SIZE);
}

Test(page_alloc, add_region_rejects_contained_range)
{
	char *h = setup_region_a();

	expect_overlap_rejected(A_START(h) + 10 * PAGE_SIZE, 16 * PAGE_SIZE);
}

Test(page_alloc, add_region_rejects_containing_range)
{
	char *h = setup_region_a();

	expect_overlap_rejected((uintptr_t)h, 4 << 20);
}

Test(page_alloc, add_region_rejects_same_range_twice)
{
	char *h = setup_region_a();

	expect_overlap_rejected(A_START(h), A_SIZE);
}

Test(page_alloc, add_region_accepts_adjacent_ranges)
{
	char *h = setup_region_a();
	size_t nr = mm_nr_free_pages();

	cr_assert_eq(mm_add_region(h, A_START(h) - (uintptr_t)h), 0);
	cr_assert_eq(mm_add_region((void *)(A_START(h) + A_SIZE), A_SIZE), 0);
	cr_assert_eq(mm_nr_regions, 3);
	cr_assert_eq(mm_nr_free_pages(), nr + mm_regions[1].nr_pages + mm_regions[2].nr_pages);
	check_heap();
}

Test(page_alloc, add_region_full_table_is_enospc)
{
	char *h = test_heap(8 << 20);
	size_t nr;
	int i;

	for (i = 0; i < CONFIG_MM_MAX_REGIONS; i++)
		cr_assert_eq(mm_add_region(h + i * (128 << 10), 64 << 10), 0, "region %d", i);
	nr = mm_nr_free_pages();
	cr_assert_eq(mm_add_region(h + i * (128 << 10), 64 << 10), -MM_ENOSPC);
	cr_assert_eq(mm_nr_regions, CONFIG_MM_MAX_REGIONS);
	cr_assert_eq(mm_nr_free_pages(), nr);
	check_heap();
}

/* The first region serves until it is exhausted, then the second one does. */
Test(page_alloc, allocations_use_every_region)
{
	char *h = test_heap(8 << 20);
	uintptr_t a0 = (uintptr_t)h, a1 = (uintptr_t)h + (4 << 20);
	size_t size = 256 << 10, n0, n1, i = 0;
	struct heap_state initial;
	void *p, **got;

	cr_assert_eq(mm_add_region((void *)a0, size), 0);
	cr_assert_eq(mm_add_region((void *)a1, size), 0);
	n0 = mm_regions[0].nr_pages;
	n1 = mm_regions[1].nr_pages;
	get_state(&initial);
	got = calloc(n0 + n1, sizeof(*got));
	while ((p = get_free_pages(GFP_KERNEL, 0)) != NULL) {
		cr_assert(i < n0 + n1);
		if (i < n0)
			cr_assert(in_range((uintptr_t)p, PAGE_SIZE, a0, size),
				  "page %zu not from the first", i);
		else
			cr_assert(in_range((uintptr_t)p, PAGE_SIZE, a1, size),
				  "page %zu not from the second", i);
		got[i++] = p;
	}
	cr_assert_eq(i, n0 + n1);
	while (i)
		free_pages(got[--i], 0);
	assert_state(&initial);
	check_heap();
	free(got);
}

/* ---- get_free_pages / free_pages ----------------------------------------------- */

Test(page_alloc, get_free_pages_aligns_every_order)
{
	char *h = test_heap(16 << 20);
	size_t size = 16 << 20;
	struct heap_state initial;
	void **got = calloc(size / PAGE_SIZE, sizeof(*got));
	unsigned int o;

	setup_heap(size);
	get_state(&initial);
	for (o = 0; o <= MAX_ORDER; o++) {
		size_t n = 0;
		void *p;

		while ((p = get_free_pages(GFP_KERNEL, o)) != NULL) {
			cr_assert_eq((uintptr_t)p % ORDER_BYTES(o), 0, "order %u: %p", o, p);
			cr_assert(in_range((uintptr_t)p, ORDER_BYTES(o), (uintptr_t)h, size));
			got[n++] = p;
		}
		cr_assert(n > 0, "order %u: nothing allocated", o);
		check_heap();
		while (n)
			free_pages(got[--n], o);
		assert_state(&initial);
	}
	free(got);
}

Test(page_alloc, get_free_pages_rejects_order_above_max)
{
	struct heap_state initial;

	setup_heap(16 << 20);
	get_state(&initial);
	cr_assert_null(get_free_pages(GFP_KERNEL, MAX_ORDER + 1));
	cr_assert_null(get_free_pages(GFP_KERNEL, ~0u));
	cr_assert_null(__get_free_pages(GFP_KERNEL, MAX_ORDER + 1));
	cr_assert_not_null(get_free_pages(GFP_KERNEL, MAX_ORDER));
	initial.nr_free -= (size_t)1 << MAX_ORDER;
	initial.blocks[MAX_ORDER]--;
	assert_state(&initial);
	cr_assert_eq(nr_recorded_reports, 0);
}

/* Fill every free page with @c, so that zeroing is seen to happen. */
static void dirty_free_pages(int c)
{
	const struct mm_region *r;

	for_each_region(r)
		memset((void *)r->base, c, r->end - r->base);
}

static void expect_zero(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		cr_assert_eq(b[i], 0, "byte %zu of %p is %#x", i, p, b[i]);
}

Test(page_alloc, get_free_pages_gfp_zero_zeroes)
{
	unsigned int o;

	setup_heap(SMALL_HEAP);
	dirty_free_pages(0xa5);
	for (o = 0; o <= 3; o++) {
		void *p = get_free_pages(GFP_KERNEL | __GFP_ZERO, o);

		cr_assert_not_null(p);
		expect_zero(p, ORDER_BYTES(o));
	}
}

Test(page_alloc, unlocked_get_free_pages_gfp_zero_zeroes)
{
	void *p;

	setup_heap(SMALL_HEAP);
	dirty_free_pages(0x5a);
	p = __get_free_pages(GFP_ATOMIC | __GFP_ZERO, 2);
	cr_assert_not_null(p);
	expect_zero(p, ORDER_BYTES(2));
}

Test(page_alloc, exhaustion_returns_null_until_a_free)
{
	struct heap_state initial;
	size_t n = 0;
	void *p, *last = NULL;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	while ((p = get_free_pages(GFP_KERNEL, 0)) != NULL) {
		last = p;
		n++;
	}
	cr_assert_eq(n, initial.nr_free);
	cr_assert_eq(mm_nr_free_pages(), 0);
	cr_assert_eq(mm_largest_free_order(), -1);
	cr_assert_null(get_free_pages(GFP_KERNEL, 0));
	free_pages(last, 0);
	cr_assert_eq(mm_nr_free_pages(), 1);
	cr_assert_eq(get_free_pages(GFP_KERNEL, 0), last);
	cr_assert_null(get_free_pages(GFP_KERNEL, 0));
	cr_assert_eq(nr_recorded_reports, 0);
}

/* Allocate a random mix until nothing is left, free it in random order: all merges back. */
Test(page_alloc, free_in_any_order_coalesces_to_initial_state)
{
	char *h = test_heap(8 << 20);
	struct heap_state initial;
	struct {
		void *p;
		unsigned int order;
	} * got;
	size_t n = 0, i;

	seed_rng("page_alloc/free_in_any_order_coalesces_to_initial_state");
	cr_assert_eq(mm_add_region(h + 5 * PAGE_SIZE + 3, (6 << 20) + 12345), 0);
	get_state(&initial);
	got = calloc(initial.nr_free, sizeof(*got));
	for (;;) {
		unsigned int o = rnd_order();
		void *p;

		while ((p = get_free_pages(GFP_KERNEL, o)) == NULL && o > 0)
			o--;
		if (!p)
			break;
		got[n].p = p;
		got[n++].order = o;
	}
	cr_assert_eq(mm_nr_free_pages(), 0);
	check_heap();
	for (i = n; i > 1; i--) {
		size_t j = rnd() % i;
		void *tp = got[i - 1].p;
		unsigned int to = got[i - 1].order;

		got[i - 1] = got[j];
		got[j].p = tp;
		got[j].order = to;
	}
	for (i = 0; i < n; i++)
		free_pages(got[i].p, got[i].order);
	check_heap();
	assert_state(&initial);
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

/* ---- randomized alloc/free against a model -------------------------------------- */

struct live_block {
	uintptr_t addr;
	size_t nr; /* pages */
	unsigned int order; /* get_free_pages() order, or ~0u for alloc_pages_exact() */
	size_t size; /* alloc_pages_exact() size */
};

static uint64_t pattern(uintptr_t word_addr)
{
	return ((uint64_t)word_addr * 0x9e3779b97f4a7c15ull) ^ 0x5bd1e995u;
}

static void fill_block(const struct live_block *b)
{
	uint64_t *w = (uint64_t *)b->addr, *end = w + (b->nr * PAGE_SIZE) / sizeof(*w);

	for (; w < end; w++)
		*w = pattern((uintptr_t)w);
}

static void verify_block(const struct live_block *b)
{
	const uint64_t *w = (const uint64_t *)b->addr, *end = w + (b->nr * PAGE_SIZE) / sizeof(*w);

	for (; w < end; w++)
		if (*w != pattern((uintptr_t)w))
			cr_assert_fail("block %#lx (%zu pages): word at %p overwritten",
				       (unsigned long)b->addr, b->nr, (const void *)w);
}

/* Mark pages of @b in @owned, asserting none was taken. */
static void claim_pages(unsigned char *owned, const struct mm_region *r, const struct live_block *b,
			unsigned char v)
{
	size_t first = (b->addr - r->base) / PAGE_SIZE, i;

	cr_assert(b->addr >= r->base && first + b->nr <= r->nr_pages, "block %#lx outside region",
		  (unsigned long)b->addr);
	for (i = first; i < first + b->nr; i++) {
		cr_assert_eq(owned[i], !v, "page %zu: overlapping blocks", i);
		owned[i] = v;
	}
}

/* The smallest order whose block holds @nr pages. */
static unsigned int order_for_pages(size_t nr)
{
	unsigned int o = 0;

	while (((size_t)1 << o) < nr)
		o++;
	return o;
}

/*
 * Allocate a random block into @b: three times in four get_free_pages() of a
 * random order, else alloc_pages_exact() of a random size. A failure is only
 * allowed when no free block was big enough.
 */
static bool random_alloc(struct live_block *b, unsigned long op)
{
	int largest = mm_largest_free_order();
	unsigned int o = rnd_order();

	memset(b, 0, sizeof(*b));
	if (rnd() % 4) {
		b->order = o;
		b->nr = (size_t)1 << o;
		b->addr = (uintptr_t)get_free_pages(GFP_KERNEL, o);
	} else {
		b->order = ~0u;
		b->size = (size_t)(rnd() % ORDER_BYTES(o)) + 1;
		b->nr = (b->size + PAGE_SIZE - 1) / PAGE_SIZE;
		b->addr = (uintptr_t)alloc_pages_exact(b->size, GFP_KERNEL);
		o = order_for_pages(b->nr);
	}
	if (!b->addr) {
		cr_assert(largest < (int)o, "op %lu: %zu pages failed, largest free order %d", op,
			  b->nr, largest);
		return false;
	}
	cr_assert_eq(b->addr % (b->order == ~0u ? PAGE_SIZE : ORDER_BYTES(o)), 0,
		     "op %lu: block %#lx misaligned", op, (unsigned long)b->addr);
	return true;
}

static void free_live(const struct live_block *b)
{
	verify_block(b);
	if (b->order == ~0u)
		free_pages_exact((void *)b->addr, b->size);
	else
		free_pages((void *)b->addr, b->order);
}

#define RANDOM_OPS 200000
#define MAX_LIVE 4096

/* Random allocations and frees: no two live blocks overlap, contents survive, counts match. */
Test(page_alloc, random_ops_match_model, .timeout = 120)
{
	const struct mm_region *r;
	struct live_block *live = calloc(MAX_LIVE, sizeof(*live));
	unsigned char *owned;
	size_t nr_live = 0, live_pages = 0, initial, i;
	struct heap_state st;
	unsigned long op;

	seed_rng("page_alloc/random_ops_match_model");
	setup_heap(8 << 20);
	r = &mm_regions[0];
	owned = calloc(r->nr_pages, 1);
	get_state(&st);
	initial = st.nr_free;
	for (op = 0; op < RANDOM_OPS; op++) {
		if (nr_live < MAX_LIVE && (nr_live == 0 || rnd() % 2)) {
			struct live_block *b = &live[nr_live];

			if (!random_alloc(b, op))
				continue;
			claim_pages(owned, r, b, 1);
			fill_block(b);
			live_pages += b->nr;
			nr_live++;
		} else {
			size_t j = rnd() % nr_live;

			claim_pages(owned, r, &live[j], 0);
			free_live(&live[j]);
			live_pages -= live[j].nr;
			live[j] = live[--nr_live];
		}
		cr_assert_eq(mm_nr_free_pages(), initial - live_pages,
			     "op %lu: %zu free, model %zu", op, mm_nr_free_pages(),
			     initial - live_pages);
		if (op % 1024 == 0)
			check_heap();
	}
	check_heap();
	for (i = 0; i < nr_live; i++)
		free_live(&live[i]);
	assert_state(&st);
	check_heap();
	cr_assert_eq(nr_recorded_reports, 0);
	free(owned);
	free(live);
}

/* ---- alloc_pages_exact / free_pages_exact --------------------------------------- */

Test(page_alloc, alloc_pages_exact_takes_exactly_the_pages_needed)
{
	static const size_t sizes[] = {
		1,
		PAGE_SIZE - 1,
		PAGE_SIZE,
		PAGE_SIZE + 1,
		3 * PAGE_SIZE,
		5 * PAGE_SIZE - 7,
		7 * PAGE_SIZE,
		9 * PAGE_SIZE,
		((size_t)3 << (MAX_ORDER - 2)) * PAGE_SIZE + 1,
		PAGE_SIZE << MAX_ORDER,
	};
	struct heap_state initial;
	size_t i;

	setup_heap(16 << 20);
	get_state(&initial);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = (sizes[i] + PAGE_SIZE - 1) / PAGE_SIZE;
		void *p = alloc_pages_exact(sizes[i], GFP_KERNEL);
		const struct page *pg = virt_to_page(p);

		cr_assert_not_null(p, "size %zu", sizes[i]);
		cr_assert_eq((uintptr_t)p % PAGE_SIZE, 0);
		cr_assert_eq(mm_nr_free_pages(), initial.nr_free - n,
			     "size %zu: %zu free, want %zu", sizes[i], mm_nr_free_pages(),
			     initial.nr_free - n);
		cr_assert(page_is_large(pg) && page_is_exact(pg) && pg->nr_exact == n);
		check_heap();
		free_pages_exact(p, sizes[i]);
		assert_state(&initial);
	}
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(page_alloc, alloc_pages_exact_in_any_order_coalesces_to_initial_state)
{
	struct heap_state initial;
	struct {
		void *p;
		size_t size;
	} * got;
	size_t n = 0, i;

	seed_rng("page_alloc/alloc_pages_exact_in_any_order_coalesces_to_initial_state");
	setup_heap(8 << 20);
	get_state(&initial);
	got = calloc(initial.nr_free, sizeof(*got));
	for (;;) {
		size_t size = rnd() % (ORDER_BYTES(rnd_order())) + 1;
		void *p;

		while ((p = alloc_pages_exact(size, GFP_KERNEL)) == NULL && size > PAGE_SIZE)
			size /= 2;
		if (!p)
			break;
		got[n].p = p;
		got[n++].size = size;
	}
	cr_assert_eq(mm_nr_free_pages(), 0);
	check_heap();
	for (i = n; i > 1; i--) {
		size_t j = rnd() % i;
		void *tp = got[i - 1].p;
		size_t ts = got[i - 1].size;

		got[i - 1] = got[j];
		got[j].p = tp;
		got[j].size = ts;
	}
	for (i = 0; i < n; i++)
		free_pages_exact(got[i].p, got[i].size);
	check_heap();
	assert_state(&initial);
	cr_assert_eq(nr_recorded_reports, 0);
	free(got);
}

Test(page_alloc, alloc_pages_exact_rejects_bad_sizes)
{
	struct heap_state initial;

	setup_heap(16 << 20);
	get_state(&initial);
	cr_assert_null(alloc_pages_exact(0, GFP_KERNEL));
	cr_assert_null(alloc_pages_exact((PAGE_SIZE << MAX_ORDER) + 1, GFP_KERNEL));
	cr_assert_null(alloc_pages_exact(SIZE_MAX, GFP_KERNEL));
	cr_assert_null(__alloc_pages_exact(SIZE_MAX - PAGE_SIZE + 2, GFP_KERNEL));
	assert_state(&initial);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(page_alloc, alloc_pages_exact_gfp_zero_zeroes_every_page)
{
	void *p;

	setup_heap(SMALL_HEAP);
	dirty_free_pages(0xa5);
	p = alloc_pages_exact(3 * PAGE_SIZE + 5, GFP_KERNEL | __GFP_ZERO);
	cr_assert_not_null(p);
	expect_zero(p, 4 * PAGE_SIZE);
}

/* ---- misuse: reported once, ignored, heap intact --------------------------------- */

Test(page_alloc, free_null_is_ignored)
{
	struct heap_state initial;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	free_pages(NULL, 0);
	free_pages(NULL, MAX_ORDER + 5);
	free_pages_exact(NULL, PAGE_SIZE);
	cr_assert_eq(nr_recorded_reports, 0);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_wrong_order_is_reported)
{
	struct heap_state initial;
	void *p;
	size_t nr;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 2);
	nr = mm_nr_free_pages();
	free_pages(p, 1);
	expect_bad_pages(p);
	cr_assert_eq(mm_nr_free_pages(), nr);
	free_pages(p, 2);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_order_above_max_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 0);
	free_pages(p, MAX_ORDER + 1);
	expect_bad_pages(p);
	free_pages(p, 0);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_interior_page_is_reported)
{
	struct heap_state initial;
	char *p;
	size_t nr;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 2);
	nr = mm_nr_free_pages();
	free_pages(p + PAGE_SIZE, 0);
	expect_bad_pages(p + PAGE_SIZE);
	cr_assert_eq(mm_nr_free_pages(), nr);
	free_pages(p, 2);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_unaligned_is_reported)
{
	struct heap_state initial;
	char *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 0);
	free_pages(p + 8, 0);
	expect_bad_pages(p + 8);
	free_pages(p, 0);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_foreign_address_is_reported)
{
	static char outside[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
	struct heap_state initial;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	free_pages(outside, 0);
	expect_bad_pages(outside);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_of_descriptors_is_reported)
{
	struct heap_state initial;
	void *desc;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	desc = mm_regions[0].pages;
	free_pages(desc, 0);
	expect_bad_pages(desc);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_never_allocated_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = (void *)mm_regions[0].base;
	free_pages(p, 0);
	expect_bad_pages(p);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_double_free_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 1);
	free_pages(p, 1);
	free_pages(p, 1);
	expect_report_of(MM_REPORT_DOUBLE_FREE, p);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_of_exact_block_is_reported)
{
	struct heap_state initial;
	void *p;
	size_t nr;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = alloc_pages_exact(4 * PAGE_SIZE, GFP_KERNEL);
	nr = mm_nr_free_pages();
	free_pages(p, 2);
	expect_bad_pages(p);
	cr_assert_eq(mm_nr_free_pages(), nr);
	free_pages_exact(p, 4 * PAGE_SIZE);
	expect_heap_intact(&initial);
}

/* The order field of an exact block is no order, even when passed as one. */
Test(page_alloc, free_pages_with_exact_marker_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	free_pages(p, PAGE_ORDER_EXACT);
	expect_bad_pages(p);
	free_pages_exact(p, 3 * PAGE_SIZE);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_exact_of_order_block_is_reported)
{
	struct heap_state initial;
	void *p;
	size_t nr;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 2);
	nr = mm_nr_free_pages();
	free_pages_exact(p, 4 * PAGE_SIZE);
	expect_bad_pages(p);
	cr_assert_eq(mm_nr_free_pages(), nr);
	free_pages(p, 2);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_exact_wrong_size_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);
	free_pages_exact(p, 4 * PAGE_SIZE);
	expect_bad_pages(p);
	free_pages_exact(p, 5 * PAGE_SIZE - 1);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_exact_double_free_is_reported)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	free_pages_exact(p, 3 * PAGE_SIZE);
	free_pages_exact(p, 3 * PAGE_SIZE);
	expect_report_of(MM_REPORT_DOUBLE_FREE, p);
	expect_heap_intact(&initial);
}

Test(page_alloc, free_pages_exact_interior_page_is_reported)
{
	struct heap_state initial;
	char *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	free_pages_exact(p + PAGE_SIZE, 2 * PAGE_SIZE);
	expect_bad_pages(p + PAGE_SIZE);
	free_pages_exact(p, 3 * PAGE_SIZE);
	expect_heap_intact(&initial);
}

/* A pool of the slab layer is PG_slab: free_pages() refuses it. */
Test(page_alloc, free_pages_of_slab_pool_is_reported)
{
	struct heap_state initial;
	struct page *pg;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = get_free_pages(GFP_KERNEL, 1);
	pg = virt_to_page(p);
	set_page_state(pg, PG_slab);
	free_pages(p, 1);
	expect_bad_pages(p);
	set_page_state(pg, PG_large);
	free_pages(p, 1);
	expect_heap_intact(&initial);
}

/* ---- unlocked internals, as the slab layer uses them ------------------------------ */

Test(page_alloc, unlocked_free_pages_takes_slab_pool)
{
	struct heap_state initial;
	struct page *pg;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = __get_free_pages(GFP_KERNEL, 2);
	pg = virt_to_page(p);
	cr_assert(page_is_large(pg) && pg->order == 2);
	cr_assert(compound_head(virt_to_page((char *)p + 3 * PAGE_SIZE)) == pg);
	set_page_state(pg, PG_slab);
	__free_pages(&mm_regions[0], pg, 2);
	cr_assert_eq(nr_recorded_reports, 0);
	expect_heap_intact(&initial);
}

Test(page_alloc, unlocked_exact_roundtrip)
{
	struct heap_state initial;
	void *p;

	setup_heap(SMALL_HEAP);
	get_state(&initial);
	p = __alloc_pages_exact(6 * PAGE_SIZE, GFP_KERNEL);
	cr_assert_not_null(p);
	cr_assert_eq(mm_nr_free_pages(), initial.nr_free - 6);
	check_heap();
	__free_pages_exact(&mm_regions[0], virt_to_page(p));
	expect_heap_intact(&initial);
}

#endif /* CONFIG_MM_PAGE_ALLOC */
