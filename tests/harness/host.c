// SPDX-License-Identifier: MIT
/*
 * tests/harness/host.c - the host's Criterion binary speaks the tests'
 * protocol (tests/harness/README.md), as the boards' runner.c does: one
 * line per test on stdout, then the total.
 *
 *   ok   suite/name
 *   FAIL suite/name                       after a line per failed check:
 *                                           "  file:line: message"
 *   FAIL suite/name: crashed (signal N)
 *   skip suite/name: why
 *   N passed, N failed, N skipped
 *
 * Criterion's own report still goes to stderr.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>

static unsigned int passed, failed, skipped;

/* The failed checks of @a, oldest first (Criterion keeps the newest first). */
static void print_failures(const struct criterion_assert_stats *a)
{
	if (!a)
		return;
	print_failures(a->next);
	if (!a->passed)
		printf("  %s:%u: %s\n", a->file, a->line, a->message ? a->message : "");
}

static void report(const struct criterion_test_stats *t)
{
	const char *suite = t->test->category, *name = t->test->name;

	if (t->crashed) {
		printf("FAIL %s/%s: crashed (signal %d)\n", suite, name, t->signal);
		failed++;
	} else if (t->timed_out) {
		printf("FAIL %s/%s: timed out\n", suite, name);
		failed++;
	} else if (t->test_status == CR_STATUS_SKIPPED) {
		printf("skip %s/%s: %s\n", suite, name, t->message ? t->message : "");
		skipped++;
	} else if (t->test_status == CR_STATUS_PASSED) {
		printf("ok   %s/%s\n", suite, name);
		passed++;
	} else {
		print_failures(t->asserts);
		printf("FAIL %s/%s\n", suite, name);
		failed++;
	}
	fflush(stdout);
}

/* Every test that ran, as it ends (a crash ends it without POST_TEST). */
ReportHook(POST_TEST)(struct criterion_test_stats *t)
{
	report(t);
}

ReportHook(TEST_CRASH)(struct criterion_test_stats *t)
{
	report(t);
}

/* The tests that never ran (.disabled), then the total. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	const struct criterion_suite_stats *s;
	const struct criterion_test_stats *t;

	for (s = stats->suites; s; s = s->next) {
		for (t = s->tests; t; t = t->next) {
			if (t->test->data->disabled) {
				printf("skip %s/%s: disabled in this build (.disabled)\n",
				       t->test->category, t->test->name);
				skipped++;
			}
		}
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	fflush(stdout);
}
