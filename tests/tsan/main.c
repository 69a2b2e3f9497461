// SPDX-License-Identifier: MIT
/*
 * tests/tsan/main.c - the churn of tests/unit/churn.c under ThreadSanitizer:
 * four CPUs (threads) allocating and freeing each other's objects while a
 * fifth reads statistics, validates, drains and shrinks. ThreadSanitizer
 * fails the run on any data race in mm/; this program fails it on a changed
 * byte, a lost object, a report or a validation problem.
 *
 *   tsan [OPS]      allocations per thread (default 30000)
 *
 * Criterion cannot run under ThreadSanitizer (its arena is mapped where the
 * sanitizer's shadow memory goes), hence a program of its own. It prints
 * the one test protocol (tests/harness/README.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include <mm/debug.h>
#include <mm/page_alloc.h>
#include <mm/stats.h>
#include "churn.h"
#include "helpers.h"

#define HEAP_SIZE (16u << 20)

static char heap[HEAP_SIZE] __attribute__((aligned(1 << 22)));
static unsigned int passed, failed;

static void check(bool ok, const char *what, unsigned long n)
{
	if (ok) {
		passed++;
		printf("ok   %s\n", what);
	} else {
		failed++;
		printf("FAIL %s\n    %lu\n", what, n);
	}
}

int main(int argc, char **argv)
{
	struct churn c = { .threads = 4, .ops = 30000, .meddle = true };
	struct mm_stats before, after;

	if (argc > 1)
		c.ops = (unsigned int)strtoul(argv[1], NULL, 0);
	if (mm_add_region(heap, HEAP_SIZE) != 0) {
		printf("FAIL mm_add_region\n0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	mm_get_stats(&before);
	c.cache = kmem_cache_create("tsan48", 48, 0, 0, NULL);
	churn_run(&c);
	mm_get_stats(&after);
	check(c.bad == 0, "no object's bytes changed while held", c.bad);
	check(c.failed == 0, "no allocation failed", c.failed);
	check(c.problems == 0, "mm_validate() found nothing meanwhile", c.problems);
	check(c.meddles > 0, "the meddler ran", c.meddles);
	check(nr_recorded_reports == 0, "nothing reported", nr_recorded_reports);
	check(after.nr_allocs - before.nr_allocs == after.nr_frees - before.nr_frees + 1,
	      "every allocation freed once (the cache's descriptor aside)",
	      after.nr_allocs - before.nr_allocs);
	kmem_cache_destroy(c.cache);
	mm_shrink();
	mm_get_stats(&after);
	check(after.used_bytes == before.used_bytes, "every pool back after shrinking",
	      after.used_bytes - before.used_bytes);
	check(mm_validate() == 0, "mm_validate() at the end", 0);
	printf("%u passed, %u failed, 0 skipped\n", passed, failed);
	return failed != 0;
}
