// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_commands.c - the allocator's console commands
 * (kernel/mm_commands.c, stress.c, churn.c, selftest.c), the boot demo and the report
 * printer, run on the host against a static heap through shell_execute(),
 * with the console captured.
 *
 * A bad line must print exactly one line and leave the heap as it was:
 * allocations, frees, used bytes and reports are compared around it.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/slab.h>
#include <mm/stats.h>

#include "demo.h"
#include "helpers.h"
#include "mm_commands.h"
#include "printk.h"
#include "report.h"
#include "shell.h"

#define HEAP_SIZE (8u << 20)

/* Everything printed to the console since the last run(), "\r\n" included. */
static char console[1 << 17];
static size_t console_len;

static void capture_putc(char c)
{
	if (console_len < sizeof(console) - 1)
		console[console_len++] = c;
}

static void clear_console(void)
{
	console_len = 0;
	memset(console, 0, sizeof(console));
}

static void setup(void)
{
	clear_console();
	console_register(capture_putc);
	setup_heap(HEAP_SIZE);
}

TestSuite(commands, .init = setup);

/* Run one console line on a fresh capture; return the handler's status. */
static int run(const char *line)
{
	char buf[SHELL_LINE_MAX + 1];

	snprintf(buf, sizeof(buf), "%s", line);
	clear_console();
	return shell_execute(shell_commands, nr_shell_commands, buf);
}

static int runf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int runf(const char *fmt, ...)
{
	char line[SHELL_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return run(line);
}

static unsigned int nr_lines(void)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < console_len; i++)
		n += console[i] == '\n';
	return n;
}

/* The number printed right after @prefix in the console output, or 0. */
static unsigned long printed(const char *prefix)
{
	const char *s = strstr(console, prefix);

	return s ? strtoul(s + strlen(prefix), NULL, 0) : 0;
}

/* The address `kmalloc` printed. */
static void *kmalloc_addr(void)
{
	const char *s = strstr(console, ") = ");

	cr_assert(s, "no address in: %s", console);
	return (void *)(uintptr_t)strtoul(s + 4, NULL, 16);
}

/* Figures a bad line must not change. */
struct heap_state {
	unsigned long allocs, frees, failures, reports;
	size_t used, live;
};

static struct heap_state heap_state(void)
{
	struct mm_stats st;
	struct heap_state h;

	mm_get_stats(&st);
	h.allocs = st.nr_allocs;
	h.frees = st.nr_frees;
	h.failures = st.nr_failures;
	h.reports = st.nr_reports;
	h.used = st.used_bytes;
	h.live = st.live_bytes;
	return h;
}

static void expect_unchanged(const struct heap_state *a, const char *line)
{
	struct heap_state b = heap_state();

	cr_expect_eq(b.allocs, a->allocs, "'%s' allocated", line);
	cr_expect_eq(b.frees, a->frees, "'%s' freed", line);
	cr_expect_eq(b.used, a->used, "'%s' changed the used bytes", line);
	cr_expect_eq(b.live, a->live, "'%s' changed the live bytes", line);
	cr_expect_eq(b.reports, a->reports, "'%s' caused a report", line);
}

/* @line fails with exactly one line printed, and changes nothing in the heap. */
static void expect_refused(const char *line)
{
	struct heap_state before = heap_state();

	cr_expect_neq(run(line), 0, "'%s' succeeded", line);
	cr_expect_eq(nr_lines(), 1, "'%s' printed %u lines:\n%s", line, nr_lines(), console);
	expect_unchanged(&before, line);
}

/* ---- bad input -------------------------------------------------------------------------- */

