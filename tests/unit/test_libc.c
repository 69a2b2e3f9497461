// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_libc.c - the libc glue (mm/libc/malloc.c): ISO C and POSIX
 * semantics of every entry point, their error cases, and the port hooks.
 *
 * The glue is compiled into this file with the bs_ prefix (bs_malloc,
 * bs_free, ...), so it serves the tests without replacing the malloc that
 * Criterion and the sanitizers use. The port hooks are defined here: off by
 * default, as on a firmware, and switched on by the tests that need them
 * (grow from a second static heap, map with mmap()).
 */
#define MM_LIBC_PREFIX bs_
#include "../../mm/libc/malloc.c"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "helpers.h"

#define HEAP_SIZE (4u << 20)
#define GROW_SIZE (4u << 20)

/* ---- the port hooks, under the tests' control ------------------------------------------ */

static bool grow_on, map_on;
static unsigned int nr_grow_calls, nr_maps, nr_unmaps;
static char grow_space[GROW_SIZE] __attribute__((aligned(1 << 22)));

bool mm_libc_port_grow(size_t size)
{
	static bool grown;

	(void)size;
	nr_grow_calls++;
	if (!grow_on || grown)
		return false;
	grown = true;
	return mm_add_region(grow_space, sizeof(grow_space)) == 0;
}

void *mm_libc_port_map(size_t size)
{
	void *p;

	if (!map_on)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	nr_maps++;
	return p;
}

void mm_libc_port_unmap(void *p, size_t size)
{
	nr_unmaps++;
	cr_assert_eq(munmap(p, size), 0, "unmap of %p, %zu bytes", p, size);
}

/* ---- fixtures and helpers --------------------------------------------------------------- */

static size_t initial_free_pages;

static void heap_4m(void)
{
	setup_heap(HEAP_SIZE);
	initial_free_pages = mm_nr_free_pages();
}

/* The same, with every debug check on (when built with CONFIG_MM_DEBUG=1):
 * a glue that writes outside what it asked kmalloc for is caught there. */
static void heap_4m_debug(void)
{
	heap_4m();
	if (CONFIG_MM_DEBUG)
		cr_assert_eq(mm_debug_enable(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER), 0);
}

TestSuite(libc, .init = heap_4m);
TestSuite(libc_debug, .init = heap_4m_debug);

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

/* Everything freed: the page allocator is as the fixture left it. */
static void assert_heap_restored(void)
{
	mm_shrink();
	cr_assert_eq(mm_nr_free_pages(), initial_free_pages, "pages leaked");
	cr_assert_eq(mm_validate(), 0);
}

/* ---- malloc and free ---------------------------------------------------------------------- */

Test(libc, malloc_of_zero_returns_a_unique_block_that_free_accepts)
{
	void *a = bs_malloc(0);
	void *b = bs_malloc(0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	cr_assert_geq(bs_malloc_usable_size(a), 1);
	bs_free(a);
	bs_free(b);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, every_size_is_aligned_usable_and_freed)
{
	size_t size;

	for (size = 1; size <= (1u << 20); size += size < 1100 ? 1 : size / 3) {
		void *p = bs_malloc(size);

		cr_assert_not_null(p, "malloc(%zu)", size);
		cr_assert_eq((uintptr_t)p % MM_MIN_ALIGN, 0, "malloc(%zu) = %p", size, p);
		cr_assert_geq(bs_malloc_usable_size(p), size);
		fill(p, bs_malloc_usable_size(p), (unsigned int)size);
		cr_assert(holds(p, bs_malloc_usable_size(p), (unsigned int)size));
		bs_free(p);
	}
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, malloc_too_large_fails_with_enomem)
{
	size_t sizes[] = { SIZE_MAX, (size_t)PTRDIFF_MAX + 1, KMALLOC_LARGEST + 1, HEAP_SIZE };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		errno = 0;
		cr_assert_null(bs_malloc(sizes[i]), "malloc(%zu)", sizes[i]);
		cr_assert_eq(errno, ENOMEM, "malloc(%zu)", sizes[i]);
	}
	cr_assert_eq(nr_maps, 0);
}

