// SPDX-License-Identifier: MIT
/*
 * tests/unit/port.c - the tests' port hooks, for the host (Criterion and
 * tests/tsan) and the boards (tests/harness): reports are recorded for the
 * tests to inspect, a broken invariant aborts with its location. The lock
 * and the CPU number are port_threads.c's on the host, the board's own
 * (arch/common/lock.c) on a board.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mm/page_alloc.h>
#include "helpers.h"

struct mm_report recorded_reports[MAX_RECORDED_REPORTS];
unsigned int nr_recorded_reports;
unsigned long nr_lock_calls, nr_unlock_calls;

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
