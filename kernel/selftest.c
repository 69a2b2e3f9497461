// SPDX-License-Identifier: MIT
/*
 * kernel/selftest.c - checks of the firmware itself, on the running board:
 * what only this image has, around the allocator rather than in it. The
 * allocator's own tests are tests/unit/, which run on every board too
 * (make ARCH=<board> unit-image).
 *
 *   ram_regions         the allocator holds exactly the RAM the boot path gave it
 *   misuse_on_console   a misuse goes through the firmware's report hook
 *                       (kernel/port.c) and prints its report on the console
 *   heap_validates      the heap the firmware has been using (the boot demo's
 *                       objects, the console commands' blocks) validates
 *
 * A check is a function returning NULL when it passed, or why it failed.
 */
#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>

#include "lib.h"
#include "printk.h"
#include "report.h"
#include "selftest.h"

size_t boot_ram_bytes;

struct selftest {
	const char *name;
	const char *(*run)(void);
};

static char why_buf[128];

/* The reason a check failed, formatted; returned by the check. */
static const char *fail(const char *fmt, ...) __printf(1, 2);

static const char *fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return why_buf;
}

static const char *check_ram_regions(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	if (!boot_ram_bytes)
		return fail("the boot path added no RAM");
	if (st.region_bytes != boot_ram_bytes)
		return fail("the allocator holds %zu bytes of regions, the boot path added %zu",
			    st.region_bytes, boot_ram_bytes);
	return NULL;
}

/* What the console printed while a check captured it. */
static char captured[1024];
static size_t captured_len;

static void capture_putc(char c)
{
	if (captured_len < sizeof(captured) - 1)
		captured[captured_len++] = c;
}

/* Whether @text appears in what was captured. */
static bool captured_text(const char *text)
{
	size_t n = kstrlen(text), i, j;

	for (i = 0; i + n <= captured_len; i++) {
		for (j = 0; j < n && captured[i + j] == text[j]; j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

static const char *check_misuse_on_console(void)
{
	unsigned long before = report_count();
	struct kmem_cache *s = kmem_cache_create("selftest", 40, 0, 0, NULL);
	console_putc_t *console;
	void *p;

	if (!s)
		return fail("no cache");
	p = kmem_cache_alloc(s, GFP_KERNEL);
	if (!p) {
		kmem_cache_destroy(s);
		return fail("no object");
	}
	kmem_cache_free(s, p);
	captured_len = 0;
	console = console_register(capture_putc);
	kmem_cache_free(s, p); /* the double free */
	console_register(console);
	kmem_cache_destroy(s);
	captured[captured_len] = '\0';
	if (report_count() != before + 1)
		return fail("the report hook ran %lu times, expected once",
			    report_count() - before);
	if (!captured_text("BUG selftest: double free\r\n"))
		return fail("no 'BUG selftest: double free' line on the console");
	return NULL;
}

static const char *check_heap_validates(void)
{
	int problems = mm_validate();

	if (problems)
		return fail("mm_validate() found %d problems", problems);
	return NULL;
}

static const struct selftest selftests[] = {
	{ "ram_regions", check_ram_regions },
	{ "misuse_on_console", check_misuse_on_console },
	{ "heap_validates", check_heap_validates },
};

unsigned int selftest_run(void)
{
	unsigned int i, failed = 0;
	const char *why;

	printk("selftest: %u checks\n", (unsigned int)ARRAY_SIZE(selftests));
	for (i = 0; i < ARRAY_SIZE(selftests); i++) {
		why = selftests[i].run();
		if (why)
			printk("FAIL %s: %s\n", selftests[i].name, why);
		else
			printk("ok   %s\n", selftests[i].name);
		failed += why != NULL;
	}
	printk("%u passed, %u failed, 0 skipped\n", (unsigned int)ARRAY_SIZE(selftests) - failed,
	       failed);
	return failed;
}

int cmd_selftest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return selftest_run() ? 1 : 0;
}