Test(libc, exhaustion_fails_with_enomem_after_asking_the_port)
{
	void *blocks[128];
	unsigned int n = 0, i;

	errno = 0;
	while (n < 128 && (blocks[n] = bs_malloc(64 << 10)))
		n++;
	cr_assert_lt(n, 128, "a 4 MiB heap held 128 blocks of 64 KiB");
	cr_assert_eq(errno, ENOMEM);
	cr_assert_gt(nr_grow_calls, 0, "the port was not asked for memory");
	for (i = 0; i < n; i++)
		bs_free(blocks[i]);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, a_full_heap_grows_through_the_port, .disabled = CONFIG_MM_MAX_REGIONS < 2)
{
	struct mm_libc_stats st;
	void *blocks[256];
	unsigned int n = 0, i;

	grow_on = true;
	while (n < 256 && (blocks[n] = bs_malloc(64 << 10)))
		n++;
	/* Both heaps full: about 2 x 4 MiB of 64 KiB blocks. */
	cr_assert_gt(n, 64 + 32, "only %u blocks: the heap did not grow", n);
	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_grows, 1);
	for (i = 0; i < n; i++)
		bs_free(blocks[i]);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(libc, blocks_larger_than_the_page_allocator_are_mapped_by_the_port)
{
	struct mm_libc_stats st;
	size_t size = KMALLOC_LARGEST + 12345;
	unsigned char *p;

	map_on = true;
	p = bs_malloc(size);
	cr_assert_not_null(p);
	cr_assert_eq((uintptr_t)p % PAGE_SIZE, 0);
	cr_assert_eq(nr_maps, 1);
	cr_assert_geq(bs_malloc_usable_size(p), size);
	p[0] = 1;
	p[size - 1] = 2;
	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_mapped, 1);
	cr_assert_geq(st.mapped_bytes, size);
	bs_free(p);
	cr_assert_eq(nr_unmaps, 1);
	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_mapped, 0);
	cr_assert_eq(st.mapped_bytes, 0);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, free_of_null_does_nothing)
{
	bs_free(NULL);
	bs_free_sized(NULL, 0);
	bs_free_aligned_sized(NULL, 64, 0);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, free_of_a_foreign_pointer_is_reported_and_ignored)
{
	static char page[2 * 4096] __attribute__((aligned(4096)));
	int on_stack;

	bs_free(&on_stack);
	bs_free(page); /* page-aligned: looked up as a big block first */
	cr_assert_eq(count_reports(MM_REPORT_FOREIGN_FREE), 2);
	assert_heap_restored();
}

Test(libc, free_of_an_interior_pointer_is_reported_and_ignored)
{
	char *p = bs_malloc(100);
	char *big = bs_malloc(5 * PAGE_SIZE);

	fill(p, 100, 3);
	bs_free(p + 16);
	bs_free(big + PAGE_SIZE); /* page-aligned, inside a page-backed block */
	cr_assert_eq(count_reports(MM_REPORT_INTERIOR_FREE), 2);
	cr_assert(holds(p, 100, 3));
	bs_free(p);
	bs_free(big);
	cr_assert_eq(nr_recorded_reports, 2);
	assert_heap_restored();
}

