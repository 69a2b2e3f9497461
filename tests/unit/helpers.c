// SPDX-License-Identifier: MIT
/*
 * tests/unit/helpers.c - the tests' port: reports are recorded for the
 * tests to inspect, a broken invariant aborts the test with its location.
 * On the host under Criterion, and on the boards under tests/harness/.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include <mm/page_alloc.h>
#include "helpers.h"

struct mm_report recorded_reports[MAX_RECORDED_REPORTS];
unsigned int nr_recorded_reports;

/* BARESLAB_PRINT_REPORTS=1 prints every report as it comes, to find an unexpected one. */
void mm_port_report(const struct mm_report *r)
{
	if (getenv("BARESLAB_PRINT_REPORTS"))
		fprintf(stderr, "report: %s at %p (object %p, cache %s): %s\n",
			mm_report_kind_name(r->kind), r->addr, r->object, r->cache ? r->cache : "-",
			r->detail ? r->detail : "");
	if (nr_recorded_reports < MAX_RECORDED_REPORTS)
		recorded_reports[nr_recorded_reports] = *r;
	nr_recorded_reports++;
}

void mm_port_bug(const char *file, int line)
{
	fprintf(stderr, "MM_BUG_ON at %s:%d\n", file, line);
	abort();
}

unsigned int count_reports(enum mm_report_kind kind)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_recorded_reports && i < MAX_RECORDED_REPORTS; i++)
		if (recorded_reports[i].kind == kind)
			n++;
	return n;
}

#ifdef CR_BOARD
/* On a board, the RAM the harness keeps for bareslab (tests/harness/runner.c). */
void *test_heap(size_t size)
{
	return cr_board_test_ram(size);
}
#else
#define TEST_HEAP_MAX (64u << 20)
static char heap_space[TEST_HEAP_MAX] __attribute__((aligned(1 << 22)));

void *test_heap(size_t size)
{
	cr_assert(size <= TEST_HEAP_MAX, "test heap of %zu bytes is too big", size);
	return heap_space;
}
#endif

void setup_heap(size_t size)
{
	cr_assert_eq(mm_add_region(test_heap(size), size), 0, "mm_add_region failed");
}
