// SPDX-License-Identifier: MIT
/*
 * kernel/report.c - misuse reports on the console, one block each, and their
 * count. Runs with the allocator lock held, so it prints and never allocates.
 */
#include "printk.h"
#include "report.h"

#define REPORT_RULE "============================================================================="

static bool muted;
static unsigned long nr_seen;

/* What a report without a cache is about. */
static const char *report_subject(const struct mm_report *r)
{
	if (r->cache)
		return r->cache;
	return r->kind == MM_REPORT_BAD_PAGES ? "pages" : "kmalloc";
}

void report_misuse(const struct mm_report *r)
{
	nr_seen++;
	if (muted)
		return;
	console_lock(); /* the block in one piece, whichever CPUs report at once */
	printk(REPORT_RULE "\n");
	printk("BUG %s: %s\n", report_subject(r), mm_report_kind_name(r->kind));
	if (r->detail)
		printk("Detail:    %s\n", r->detail);
	printk("Address:   %p\n", r->addr);
	if (!r->object)
		printk("Object:    none\n");
	else if (r->object_size)
		printk("Object:    %p, %zu bytes\n", r->object, r->object_size);
	else
		printk("Object:    %p\n", r->object);
	if (r->bad)
		printk("First bad: %p holds 0x%02x\n", r->bad, *(const unsigned char *)r->bad);
	if (r->alloc_caller)
		printk("Allocated: by %p, event #%lu\n", r->alloc_caller, r->alloc_serial);
	if (r->free_caller)
		printk("Freed:     by %p, event #%lu\n", r->free_caller, r->free_serial);
	if (r->caller)
		printk("Caller:    %p\n", r->caller);
	else
		printk("Caller:    none (found by mm_validate())\n");
	printk(REPORT_RULE "\n");
	console_unlock();
}

void report_mute(bool mute)
{
	muted = mute;
}

unsigned long report_count(void)
{
	return nr_seen;
}