Test(libc, free_sized_and_free_aligned_sized_free)
{
	void *a = bs_malloc(40);
	void *b = bs_aligned_alloc(2 * PAGE_SIZE, 100);

	bs_free_sized(a, 40);
	bs_free_aligned_sized(b, 2 * PAGE_SIZE, 100);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

/* ---- calloc ---------------------------------------------------------------------------------- */

Test(libc, calloc_zeroes_even_a_reused_block)
{
	size_t sizes[] = { 1, 24, 100, 1000, PAGE_SIZE, 3 * PAGE_SIZE + 5, 200000 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		void *dirty = bs_malloc(n);
		void *p;

		memset(dirty, 0xa5, n);
		bs_free(dirty);
		p = bs_calloc(1, n);
		cr_assert_not_null(p);
		cr_assert(all_zero(p, n), "calloc(1, %zu) is not zeroed", n);
		bs_free(p);
	}
	assert_heap_restored();
}

Test(libc, calloc_detects_overflow)
{
	errno = 0;
	cr_assert_null(bs_calloc(SIZE_MAX / 2 + 1, 2));
	cr_assert_eq(errno, ENOMEM);
	errno = 0;
	cr_assert_null(bs_calloc(2, SIZE_MAX / 2 + 1));
	cr_assert_eq(errno, ENOMEM);
	errno = 0;
	cr_assert_null(
		bs_calloc((size_t)1 << (sizeof(size_t) * 4), (size_t)1 << (sizeof(size_t) * 4)));
	cr_assert_eq(errno, ENOMEM);
}

Test(libc, calloc_of_zero_returns_unique_blocks)
{
	void *a = bs_calloc(0, 16);
	void *b = bs_calloc(16, 0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	bs_free(a);
	bs_free(b);
	assert_heap_restored();
}

Test(libc, calloc_of_a_mapped_block_is_zero)
{
	size_t n = KMALLOC_LARGEST * 2;
	unsigned char *p;

	map_on = true;
	p = bs_calloc(n, 1);
	cr_assert_not_null(p);
	cr_assert_eq(p[0] | p[n / 2] | p[n - 1], 0);
	bs_free(p);
	cr_assert_eq(nr_unmaps, 1);
}

/* ---- realloc and reallocarray ------------------------------------------------------------------ */

Test(libc, realloc_of_null_allocates)
{
	void *p = bs_realloc(NULL, 50);
	void *z = bs_realloc(NULL, 0);

	cr_assert_not_null(p);
	cr_assert_not_null(z, "realloc(NULL, 0) is malloc(0)");
	cr_assert_geq(bs_malloc_usable_size(p), 50);
	bs_free(p);
	bs_free(z);
	assert_heap_restored();
}

Test(libc, realloc_to_zero_frees_and_returns_null)
{
	struct mm_stats before, after;
	void *p = bs_malloc(300);

	mm_get_stats(&before);
	errno = 1234;
	cr_assert_null(bs_realloc(p, 0));
	cr_assert_eq(errno, 1234, "realloc(p, 0) changed errno");
	mm_get_stats(&after);
	cr_assert_eq(after.nr_frees, before.nr_frees + 1);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, realloc_keeps_contents_while_growing_through_every_kind)
{
	size_t sizes[] = { 8, 100, 1000, PAGE_SIZE + 1, 50000, KMALLOC_LARGEST + 1 };
	size_t prev = 5;
	unsigned char *p;
	unsigned int i;

	map_on = true;
	p = bs_malloc(prev);
	fill(p, prev, 9);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = bs_realloc(p, sizes[i]);
		cr_assert_not_null(p, "realloc to %zu", sizes[i]);
		cr_assert(holds(p, prev, 9), "contents lost growing to %zu", sizes[i]);
		fill(p, sizes[i], 9);
		prev = sizes[i];
	}
	cr_assert_eq(nr_maps, 1);
	/* And all the way back down. */
	for (i = sizeof(sizes) / sizeof(sizes[0]); i-- > 0;) {
		p = bs_realloc(p, sizes[i] / 3 + 1);
		cr_assert_not_null(p);
		cr_assert(holds(p, sizes[i] / 3 + 1, 9), "contents lost shrinking to %zu",
			  sizes[i] / 3 + 1);
	}
	cr_assert_eq(nr_unmaps, 1);
	bs_free(p);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, realloc_shrinks_in_place_unless_much_is_left_unused)
{
	void *small = bs_malloc(1000);
	void *big = bs_malloc(64 << 10);
	void *moved;

	cr_assert_eq(bs_realloc(small, 900), small, "a small shrink moved");
	cr_assert_eq(bs_realloc(small, 10), small, "under a page unused: no move");
	cr_assert_eq(bs_realloc(big, 40 << 10), big, "less than half unused: no move");
	fill(big, 1000, 4);
	moved = bs_realloc(big, 1000);
	cr_assert_neq(moved, big, "60 KiB left unused in place");
	cr_assert(holds(moved, 1000, 4));
	bs_free(moved);
	bs_free(small);
	assert_heap_restored();
}

Test(libc, realloc_failure_leaves_the_block_intact)
{
	size_t sizes[] = { SIZE_MAX, (size_t)PTRDIFF_MAX + 1, KMALLOC_LARGEST + 1 };
	unsigned char *p = bs_malloc(200);
	unsigned int i;

	fill(p, 200, 6);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		errno = 0;
		cr_assert_null(bs_realloc(p, sizes[i]));
		cr_assert_eq(errno, ENOMEM);
		cr_assert(holds(p, 200, 6));
	}
	bs_free(p);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, realloc_of_a_foreign_pointer_is_reported_and_fails_with_einval)
{
	long on_stack[4];

	errno = 0;
	cr_assert_null(bs_realloc(on_stack, 100));
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(count_reports(MM_REPORT_FOREIGN_FREE), 1);
	assert_heap_restored();
}

