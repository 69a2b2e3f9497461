// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_stats.c - every figure of <mm/stats.h> against workloads
 * whose figures are known exactly, and the text of each printer.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/stats.h>
#include <mm/slab.h>
#include "internal.h"
#include "helpers.h"

#define HEAP_SIZE (1u << 20)

static void heap_1m(void)
{
	setup_heap(HEAP_SIZE);
}

TestSuite(stats, .init = heap_1m);

static bool find_cache(const char *name, struct mm_cache_stats *st)
{
	unsigned int i;

	for (i = 0; mm_get_cache_stats(i, st); i++)
		if (strcmp(st->name, name) == 0)
			return true;
	return false;
}

Test(stats, a_fresh_heap)
{
	struct mm_stats st;

	mm_get_stats(&st);
	cr_assert_eq(st.region_bytes, HEAP_SIZE);
	cr_assert_eq(st.nr_regions, 1);
	if (CONFIG_MM_PAGE_ALLOC)
		cr_assert_eq(st.pages_total, mm_regions[0].nr_pages);
	cr_assert_eq(st.pages_total, st.total_bytes / PAGE_SIZE);
	cr_assert_eq(st.pages_free, st.pages_total);
	cr_assert_eq(st.meta_bytes, HEAP_SIZE - st.total_bytes);
	/* Page descriptors and free bits: about 2.4% (mm/pages.h), or the free
	 * lists and a pool pointer per page (mm/runs.h); and the caches. */
	cr_assert_lt(st.meta_bytes, HEAP_SIZE / 40 + mm_state_bytes() + PAGE_SIZE,
		     "metadata: %zu bytes", st.meta_bytes);
	cr_assert_geq(st.meta_bytes, mm_state_bytes());
#if CONFIG_MM_PAGE_ALLOC /* a descriptor, a pool pointer and free bits per page */
	cr_assert_geq(st.meta_bytes, mm_state_bytes() + st.pages_total * PAGE_META);
#endif
	cr_assert_eq(st.free_bytes, st.total_bytes);
	cr_assert_eq(st.used_bytes, 0);
	cr_assert_eq(st.peak_used_bytes, 0);
	cr_assert_eq(st.live_bytes, 0);
	cr_assert_eq(st.nr_allocs, 0);
	cr_assert_eq(st.nr_failures, 0);
	if (CONFIG_MM_PAGE_ALLOC)
		cr_assert_eq(st.largest_free_bytes, PAGE_SIZE << mm_largest_free_order());
	else /* the whole heap is one free run */
		cr_assert_eq(st.largest_free_bytes, st.total_bytes - MM_MIN_ALIGN);
}