Test(commands, every_bad_line_prints_one_error_and_changes_nothing)
{
	static const char *const lines[] = {
		/* bad numbers */
		"kmalloc 12x",
		"kmalloc -1",
		"kmalloc 0x",
		"kmalloc 99999999999999999999999",
		"kfree zz",
		"kfree 0x",
		"cache create x abc",
		"cache create x 10 0x1g",
		"cache alloc x many",
		"stress x",
		"stress 10 y",
		"stress 0",
		"irqstress x",
		"irqstress 0",
		"irqstress 10 y",
		"churn x",
		"churn 0",
		"churn 10 y",
		/* no timer interrupt without a board */
		"irqstress 100",
		/* unknown address or cache */
		"kfree 0x1234",
		"kfree 0",
		"kfree 16",
		"cache alloc nope",
		"cache alloc nope 3",
		"cache free nope",
		"cache destroy nope",
		"cache bogus x",
		/* bad values */
		"cache create x 0",
		"cache create x 100 3",
		"cache create x 100 48",
		"cache create abcdefghijklmnop 10",
		/* argument counts */
		"kmalloc",
		"kmalloc 1 2",
		"kfree",
		"kfree 1 2",
		"cache",
		"cache create",
		"cache create x",
		"cache create a 1 2 3",
		"cache alloc x 1 2",
		"cache destroy x 1",
		"stress",
		"stress 1 2 3",
		"irqstress",
		"irqstress 1 2 3",
		"churn",
		"churn 1 2 3",
		"cpus 1",
		"selftest x",
		"selftest 1 2",
		"meminfo x",
		"slabinfo x",
		"buddyinfo 1",
		"heapmap 1",
		"shrink now",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		expect_refused(lines[i]);
	cr_expect_eq(nr_recorded_reports, 0);
}

Test(commands, bad_lines_change_nothing_with_blocks_and_caches_held)
{
	cr_assert_eq(run("kmalloc 100"), 0);
	cr_assert_eq(run("cache create c 40"), 0);
	cr_assert_eq(run("cache alloc c 5"), 0);
	expect_refused("kfree 0x10");
	expect_refused("cache free c 6");
	expect_refused("cache free c 0");
	expect_refused("cache alloc c 252");
	expect_refused("cache create c 40");
	expect_refused("cache alloc C");
	cr_expect_eq(nr_recorded_reports, 0);
}

/* ---- figures ---------------------------------------------------------------------------- */

Test(commands, figures_go_to_the_console)
{
	void *p = kmalloc(48, GFP_KERNEL); /* a class in every build */
	char class_line[32];

	cr_assert_eq(run("meminfo"), 0);
	cr_expect(strstr(console, "MemTotal:"), "%s", console);
	cr_expect_eq(printed("Allocations:"), 1, "%s", console);
	cr_assert_eq(run("slabinfo"), 0);
	cr_expect(strstr(console, "slabinfo - version: 2.1\r\n"), "%s", console);
	snprintf(class_line, sizeof(class_line), "\nkmalloc-%lu ", (unsigned long)ksize(p));
	cr_expect(strstr(console, class_line), "%s", console);
	cr_assert_eq(run("buddyinfo"), 0);
	cr_expect(strstr(console, "Region 0 "), "%s", console);
	cr_assert_eq(run("heapmap"), 0);
	cr_expect(strstr(console, "heap map: one character per page"), "%s", console);
	cr_expect(strstr(console, "legend:"), "%s", console);
	kfree(p);
}

Test(commands, shrink_gives_empty_pools_back)
{
	struct mm_stats a, b;
	void *p = kmalloc(48, GFP_KERNEL);

	kfree(p); /* its pool stays, empty */
	mm_get_stats(&a);
	cr_assert_eq(run("shrink"), 0);
	mm_get_stats(&b);
	cr_expect_gt(b.pages_free, a.pages_free);
	cr_expect_eq(printed("shrink: "), b.pages_free - a.pages_free, "%s", console);
	cr_expect_eq(nr_lines(), 1);
}

/* ---- kmalloc and kfree ------------------------------------------------------------------ */

Test(commands, kmalloc_then_kfree)
{
	struct heap_state start = heap_state(), held;
	void *p;

	cr_assert_eq(run("kmalloc 100"), 0);
	p = kmalloc_addr();
	cr_expect(strstr(console, "kmalloc(100) = 0x"), "%s", console);
	cr_expect_eq(printed(", ksize "), ksize(p));
	cr_expect_eq(nr_lines(), 1);
	held = heap_state();
	cr_expect_eq(held.allocs, start.allocs + 1);
	cr_expect_eq(held.live, start.live + ksize(p));

	cr_assert_eq(runf("kfree %p", p), 0, "%s", console);
	cr_expect(strstr(console, "freed its 100 bytes"), "%s", console);
	held = heap_state();
	cr_expect_eq(held.frees, start.frees + 1);
	cr_expect_eq(held.live, start.live);

	/* Freed: the console no longer holds it, so the allocator never sees it again. */
	{
		char line[64];

		snprintf(line, sizeof(line), "kfree %p", p);
		expect_refused(line);
	}
	cr_expect_eq(nr_recorded_reports, 0);
}

Test(commands, kmalloc_takes_hex)
{
	cr_assert_eq(run("kmalloc 0x40"), 0);
	cr_expect(strstr(console, "kmalloc(64) = 0x"), "%s", console);
	cr_expect_eq(printed(", ksize "), 64);
}

Test(commands, kmalloc_0_is_zero_size_ptr_and_holds_nothing)
{
	struct heap_state before = heap_state();

	cr_assert_eq(run("kmalloc 0"), 0);
	cr_expect(strstr(console, "ZERO_SIZE_PTR"), "%s", console);
	expect_unchanged(&before, "kmalloc 0");
	expect_refused("kfree 0x10");
}

Test(commands, kmalloc_page_backed)
{
	void *p;

	cr_assert_eq(run("kmalloc 20000"), 0);
	p = kmalloc_addr();
	if (CONFIG_MM_PAGE_ALLOC) { /* whole pages; else a run of 20000 bytes and a little more */
		cr_expect_eq((uintptr_t)p % PAGE_SIZE, 0);
		cr_expect_eq(printed(", ksize "), 5 * PAGE_SIZE);
	} else {
		cr_expect_geq(printed(", ksize "), 20000);
	}
	cr_expect_eq(runf("kfree %p", p), 0);
}

Test(commands, kmalloc_without_memory_is_one_error)
{
	struct heap_state before = heap_state();

	cr_expect_neq(run("kmalloc 0x7fffffff"), 0);
	cr_expect(strstr(console, "kmalloc: no memory"), "%s", console);
	cr_expect_eq(nr_lines(), 1);
	cr_expect_eq(heap_state().allocs, before.allocs);
}

Test(commands, kmalloc_table_full)
{
	struct heap_state full;
	int i;

	for (i = 0; i < CONSOLE_BLOCKS; i++)
		cr_assert_eq(run("kmalloc 32"), 0, "block %d: %s", i, console);
	full = heap_state();
	expect_refused("kmalloc 32");
	cr_expect(strstr(console, "kfree one first"), "%s", console);
	cr_expect_eq(heap_state().allocs, full.allocs);
	cr_expect_eq(run("kmalloc 0"), 0, "kmalloc 0 holds nothing, so it still works");
}

Test(commands, kfree_only_takes_the_consoles_blocks)
{
	void *p = kmalloc(64, GFP_KERNEL);
	char line[64];

	snprintf(line, sizeof(line), "kfree %p", p);
	expect_refused(line);
	cr_expect(strstr(console, "not a block"), "%s", console);
	cr_expect_eq(ksize(p), 64, "the block is still live");
	kfree(p);
	cr_expect_eq(nr_recorded_reports, 0);
}

/* ---- caches ----------------------------------------------------------------------------- */

static bool slabinfo_has(const char *name, unsigned long active)
{
	char want[64];

	run("slabinfo");
	snprintf(want, sizeof(want), "\n%-17s %6lu ", name, active);
	return strstr(console, want) != NULL;
}

Test(commands, cache_life_cycle)
{
	struct heap_state start = heap_state();

	cr_assert_eq(run("cache create foo 100"), 0, "%s", console);
	cr_expect(strstr(console, "cache foo: 100-byte objects, "), "%s", console);
	cr_assert_eq(run("cache alloc foo 10"), 0, "%s", console);
	cr_expect(strstr(console, "cache foo: 10 objects, the last at 0x"), "%s", console);
	cr_expect(strstr(console, "; 10 live"), "%s", console);
	cr_expect(slabinfo_has("foo", 10), "%s", console);
	cr_assert_eq(run("cache free foo 4"), 0);
	cr_expect(strstr(console, "freed 4 objects; 6 live"), "%s", console);
	cr_expect(slabinfo_has("foo", 6), "%s", console);

	/* Live objects: the allocator refuses and reports, the console says so. */
	cr_expect_neq(run("cache destroy foo"), 0);
	cr_expect(strstr(console, "refused"), "%s", console);
	cr_expect_eq(count_reports(MM_REPORT_CACHE_BUSY), 1);
	cr_expect(slabinfo_has("foo", 6), "%s", console);

	cr_assert_eq(run("cache free foo 6"), 0);
	expect_refused("cache free foo");
	cr_assert_eq(run("cache destroy foo"), 0, "%s", console);
	cr_expect(strstr(console, "cache foo: destroyed"), "%s", console);
	run("slabinfo");
	cr_expect_null(strstr(console, "\nfoo "), "%s", console);
	expect_refused("cache alloc foo");

	/* The name is free again. */
	cr_assert_eq(run("cache create foo 8"), 0, "%s", console);
	cr_assert_eq(run("cache destroy foo"), 0, "%s", console);
	cr_expect_eq(heap_state().live, start.live);
	cr_expect_eq(nr_recorded_reports, 1);
}

Test(commands, cache_alloc_and_free_default_to_one)
{
	cr_assert_eq(run("cache create one 24"), 0);
	cr_assert_eq(run("cache alloc one"), 0);
	cr_expect(strstr(console, "cache one: 1 object, the last at 0x"), "%s", console);
	cr_assert_eq(run("cache free one"), 0);
	cr_expect(strstr(console, "freed 1 object; 0 live"), "%s", console);
}

Test(commands, cache_free_is_lifo)
{
	void *first, *last;

	cr_assert_eq(run("cache create lifo 48"), 0);
	cr_assert_eq(run("cache alloc lifo"), 0);
	first = (void *)(uintptr_t)printed("the last at ");
	cr_assert_eq(run("cache alloc lifo"), 0);
	last = (void *)(uintptr_t)printed("the last at ");
	cr_assert_neq(first, last);
	cr_assert_eq(run("cache free lifo"), 0);
	/* The freed one was the last: it is free now, the first is still live. */
	cr_assert_eq(ksize(first), 48);
	cr_assert_eq(ksize(last), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(commands, cache_alignment_argument)
{
	int i;

	cr_assert_eq(run("cache create al 100 0x100"), 0, "%s", console);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(run("cache alloc al"), 0);
		cr_expect_eq(printed("the last at ") % 256, 0, "%s", console);
	}
}

Test(commands, cache_name_is_copied)
{
	char line[] = "cache create copied 64";

	cr_assert_eq(shell_execute(shell_commands, nr_shell_commands, line), 0);
	memset(line, 'x', sizeof(line) - 1); /* the line buffer is reused by the shell */
	cr_assert_eq(run("cache alloc copied"), 0);
	cr_expect(slabinfo_has("copied", 1), "%s", console);
}

Test(commands, cache_table_limits)
{
	char line[64];
	int i;

	for (i = 0; i < CONSOLE_CACHES; i++)
		cr_assert_eq(runf("cache create c%d 32", i), 0, "%s", console);
	expect_refused("cache create one_more 32");
	cr_expect(strstr(console, "destroy one first"), "%s", console);
	expect_refused("cache create c3 64");
	cr_expect(strstr(console, "exists already"), "%s", console);

	cr_assert_eq(runf("cache alloc c0 %d", CONSOLE_CACHE_OBJECTS), 0, "%s", console);
	expect_refused("cache alloc c0");
	snprintf(line, sizeof(line), "cache free c0 %d", CONSOLE_CACHE_OBJECTS + 1);
	expect_refused(line);
	cr_assert_eq(runf("cache free c0 %d", CONSOLE_CACHE_OBJECTS), 0, "%s", console);
	cr_assert_eq(run("cache destroy c0"), 0);
	cr_expect_eq(run("cache create one_more 32"), 0, "a slot is free again: %s", console);
}

/* ---- stress ----------------------------------------------------------------------------- */

Test(commands, stress_checks_and_frees_everything)
{
	struct heap_state before = heap_state(), after;

	cr_assert_eq(run("stress 3000 5"), 0, "%s", console);
	cr_expect(strstr(console, "stress: 3000 ops, seed 5\r\n"), "%s", console);
	cr_expect(strstr(console, "stress: 0 errors\r\n"), "%s", console);
	cr_expect(strstr(console, "MemTotal:"), "%s", console);
	cr_expect(strstr(console, "slabinfo - version: 2.1"), "%s", console);
	after = heap_state();
	cr_expect_eq(after.allocs - after.frees, before.allocs - before.frees);
	cr_expect_eq(after.live, before.live);
	cr_expect_gt(after.allocs, before.allocs + 1000);
	cr_expect_eq(nr_recorded_reports, 0);
}

Test(commands, stress_repeats_with_its_seed)
{
	char first[256];
	const char *s;

	cr_assert_eq(run("stress 1000 9"), 0);
	s = strstr(console, "stress: ");
	s = s ? strstr(s + 1, "stress: ") : NULL;
	cr_assert(s, "%s", console);
	snprintf(first, sizeof(first), "%.*s", (int)(strchr(s, '\r') - s), s);
	cr_assert_eq(run("stress 1000 9"), 0);
	cr_expect(strstr(console, first), "'%s' not repeated in: %s", first, console);
	cr_assert_eq(run("stress 1000 10"), 0);
	cr_expect_null(strstr(console, first), "seed 10 ran as seed 9");
}

Test(commands, stress_takes_hex_and_a_default_seed)
{
	cr_assert_eq(run("stress 0x100"), 0, "%s", console);
	cr_expect(strstr(console, "stress: 256 ops, seed 1\r\n"), "%s", console);
}

Test(commands, stress_on_top_of_held_blocks)
{
	cr_assert_eq(run("kmalloc 500"), 0);
	cr_assert_eq(run("cache create held 72"), 0);
	cr_assert_eq(run("cache alloc held 100"), 0);
	cr_assert_eq(run("stress 2000 3"), 0, "%s", console);
	cr_assert_eq(run("cache free held 100"), 0);
	cr_assert_eq(run("cache destroy held"), 0);
}

/* ---- CPUs -------------------------------------------------------------------------------- */

/* Without a board there is one CPU: cpus shows it, and its figures add up. */
Test(commands, cpus_shows_the_one_cpu)
{
	struct mm_cpu_stats st;
	char want[96];
	void *p = kmalloc(48, GFP_KERNEL);

	cr_assert(mm_get_cpu_stats(0, &st));
	cr_assert_eq(run("cpus"), 0, "%s", console);
	cr_expect(strstr(console, "cpus: 1 CPU; "), "%s", console);
	cr_expect(strstr(console, "\r\n  cpu  allocations        frees  reserved  pools\r\n"), "%s",
		  console);
	snprintf(want, sizeof(want), "\r\n    0 %12lu %12lu %9lu %6u\r\n", st.nr_allocs,
		 st.nr_frees, st.reserved_objs, st.active_pools);
	cr_expect(strstr(console, want), "'%s' not in: %s", want, console);
	cr_expect_null(strstr(console, "\n  all "), "one CPU, no sum: %s", console);
	cr_expect_eq(nr_lines(), 3, "%s", console);
	kfree(p);
}

/* churn frees what it allocates; without a board's counter it says so. */
Test(commands, churn_frees_everything_and_has_no_counter_here)
{
	struct heap_state before = heap_state(), after;

	cr_assert_eq(run("churn 500 3"), 0, "%s", console);
	cr_expect(strstr(console, "churn: 500 steps on each of 1 CPU, seed 3: 256 blocks"), "%s",
		  console);
	cr_expect(strstr(console, "churn: cpu 0: 756 kmalloc, 756 kfree (0 for other CPUs), 0 "
				  "failed\r\n"),
		  "%s", console);
	cr_expect(strstr(console, "churn: all: 756 kmalloc, 756 kfree; no counter on this board"),
		  "%s", console);
	after = heap_state();
	cr_expect_eq(after.allocs - after.frees, before.allocs - before.frees);
	cr_expect_eq(after.live, before.live);
	cr_expect_eq(nr_recorded_reports, 0);
}

/* ---- boot demo and reports -------------------------------------------------------------- */

Test(commands, demo_keeps_typical_kernel_objects)
{
	struct mm_stats st;

	clear_console();
	demo_run();
	cr_expect(strstr(console, "demo: 844 objects of 5 kinds allocated"), "%s", console);
	cr_expect(strstr(console, "slabinfo - version: 2.1"), "%s", console);
	cr_expect(strstr(console, "MemTotal:"), "%s", console);
	cr_expect(slabinfo_has("task_struct", 18), "%s", console);
	cr_expect(slabinfo_has("inode_cache", 80), "%s", console);
	cr_expect(slabinfo_has("dentry", 160), "%s", console);
	cr_expect(slabinfo_has("buffer_head", 150), "%s", console);
	mm_get_stats(&st);
	cr_expect_gt(st.live_bytes, 100000);
	cr_expect_eq(st.nr_reports, 0);
}

/* Hex digits of a pointer. */
#define W ((int)sizeof(void *) * 2)

Test(commands, report_prints_one_block)
{
	int obj[4];
	struct mm_report r = {
		.kind = MM_REPORT_DOUBLE_FREE,
		.addr = obj,
		.object = obj,
		.cache = "kmalloc-64",
		.object_size = 64,
		.caller = (void *)0x1234,
	};
	unsigned long seen = report_count();
	char want[128];

	report_misuse(&r);
	cr_expect_eq(report_count(), seen + 1);
	cr_expect(strncmp(console, "=====", 5) == 0, "%s", console);
	cr_expect(strstr(console, "\nBUG kmalloc-64: double free\r\n"), "%s", console);
	/* printk's %p is zero-padded to the pointer's width, unlike glibc's. */
	snprintf(want, sizeof(want), "\nAddress:   0x%0*lx\r\n", W, (unsigned long)obj);
	cr_expect(strstr(console, want), "%s", console);
	snprintf(want, sizeof(want), "\nObject:    0x%0*lx, 64 bytes\r\n", W, (unsigned long)obj);
	cr_expect(strstr(console, want), "%s", console);
	snprintf(want, sizeof(want), "\nCaller:    0x%0*x\r\n", W, 0x1234);
	cr_expect(strstr(console, want), "%s", console);
	cr_expect_eq(nr_lines(), 6, "%s", console);

	r.cache = NULL;
	r.object = NULL;
	r.kind = MM_REPORT_FOREIGN_FREE;
	clear_console();
	report_misuse(&r);
	cr_expect(strstr(console, "\nBUG kmalloc: free of a pointer"), "%s", console);
	cr_expect(strstr(console, "\nObject:    none\r\n"), "%s", console);

	report_mute(true);
	clear_console();
	report_misuse(&r);
	report_mute(false);
	cr_expect_eq(console_len, 0, "muted, yet printed: %s", console);
	cr_expect_eq(report_count(), seen + 3);
}

Test(commands, help_lists_the_allocator_commands)
{
	static const char *const names[] = { "meminfo", "slabinfo",  "buddyinfo", "heapmap",
					     "kmalloc", "kfree",     "cache",	  "shrink",
					     "stress",	"irqstress", "churn",	  "cpus",
					     "selftest" };
	size_t i;

	cr_assert_eq(run("help"), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "\n  %s ", names[i]);
		cr_expect(strstr(console, want), "%s missing from: %s", names[i], console);
	}
}