Test(libc, reallocarray_detects_overflow_and_keeps_the_block)
{
	unsigned char *p = bs_malloc(64);
	unsigned char *q;

	fill(p, 64, 2);
	errno = 0;
	cr_assert_null(bs_reallocarray(p, SIZE_MAX / 4, 8));
	cr_assert_eq(errno, ENOMEM);
	cr_assert(holds(p, 64, 2));
	q = bs_reallocarray(p, 100, 10);
	cr_assert_not_null(q);
	cr_assert_geq(bs_malloc_usable_size(q), 1000);
	cr_assert(holds(q, 64, 2));
	cr_assert_null(bs_reallocarray(q, 0, 10), "reallocarray to 0 bytes frees");
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

/* ---- the aligned family ------------------------------------------------------------------------- */

enum aligned_fn {
	ALIGNED_ALLOC,
	MEMALIGN,
	POSIX_MEMALIGN,
	NR_ALIGNED_FNS
};

static void *aligned_by(enum aligned_fn fn, size_t align, size_t size)
{
	void *p = NULL;

	switch (fn) {
	case ALIGNED_ALLOC:
		return bs_aligned_alloc(align, size);
	case MEMALIGN:
		return bs_memalign(align, size);
	default:
		if (align < sizeof(void *))
			align = sizeof(void *);
		cr_assert_eq(bs_posix_memalign(&p, align, size), 0, "posix_memalign(%zu, %zu)",
			     align, size);
		return p;
	}
}

Test(libc, every_alignment_up_to_a_megabyte_works)
{
	size_t align, size;
	unsigned int fn, k;

	for (fn = 0; fn < NR_ALIGNED_FNS; fn++) {
		for (align = 1; align <= (1u << 20); align <<= 1) {
			size_t sizes[] = { 1,	      7,	 align - 1,	align,
					   align + 1, 3 * align, PAGE_SIZE + 1, 3 * PAGE_SIZE };

			for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				void *p;

				size = sizes[k];
				/* One block at a time, kmalloc(size + align) in a 4 MiB heap. */
				if (size == 0 || size + align > (2u << 20))
					continue;
				p = aligned_by(fn, align, size);
				cr_assert_not_null(p, "fn %u align %zu size %zu", fn, align, size);
				cr_assert_eq((uintptr_t)p % align, 0,
					     "fn %u align %zu size %zu: %p", fn, align, size, p);
				cr_assert_geq(bs_malloc_usable_size(p), size);
				fill(p, size, (unsigned int)(align + size));
				cr_assert(holds(p, size, (unsigned int)(align + size)));
				bs_free(p);
			}
		}
	}
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, aligned_blocks_live_together_without_overlapping)
{
	unsigned char *p[12];
	size_t align[12];
	unsigned int i;

	for (i = 0; i < 12; i++) {
		align[i] = (size_t)1 << (i + 4); /* 16 B .. 32 KiB */
		p[i] = bs_memalign(align[i], align[i] + 3);
		cr_assert_not_null(p[i]);
		fill(p[i], align[i] + 3, i);
	}
	for (i = 0; i < 12; i++) {
		cr_assert(holds(p[i], align[i] + 3, i), "block aligned to %zu overwritten",
			  align[i]);
		bs_free(p[i]);
	}
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

Test(libc, alignment_of_the_largest_block_is_mapped)
{
	size_t align = KMALLOC_LARGEST;
	void *p;

	errno = 0;
	cr_assert_null(bs_aligned_alloc(align, 100), "no port to map with");
	cr_assert_eq(errno, ENOMEM);
	map_on = true;
	p = bs_aligned_alloc(align, 100);
	cr_assert_not_null(p);
	cr_assert_eq((uintptr_t)p % align, 0);
	cr_assert_geq(bs_malloc_usable_size(p), 100);
	bs_free(p);
	cr_assert_eq(nr_unmaps, 1);
	assert_heap_restored();
}

Test(libc, bad_alignments_fail_with_einval)
{
	size_t bad[] = { 0, 3, 24, 48, PAGE_SIZE + 1, SIZE_MAX };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_assert_null(bs_aligned_alloc(bad[i], 64), "aligned_alloc(%zu)", bad[i]);
		cr_assert_eq(errno, EINVAL, "aligned_alloc(%zu)", bad[i]);
		errno = 0;
		cr_assert_null(bs_memalign(bad[i], 64), "memalign(%zu)", bad[i]);
		cr_assert_eq(errno, EINVAL, "memalign(%zu)", bad[i]);
	}
	assert_heap_restored();
}