Test(stats, n_objects_of_a_cache)
{
	struct kmem_cache *s = kmem_cache_create("obj100", 100, 0, 0, NULL);
	struct mm_cache_stats cs, boot;
	unsigned long peak;
	struct mm_stats st;
	void *p[300];
	int i;

	for (i = 0; i < 300; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	cr_assert(find_cache("obj100", &cs));
	cr_assert_eq(cs.object_size, 100);
	cr_assert_eq(cs.stride, kmem_cache_size(s));
	cr_assert_eq(cs.active_objs, 300);
	cr_assert_eq(cs.nr_allocs, 300);
	cr_assert_eq(cs.nr_frees, 0);
	/* The peak counts the objects the cache holds for handing out, too. */
	cr_assert_eq(cs.peak_active_objs, 300 + (unsigned long)__builtin_popcountl(s->cpu[0].bits));
	cr_assert_leq(cs.peak_active_objs, cs.total_objs);
	cr_assert_eq(cs.total_pools, (300 + cs.objs_per_pool - 1) / cs.objs_per_pool);
	cr_assert_eq(cs.active_pools, cs.total_pools);
	cr_assert_eq(cs.total_objs, cs.total_pools * cs.objs_per_pool);

	/* The cache's own descriptor is a live object of the "kmem_cache" cache. */
	cr_assert(find_cache("kmem_cache", &boot));
	cr_assert_eq(boot.active_objs, 1);
	mm_get_stats(&st);
	cr_assert_eq(st.live_bytes, 300 * cs.stride + boot.stride);
	cr_assert_eq(st.live_requested_bytes, 300 * 100 + boot.object_size);
	cr_assert_eq(st.pool_bytes,
		     (cs.total_pools * cs.pages_per_pool + boot.total_pools * boot.pages_per_pool) *
			     PAGE_SIZE);
	cr_assert_eq(st.used_bytes, st.pool_bytes);
	cr_assert_eq(st.nr_allocs, 301, "300 objects and the cache descriptor");

	peak = cs.peak_active_objs;
	for (i = 0; i < 100; i++)
		kmem_cache_free(s, p[i]);
	cr_assert(find_cache("obj100", &cs));
	cr_assert_eq(cs.active_objs, 200);
	cr_assert_eq(cs.nr_frees, 100);
	cr_assert_eq(cs.peak_active_objs, peak, "the peak stays");
	mm_reset_peak();
	cr_assert(find_cache("obj100", &cs));
	cr_assert_eq(cs.peak_active_objs, 200 + (unsigned long)__builtin_popcountl(s->cpu[0].bits),
		     "the peak restarts from now");
}

/* mm_get_cpu_stats() of the one thread's CPU: its allocations and frees, its
 * reservations; CPUs beyond CONFIG_MM_NR_CPUS do not exist. */
Test(stats, the_cpu_figures_add_up)
{
	struct mm_cpu_stats before, after, st;
	struct mm_cache_stats cs;
	unsigned long active = 0;
	unsigned int i;
	void *p[10];

	cr_assert(mm_get_cpu_stats(0, &before));
	cr_assert_not(mm_get_cpu_stats(CONFIG_MM_NR_CPUS, &st));
	for (i = 0; i < 10; i++)
		cr_assert_not_null(p[i] = kmalloc(64, GFP_KERNEL));
	for (i = 0; i < 4; i++)
		kfree(p[i]);
	cr_assert(mm_get_cpu_stats(0, &after));
	cr_assert_eq(after.nr_allocs - before.nr_allocs, 10);
	cr_assert_eq(after.nr_frees - before.nr_frees, 4);
	cr_assert_geq(after.active_pools, 1);
	cr_assert_gt(after.reserved_objs, 0, "the rest of the word taken for the first object");
	for (i = 0; mm_get_cache_stats(i, &cs); i++)
		active += cs.active_objs;
	cr_assert_eq(after.nr_allocs - after.nr_frees, active);
	for (i = 4; i < 10; i++)
		kfree(p[i]);
}

Test(stats, kmalloc_classes_are_listed)
{
	struct mm_cache_stats cs;
	/* 100 bytes: a class of its own with the page allocator; without it
	 * (runs above 64 bytes by default) the largest class. */
	void *p = kmalloc(KMALLOC_MAX_CACHE_SIZE < 100 ? KMALLOC_MAX_CACHE_SIZE : 100, GFP_KERNEL);
	char name[32];

	/* %lu, not %zu: newlib-nano (arm) has no C99 length modifiers. */
	snprintf(name, sizeof(name), "kmalloc-%lu", (unsigned long)ksize(p));
	if (CONFIG_MM_PAGE_ALLOC)
		cr_assert_str_eq(name, MM_MIN_ALIGN == 8 ? "kmalloc-104" : "kmalloc-112");
	cr_assert(find_cache(name, &cs), "%s", name);
	cr_assert_eq(cs.active_objs, 1);
	snprintf(name, sizeof(name), "kmalloc-%lu", (unsigned long)KMALLOC_MAX_CACHE_SIZE);
	cr_assert(find_cache(name, &cs), "%s", name);
	cr_assert_eq(cs.active_objs, ksize(p) == KMALLOC_MAX_CACHE_SIZE, "p is the only object");
	kfree(p);
}

Test(stats, iteration_covers_every_cache_once)
{
	struct mm_cache_stats cs;
	struct mm_stats st;
	unsigned int i, seen_a = 0;

	kmem_cache_create("only-a", 64, 0, 0, NULL);
	mm_get_stats(&st);
	for (i = 0; mm_get_cache_stats(i, &cs); i++)
		seen_a += strcmp(cs.name, "only-a") == 0;
	cr_assert_eq(i, st.nr_caches);
	cr_assert_eq(seen_a, 1);
}

Test(stats, page_backed_blocks)
{
	struct mm_stats st;
	void *p = kmalloc(3 * PAGE_SIZE + 5, GFP_KERNEL);
	void *q = get_free_pages(GFP_KERNEL, 1);

	mm_get_stats(&st);
	cr_assert_eq(st.large_bytes, ksize(p));
	cr_assert_eq(st.nr_large, 1);
	cr_assert_eq(st.live_bytes, ksize(p));
	cr_assert_eq(st.other_page_bytes, st.used_bytes - st.large_bytes);
	if (CONFIG_MM_PAGE_ALLOC) { /* whole pages */
		cr_assert_eq(st.large_bytes, 4 * PAGE_SIZE);
		cr_assert_eq(st.other_page_bytes, 2 * PAGE_SIZE);
		cr_assert_eq(st.used_bytes, 6 * PAGE_SIZE);
	} else { /* runs, their headers counted in use */
		cr_assert_geq(st.large_bytes, 3 * PAGE_SIZE + 5);
		cr_assert_geq(st.other_page_bytes, 2 * PAGE_SIZE);
	}
	kfree(p);
	free_pages(q, 1);
	mm_get_stats(&st);
	cr_assert_eq(st.large_bytes, 0);
	cr_assert_eq(st.used_bytes, 0);
	cr_assert_eq(st.nr_frees, 1);
}

Test(stats, failures_are_counted)
{
	struct kmem_cache *s = kmem_cache_create("big", 60000, 0, 0, NULL);
	struct mm_stats st;

	cr_assert_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	cr_assert_null(kcalloc(SIZE_MAX, 2, GFP_KERNEL));
	while (kmem_cache_alloc(s, GFP_KERNEL))
		;
	mm_get_stats(&st);
	cr_assert_eq(st.nr_failures, 3);
}

Test(stats, reports_are_counted_by_kind)
{
	struct mm_stats st;
	void *p = kmalloc(40, GFP_KERNEL);
	int local;

	kfree(p);
	kfree(p);
	kfree(&local);
	mm_get_stats(&st);
	cr_assert_eq(st.nr_reports, 2);
	cr_assert_eq(st.nr_reports_by_kind[MM_REPORT_DOUBLE_FREE], 1);
	cr_assert_eq(st.nr_reports_by_kind[MM_REPORT_FOREIGN_FREE], 1);
}

Test(stats, peak_of_pages_in_use)
{
	struct mm_stats st;
	void *p = kmalloc(10 * PAGE_SIZE, GFP_KERNEL);
	size_t big = ksize(p);

	kfree(p);
	mm_get_stats(&st);
	cr_assert_eq(st.used_bytes, 0);
	/* Whole pages, or the run: its payload and header. */
	cr_assert_eq(st.peak_used_bytes,
		     CONFIG_MM_PAGE_ALLOC ? 10 * PAGE_SIZE : big + MM_MIN_ALIGN);
	p = kmalloc(2 * PAGE_SIZE + 1, GFP_KERNEL);
	mm_reset_peak();
	mm_get_stats(&st);
	cr_assert_eq(st.peak_used_bytes, st.used_bytes);
	if (CONFIG_MM_PAGE_ALLOC)
		cr_assert_eq(st.peak_used_bytes, 3 * PAGE_SIZE);
	kfree(p);
}

Test(stats, everything_freed_brings_the_figures_back)
{
	struct mm_stats st0, st;
	void *p[200];
	int i;

	mm_get_stats(&st0);
	for (i = 0; i < 200; i++)
		p[i] = kmalloc((size_t)(i * 37 % 5000) + 1, GFP_KERNEL);
	for (i = 0; i < 200; i++)
		kfree(p[i]);
	mm_shrink();
	mm_get_stats(&st);
	cr_assert_eq(st.pages_free, st0.pages_free);
	cr_assert_eq(st.used_bytes, 0);
	cr_assert_eq(st.pool_bytes, 0);
	cr_assert_eq(st.live_bytes, 0);
	cr_assert_eq(st.nr_pools, 0);
	cr_assert_eq(st.nr_allocs, 200);
	cr_assert_eq(st.nr_frees, 200);
	cr_assert_eq(st.largest_free_bytes, st0.largest_free_bytes);
}

/* ---- printers ------------------------------------------------------------------------ */

struct sink {
	char buf[1 << 16];
	size_t len;
};

static void sink_write(void *ctx, const char *s, size_t n)
{
	struct sink *k = ctx;

	cr_assert_lt(k->len + n, sizeof(k->buf));
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static struct sink out;
static const struct mm_printer printer = { sink_write, &out };

Test(stats, slabinfo_has_the_linux_layout)
{
	struct kmem_cache *s = kmem_cache_create("inode_cache", 600, 0, 0, NULL);
	unsigned long active, num, objsize, perslab, pages;
	char name[32];
	const char *line;
	int i;

	for (i = 0; i < 20; i++)
		kmem_cache_alloc(s, GFP_KERNEL);
	mm_print_slabinfo(&printer);
	cr_assert(strncmp(out.buf, "slabinfo - version: 2.1\n# name ", 31) == 0, "%s", out.buf);
	cr_assert_not_null(strstr(out.buf, "<active_objs> <num_objs> <objsize> <objperslab> "
					   "<pagesperslab> : tunables"));
	line = strstr(out.buf, "\ninode_cache ");
	cr_assert_not_null(line, "%s", out.buf);
	cr_assert_eq(sscanf(line + 1, "%31s %lu %lu %lu %lu %lu", name, &active, &num, &objsize,
			    &perslab, &pages),
		     6);
	cr_assert_eq(active, 20);
	cr_assert_eq(objsize, kmem_cache_size(s), "objsize is the stride, as in Linux");
	cr_assert_eq(num % perslab, 0);
	cr_assert_eq(pages, 1u << s->order);
	cr_assert_null(strstr(out.buf, "kmalloc-8192"), "unused caches are not listed");
}

Test(stats, meminfo_lines)
{
	struct mm_stats st;
	unsigned long kb;
	const char *line;

	void *p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);

	mm_get_stats(&st);
	mm_print_meminfo(&printer);
	line = strstr(out.buf, "MemTotal:");
	cr_assert_not_null(line);
	cr_assert_eq(sscanf(line, "MemTotal: %lu kB", &kb), 1);
	cr_assert_eq(kb, (st.total_bytes + 1023) / 1024);
	line = strstr(out.buf, "PageBacked:");
	cr_assert_eq(sscanf(line, "PageBacked: %lu kB", &kb), 1);
	cr_assert_eq(kb, (ksize(p) + 1023) / 1024);
	cr_assert_not_null(strstr(out.buf, "\nAllocations:"));
}

/* The one number printer: widths, alignment and bases, as every printer uses them. */
Test(stats, numbers_are_printed_in_their_columns)
{
	mm_print_num(&printer, 0, 0, 10);
	mm_print_num(&printer, 42, 6, 10);
	mm_print_num(&printer, 42, -6, 10);
	mm_print_num(&printer, 1234567, 3, 10);
	mm_print_num(&printer, 0xbeef, 8, 16);
	mm_print_num(&printer, 0xbeef, 0, 16);
	mm_print_num(&printer, ~0ul, 0, 16);
	cr_assert_str_eq(out.buf, sizeof(long) == 8
					  ? "0    4242    12345670x0000beef0xbeef0xffffffffffffffff"
					  : "0    4242    12345670x0000beef0xbeef0xffffffff");
}

Test(stats, a_meminfo_line_has_the_meminfo_layout)
{
	mm_print_meminfo_line(&printer, "Name:", 1025, true);
	mm_print_meminfo_line(&printer, "Count:", 7, false);
	cr_assert_str_eq(out.buf, "Name:                  2 kB\nCount:                 7\n");
}

/* Free blocks of order @o of region @ri (page allocator), or all its free runs. */
static unsigned long free_blocks(unsigned int ri, unsigned int o)
{
#if CONFIG_MM_PAGE_ALLOC
	return mm_regions[ri].nr_free_blocks[o];
#else
	(void)o;
	return mm_regions[ri].nr_free;
#endif
}

Test(stats, buddyinfo_has_a_line_per_region)
{
	char *second = (char *)test_heap(HEAP_SIZE) + HEAP_SIZE + PAGE_SIZE;
	unsigned long c, sum = 0;
	const char *line;
	unsigned int i, n = 0;
	int used;

	if (!CONFIG_MM_PAGE_ALLOC && CONFIG_MM_MAX_REGIONS < 2)
		cr_skip_test("one region only without the page allocator");
	cr_assert_eq(mm_add_region(second, 64 * PAGE_SIZE), 0);
	mm_print_buddyinfo(&printer);
	for (line = out.buf; (line = strchr(line, '\n')) != NULL; line++)
		n++;
	cr_assert_eq(n, 3, "a header and two regions:\n%s", out.buf);
	line = strstr(out.buf, "Region 0 ");
	cr_assert_not_null(line);
	line = strchr(line + 9, ' ');
	for (i = 0; sscanf(line, "%lu%n", &c, &used) == 1; i++) {
		/* Orders, or the powers of two of the runs' sizes. */
		if (CONFIG_MM_PAGE_ALLOC)
			cr_assert_eq(c, free_blocks(0, i), "order %u", i);
		sum += c;
		line += used;
	}
	if (CONFIG_MM_PAGE_ALLOC)
		cr_assert_eq(i, MAX_ORDER + 1);
	else
		cr_assert_eq(sum, free_blocks(0, 0), "every free run counted once");
}

Test(stats, heapmap_draws_every_page)
{
	struct kmem_cache *s = kmem_cache_create("full", 1024, 0, 0, NULL);
	size_t meta = (mm_regions[0].base - mm_regions[0].start + PAGE_SIZE - 1) / PAGE_SIZE;
	size_t chars = 0, i;
	const char *c;

	for (i = 0; i < s->objects; i++)
		kmem_cache_alloc(s, GFP_KERNEL);
	kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	mm_print_heapmap(&printer);
	for (c = strchr(out.buf, '\n') + 1; strncmp(c, "legend", 6) != 0; c = strchr(c, '\n') + 1) {
		const char *row = strchr(c, ' ') + 1;

		chars += (size_t)(strchr(row, '\n') - row);
	}
	cr_assert_eq(chars, meta + mm_regions[0].nr_pages);
	cr_assert_not_null(strstr(out.buf, "@"), "the full pool:\n%s", out.buf);
	cr_assert_not_null(strstr(out.buf, "LLL"), "the page-backed block");
	cr_assert_not_null(strstr(out.buf, "legend:"));
}