Test(libc, posix_memalign_returns_errors_and_leaves_errno_and_memptr_alone)
{
	size_t bad[] = { 0, sizeof(void *) / 2, 3 * sizeof(void *), PAGE_SIZE + 8 };
	void *sentinel = (void *)&bad;
	void *p = sentinel;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 4321;
		cr_assert_eq(bs_posix_memalign(&p, bad[i], 64), EINVAL, "alignment %zu", bad[i]);
		cr_assert_eq(p, sentinel);
		cr_assert_eq(errno, 4321);
	}
	errno = 4321;
	cr_assert_eq(bs_posix_memalign(&p, 64, SIZE_MAX), ENOMEM);
	cr_assert_eq(bs_posix_memalign(&p, SIZE_MAX / 2 + 1, 1), ENOMEM);
	cr_assert_eq(p, sentinel);
	cr_assert_eq(errno, 4321);
	cr_assert_eq(bs_posix_memalign(&p, sizeof(void *), 0), 0);
	cr_assert_neq(p, sentinel);
	bs_free(p);
	assert_heap_restored();
}

Test(libc, huge_alignments_fail_with_enomem)
{
	errno = 0;
	cr_assert_null(bs_aligned_alloc(SIZE_MAX / 2 + 1, 1));
	cr_assert_eq(errno, ENOMEM);
	map_on = true;
	errno = 0;
	cr_assert_null(bs_memalign((size_t)1 << (sizeof(size_t) * 8 - 2), 1));
	cr_assert_eq(errno, ENOMEM);
	cr_assert_eq(nr_maps, 0);
}

Test(libc, valloc_and_pvalloc_give_whole_pages)
{
	void *v = bs_valloc(10);
	void *pv = bs_pvalloc(PAGE_SIZE + 1);
	void *pz = bs_pvalloc(0);

	cr_assert_eq((uintptr_t)v % PAGE_SIZE, 0);
	cr_assert_eq((uintptr_t)pv % PAGE_SIZE, 0);
	cr_assert_geq(bs_malloc_usable_size(pv), 2 * PAGE_SIZE);
	cr_assert_geq(bs_malloc_usable_size(pz), PAGE_SIZE);
	errno = 0;
	cr_assert_null(bs_pvalloc(SIZE_MAX));
	cr_assert_eq(errno, ENOMEM);
	bs_free(v);
	bs_free(pv);
	bs_free(pz);
	assert_heap_restored();
}

Test(libc, a_big_aligned_block_freed_twice_is_reported_once)
{
	void *p = bs_aligned_alloc(4 * PAGE_SIZE, 100);
	struct mm_libc_stats st;

	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_aligned, 1);
	bs_free(p);
	cr_assert_eq(nr_recorded_reports, 0);
	bs_free(p);
	cr_assert_eq(nr_recorded_reports, 1);
	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_aligned, 0);
	assert_heap_restored();
}

/* ---- malloc_usable_size and the figures --------------------------------------------------------- */

Test(libc, malloc_usable_size_of_null_or_foreign_is_zero)
{
	int on_stack;

	cr_assert_eq(bs_malloc_usable_size(NULL), 0);
	cr_assert_eq(bs_malloc_usable_size(&on_stack), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(libc, usable_size_of_a_big_aligned_block_stays_inside_it)
{
	size_t align = 8 * PAGE_SIZE;
	unsigned char *p = bs_aligned_alloc(align, 3 * PAGE_SIZE);
	size_t n = bs_malloc_usable_size(p);

	cr_assert_geq(n, 3 * PAGE_SIZE);
	fill(p, n, 1); /* all of it is ours to write */
	cr_assert(holds(p, n, 1));
	bs_free(p);
	cr_assert_eq(nr_recorded_reports, 0);
	assert_heap_restored();
}

static char printed[1024];
static size_t printed_len;

static void print_to_buffer(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	cr_assert_lt(printed_len + n, sizeof(printed));
	memcpy(printed + printed_len, s, n);
	printed_len += n;
}

Test(libc, failures_are_counted_and_printed)
{
	struct mm_printer pr = { .write = print_to_buffer };
	struct mm_libc_stats st;

	cr_assert_null(bs_malloc(SIZE_MAX));
	cr_assert_null(bs_aligned_alloc(3, 1));
	cr_assert_null(bs_memalign(0, 1));
	mm_libc_get_stats(&st);
	cr_assert_eq(st.nr_enomem, 1);
	cr_assert_eq(st.nr_einval, 2);
	mm_libc_print_stats(&pr);
	printed[printed_len] = '\0';
	cr_assert(strstr(printed, "MallocENOMEM:          1\n"), "%s", printed);
	cr_assert(strstr(printed, "MallocEINVAL:          2\n"), "%s", printed);
	cr_assert(strstr(printed, "MallocMappedMem:       0 kB\n"), "%s", printed);
}

/* ---- everything at once -------------------------------------------------------------------------- */

#define NR_SLOTS 512

struct slot {
	unsigned char *p;
	size_t size;
	unsigned int seed;
};

static void randomized(unsigned int seed, unsigned int ops)
{
	static struct slot slots[NR_SLOTS];
	unsigned int i;

	printf("libc randomized: seed %u\n", seed);
	srand(seed);
	map_on = true;
	for (i = 0; i < ops; i++) {
		struct slot *s = &slots[(unsigned int)rand() % NR_SLOTS];
		unsigned int r = (unsigned int)rand();
		size_t size = r % 16 == 0 ? (size_t)rand() % 100000 : (size_t)rand() % 600;

		if (s->p)
			cr_assert(holds(s->p, s->size, s->seed), "slot %td corrupt (seed %u)",
				  s - slots, seed);
		switch (r % 7) {
		case 0:
		case 1:
			bs_free(s->p);
			s->p = bs_malloc(size);
			break;
		case 2:
			bs_free(s->p);
			s->p = bs_calloc(1, size);
			cr_assert(all_zero(s->p, size));
			break;
		case 3:
			if (s->p) {
				s->p = bs_realloc(s->p, size + 1);
				cr_assert(holds(s->p, size + 1 < s->size ? size + 1 : s->size,
						s->seed));
				size++;
			} else {
				s->p = bs_realloc(NULL, size);
			}
			break;
		case 4:
			bs_free(s->p);
			s->p = bs_memalign((size_t)1 << (r / 7 % 15), size);
			cr_assert_eq((uintptr_t)s->p % ((size_t)1 << (r / 7 % 15)), 0);
			break;
		case 5:
			bs_free(s->p);
			s->p = bs_malloc(r % 3 == 0 ? KMALLOC_LARGEST + size : size);
			if (r % 3 == 0)
				size += KMALLOC_LARGEST;
			break;
		default:
			bs_free(s->p);
			s->p = NULL;
			size = 0;
			break;
		}
		if (s->p || size) {
			cr_assert_not_null(s->p, "op %u: %zu bytes (seed %u)", r % 7, size, seed);
			cr_assert_geq(bs_malloc_usable_size(s->p), size);
		}
		s->size = size;
		s->seed = r;
		if (s->p)
			fill(s->p, size, r);
	}
	for (i = 0; i < NR_SLOTS; i++)
		if (slots[i].p) {
			cr_assert(holds(slots[i].p, slots[i].size, slots[i].seed));
			bs_free(slots[i].p);
		}
	cr_assert_eq(nr_recorded_reports, 0, "seed %u", seed);
	cr_assert_eq(nr_maps, nr_unmaps);
	assert_heap_restored();
}

Test(libc, randomized_against_a_model)
{
	randomized((unsigned int)time(NULL), 20000);
}

Test(libc_debug, randomized_with_every_debug_check)
{
	randomized((unsigned int)time(NULL) + 1, 20000);
}
