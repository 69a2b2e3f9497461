// SPDX-License-Identifier: MIT
/*
 * mm/stats.c - figures and /proc-style printers.
 *
 * Nothing here runs on the allocation fast path. The figures are read under
 * the lock into structures on the caller's stack and printed after it is
 * dropped, so a slow console never holds up an interrupt.
 *
 * Where each figure comes from:
 *
 *   per cache (struct kmem_cache)        global (struct mm_counters, page_alloc)
 *   cpu.nr_taken, cpu.nr_frees           large_allocs / large_frees / large_pages
 *   active = taken - frees - held        failures (huge, overflow, large OOM)
 *   peak_active (raised at each refill)  region nr_free, free_area, peak of used
 *   nr_failures, nr_pools, nr_empty,     (kept when pages are taken)
 *   nr_lost, nr_quarantined
 *
 * A heap-map row, as mm_print_heapmap() draws one (64 pages a row):
 *
 *   0x20005000 mmm....5555@@@@LLLLLLLL0...QQ........PP...
 *              |  |   |   |   |       |   |          '- pages from get_free_pages()
 *              |  |   |   |   |       |   '- a quarantined pool
 *              |  |   |   |   |       '- a pool under 10% full: kept empty, or nearly
 *              |  |   |   |   '- a page-backed kmalloc block
 *              |  |   |   '- a full pool (every object handed out or held)
 *              |  |   '- a pool 50-59% full (0..9: tenths)
 *              |  '- free pages
 *              '- page descriptors and free bits (metadata at the start of the region)
 *
 * mm_get_cpu_stats() reads one CPU's part of every cache (cpu[i]) alone: its
 * nr_taken less what it holds is its allocations, nr_frees the frees done on it.
 *
 * Context: every call takes every lock (mm_lock_all()) for as long as it reads.
 */
#include <mm/stats.h>
#include "internal.h"

/* ---- what lies under the pools ----------------------------------------------------- */

/* Its heap-map character for a pool: its fill in tenths, '@' full, 'Q' quarantined. */
static char pool_char(const struct slab *slab)
{
	if (slab_is_quarantined(slab))
		return 'Q';
	if (slab->inuse == slab->cache->objects)
		return '@';
	return (char)('0' + slab->inuse * 10u / slab->cache->objects);
}

#if CONFIG_MM_PAGE_ALLOC

/* The figures of the regions and the page allocator. */
static void region_stats(struct mm_stats *st)
{
	struct mm_region *r;
	int order = __largest_free_order();

	st->nr_regions = mm_nr_regions;
	for_each_region(r) {
		st->region_bytes += r->size;
		st->pages_total += r->nr_pages;
		st->pages_free += r->nr_free;
		st->nr_arenas += r->nr_arenas;
	}
	st->total_bytes = st->pages_total << PAGE_SHIFT;
	st->free_bytes = st->pages_free << PAGE_SHIFT;
	st->peak_used_bytes = mm_page_counters.peak_used << PAGE_SHIFT;
	st->largest_free_bytes = order < 0 ? 0 : PAGE_SIZE << order;
}

/* Free blocks of @r by order; returns the number of columns. */
static unsigned int region_free_counts(const struct mm_region *r, size_t *counts, unsigned int max)
{
	unsigned int o;

	for (o = 0; o <= MAX_ORDER && o < max; o++)
		counts[o] = r->nr_free_blocks[o];
	return MAX_ORDER + 1;
}

/* The heap-map characters of pages [@first, @first + @n) of @r. */
static void heapmap_row(const struct mm_region *r, size_t first, size_t n, char *row)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct page *pg = &r->pages[first + i];
		const struct slab *slab = page_slab(r, pg);

		if (slab) {
			row[i] = pool_char(slab);
			continue;
		}
		pg = compound_head(&r->pages[first + i]);
		row[i] = page_is_large(pg) ? (page_is_exact(pg) ? 'L' : 'P') : '.';
	}
}

#else /* !CONFIG_MM_PAGE_ALLOC */

/* The figures of the regions and their runs. */
static void region_stats(struct mm_stats *st)
{
	struct mm_region *r;
	size_t largest = 0, heap;
	unsigned int fl, sl;

	st->nr_regions = mm_nr_regions;
	for_each_region(r) {
		heap = r->heap_end - r->heap_start;
		st->region_bytes += r->size;
		st->total_bytes += heap;
		st->free_bytes += r->free_bytes;
		st->nr_free_runs += r->nr_free;
		for (fl = 0; fl < r->nr_fl; fl++)
			for (sl = 0; sl < RUN_SL_COUNT; sl++)
				if (r->heads[fl * RUN_SL_COUNT + sl] &&
				    run_size(r->heads[fl * RUN_SL_COUNT + sl]) > largest)
					largest = run_size(r->heads[fl * RUN_SL_COUNT + sl]);
	}
	st->pages_total = st->total_bytes >> PAGE_SHIFT;
	st->pages_free = st->free_bytes >> PAGE_SHIFT;
	st->peak_used_bytes = mm_page_counters.peak_used;
	st->largest_free_bytes = largest > RUN_GRAIN ? largest - RUN_GRAIN : 0;
}

/* Free runs of @r by the power of two of their size in grains. */
static unsigned int region_free_counts(const struct mm_region *r, size_t *counts, unsigned int max)
{
	unsigned int fl, sl, n = 0, k;
	const struct run *run;

	for (fl = 0; fl < r->nr_fl; fl++) {
		for (sl = 0; sl < RUN_SL_COUNT; sl++) {
			for (run = r->heads[fl * RUN_SL_COUNT + sl]; run; run = run->next) {
				k = highest_bit(run_size(run) / RUN_GRAIN);
				if (k < max)
					counts[k]++;
				if (k + 1 > n)
					n = k + 1;
			}
		}
	}
	return n;
}

/* Which character a run stands for on the map: the lower, the stronger. */
static int run_rank(char c)
{
	switch (c) {
	case 'L':
		return 1;
	case 'P':
		return 2;
	case '.':
		return 3;
	default:
		return 4;
	}
}

/* The heap-map characters of pages [@first, @first + @n) of @r: a walk of its runs. */
static void heapmap_row(const struct mm_region *r, size_t first, size_t n, char *row)
{
	uintptr_t lo = r->base + (first << PAGE_SHIFT), hi = lo + (n << PAGE_SHIFT), a, end;
	const struct run *run;
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		const struct slab *slab = r->slabs[first + i];

		row[i] = slab != &mm_no_slab				       ? pool_char(slab)
			 : lo + (i << PAGE_SHIFT) + PAGE_SIZE <= r->heap_start ? 'm'
									       : ' ';
	}
	for (a = r->heap_start; a < r->heap_end && a < hi; a = end) {
		run = (const struct run *)a;
		end = a + run_size(run);
		if (end <= lo || r->slabs[(a + RUN_GRAIN - r->base) >> PAGE_SHIFT] != &mm_no_slab)
			continue;
		c = run_is_free(run) ? '.' : run_is_pages(run) ? 'P' : 'L';
		for (i = (a > lo ? (a - lo) >> PAGE_SHIFT : 0);
		     i < n && lo + (i << PAGE_SHIFT) < end; i++)
			if (row[i] == ' ' || run_rank(c) < run_rank(row[i]))
				row[i] = c;
	}
}

#endif /* CONFIG_MM_PAGE_ALLOC */

/* ---- figures ------------------------------------------------------------------------ */

/* Pools with an object handed out (objects the CPUs hold do not count). */
static unsigned long cache_active_pools(const struct kmem_cache *s)
{
	unsigned long n = s->nr_pools - s->nr_empty;
	unsigned int cpu;

	for_each_cpu(cpu)
	{
		const struct slab *slab = s->cpu[cpu].slab;

		if (slab && slab->inuse == slab_held(s, slab))
			n--; /* counted once per CPU that holds it: never twice */
	}
	return n;
}

/* Allocations and frees on every CPU. */
static void cache_counts(const struct kmem_cache *s, unsigned long *allocs, unsigned long *frees)
{
	unsigned int cpu;

	*allocs = *frees = 0;
	for_each_cpu(cpu)
	{
		*allocs += s->cpu[cpu].nr_taken - count_bits(s->cpu[cpu].bits | s->cpu[cpu].held);
		*frees += s->cpu[cpu].nr_frees;
	}
}

static void __get_cache_stats(const struct kmem_cache *s, struct mm_cache_stats *st)
{
	st->name = s->name;
	st->object_size = s->object_size;
	st->stride = s->size;
	st->objs_per_pool = s->objects;
	st->pages_per_pool = 1u << s->order;
	st->active_objs = cache_nr_active(s);
	st->total_objs = (unsigned long)s->nr_pools * s->objects;
	st->active_pools = cache_active_pools(s);
	st->total_pools = s->nr_pools;
	cache_counts(s, &st->nr_allocs, &st->nr_frees);
	st->nr_failures = s->nr_failures;
	st->peak_active_objs = s->peak_active;
	st->lost_objs = s->nr_lost;
	st->quarantined_pools = s->nr_quarantined;
}

bool mm_get_cache_stats(unsigned int index, struct mm_cache_stats *st)
{
	struct kmem_cache *s;
	bool found = false;

	mm_lock_all();
	if (slab_is_up) {
		for_each_cache(s) {
			if (index-- == 0) {
				__get_cache_stats(s, st);
				found = true;
				break;
			}
		}
	}
	mm_unlock_all();
	return found;
}

void mm_get_stats(struct mm_stats *st)
{
	unsigned long allocs, frees;
	struct kmem_cache *s;
	unsigned int i;

	mm_memset(st, 0, sizeof(*st));
	mm_lock_all();
	region_stats(st);
	st->meta_bytes = st->region_bytes - st->total_bytes;
	st->used_bytes = st->total_bytes - st->free_bytes;
	st->large_bytes = mm_counters.large_bytes;
	st->nr_large = mm_counters.large_allocs - mm_counters.large_frees;
	st->live_bytes = st->large_bytes;
	st->live_requested_bytes = st->large_bytes;
	st->nr_allocs = mm_counters.large_allocs;
	st->nr_frees = mm_counters.large_frees;
	st->nr_failures = mm_counters.failures;
	if (slab_is_up) {
		for_each_cache(s) {
			st->nr_caches++;
			st->nr_pools += s->nr_pools;
			st->pool_bytes += (size_t)s->nr_pools << s->pool_shift;
			st->live_bytes += cache_nr_active(s) * kmem_cache_size(s);
			st->live_requested_bytes +=
				cache_nr_active(s) *
				((s->flags & SLAB_KMALLOC) ? kmem_cache_size(s) : s->object_size);
			cache_counts(s, &allocs, &frees);
			st->nr_allocs += allocs;
			st->nr_frees += frees;
			st->nr_failures += s->nr_failures;
			st->lost_bytes += (size_t)s->nr_lost * s->size;
			st->nr_quarantined += s->nr_quarantined;
		}
	}
	st->other_page_bytes = st->used_bytes - st->pool_bytes - st->large_bytes;
	for (i = 0; i < NR_MM_REPORTS; i++) {
		st->nr_reports_by_kind[i] = mm_nr_reports[i];
		st->nr_reports += mm_nr_reports[i];
	}
	mm_unlock_all();
}

bool mm_get_cpu_stats(unsigned int cpu, struct mm_cpu_stats *st)
{
	const struct kmem_cache_cpu *c;
	struct kmem_cache *s;
	unsigned long held;

	if (cpu >= NR_CPUS)
		return false;
	mm_memset(st, 0, sizeof(*st));
	mm_lock_all();
	if (slab_is_up) {
		for_each_cache(s) {
			c = cache_cpu(s, cpu);
			held = count_bits(c->bits | c->held);
			st->nr_allocs += c->nr_taken - held;
			st->nr_frees += c->nr_frees;
			st->reserved_objs += held;
			st->active_pools += c->slab != NULL;
		}
	}
	mm_unlock_all();
	return true;
}

void mm_reset_peak(void)
{
	struct kmem_cache *s;

	mm_lock_all();
	mm_page_counters.peak_used = mm_page_counters.used;
	if (slab_is_up)
		for_each_cache(s)
			s->peak_active = cache_nr_taken(s);
	mm_unlock_all();
}

/* ---- printing ------------------------------------------------------------------------- */

void mm_print_str(const struct mm_printer *p, const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	p->write(p->ctx, s, n);
}

/* @n characters @c (a space or '0'). */
static void pr_chars(const struct mm_printer *p, char c, int n)
{
	static const char zeros[] = "0000000000000000", spaces[] = "                ";
	const int chunk = (int)sizeof(zeros) - 1;

	for (; n > 0; n -= chunk)
		p->write(p->ctx, c == '0' ? zeros : spaces, n < chunk ? (size_t)n : (size_t)chunk);
}

void mm_print_num(const struct mm_printer *p, unsigned long v, int width, unsigned int base)
{
	char digits[MM_NUM_DIGITS];
	int n = (int)mm_format_num(digits, v, base);
	bool left = width < 0;

	if (left)
		width = -width;
	if (base == 16) {
		p->write(p->ctx, "0x", 2);
		pr_chars(p, '0', width - n);
	} else if (!left) {
		pr_chars(p, ' ', width - n);
	}
	p->write(p->ctx, digits, (size_t)n);
	if (left && base != 16)
		pr_chars(p, ' ', width - n);
}

/* @s, padded with spaces to @width characters. */
static void pr_padded(const struct mm_printer *p, const char *s, int width)
{
	int n = 0;

	while (s[n])
		n++;
	p->write(p->ctx, s, (size_t)n);
	pr_chars(p, ' ', width - n);
}

void mm_print_slabinfo(const struct mm_printer *p)
{
	struct mm_cache_stats st;
	unsigned int i;

	mm_print_str(p, "slabinfo - version: 2.1\n");
	mm_print_str(p,
		     "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		     "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		     "<active_slabs> <num_slabs> <sharedavail> : stats <allocs> <frees> <failures> "
		     "<peak_active> <lost>\n");
	for (i = 0; mm_get_cache_stats(i, &st); i++) {
		if (st.total_pools == 0 && st.nr_allocs == 0 && st.nr_failures == 0)
			continue;
		pr_padded(p, st.name, 17);
		mm_print_str(p, " ");
		mm_print_num(p, st.active_objs, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.total_objs, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.stride, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.objs_per_pool, 4, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.pages_per_pool, 4, 10);
		mm_print_str(p, " : tunables    0    0    0 : slabdata ");
		mm_print_num(p, st.active_pools, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.total_pools, 6, 10);
		mm_print_str(p, "      0 : stats ");
		mm_print_num(p, st.nr_allocs, 8, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.nr_frees, 8, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.nr_failures, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.peak_active_objs, 6, 10);
		mm_print_str(p, " ");
		mm_print_num(p, st.lost_objs, 4, 10);
		mm_print_str(p, "\n");
	}
}

void mm_print_meminfo_line(const struct mm_printer *p, const char *name, size_t v, bool kb)
{
	pr_padded(p, name, 16);
	mm_print_num(p, kb ? (v + 1023) / 1024 : v, 8, 10);
	mm_print_str(p, kb ? " kB\n" : "\n");
}

void mm_print_meminfo(const struct mm_printer *p)
{
	struct mm_stats st;

	mm_get_stats(&st);
	mm_print_meminfo_line(p, "RegionTotal:", st.region_bytes, true);
	mm_print_meminfo_line(p, "MemTotal:", st.total_bytes, true);
	mm_print_meminfo_line(p, "MemFree:", st.free_bytes, true);
	mm_print_meminfo_line(p, "MemUsed:", st.used_bytes, true);
	mm_print_meminfo_line(p, "MemUsedPeak:", st.peak_used_bytes, true);
	mm_print_meminfo_line(p, "Slab:", st.pool_bytes, true);
	mm_print_meminfo_line(p, "PageBacked:", st.large_bytes, true);
	mm_print_meminfo_line(p, "OtherPages:", st.other_page_bytes, true);
	mm_print_meminfo_line(p, "Metadata:", st.meta_bytes, true);
	mm_print_meminfo_line(p, "LiveBytes:", st.live_bytes, true);
	mm_print_meminfo_line(p, "LiveRequested:", st.live_requested_bytes, true);
	mm_print_meminfo_line(p, "Lost:", st.lost_bytes, true);
	mm_print_meminfo_line(p, "LargestFree:", st.largest_free_bytes, true);
	mm_print_meminfo_line(p, "Regions:", st.nr_regions, false);
	mm_print_meminfo_line(p, "Caches:", st.nr_caches, false);
	if (IS_ENABLED(CONFIG_MM_PAGE_ALLOC))
		mm_print_meminfo_line(p, "Arenas:", st.nr_arenas, false);
	else
		mm_print_meminfo_line(p, "FreeRuns:", st.nr_free_runs, false);
	mm_print_meminfo_line(p, "Pools:", st.nr_pools, false);
	mm_print_meminfo_line(p, "Quarantined:", st.nr_quarantined, false);
	mm_print_meminfo_line(p, "LargeBlocks:", st.nr_large, false);
	mm_print_meminfo_line(p, "Allocations:", st.nr_allocs, false);
	mm_print_meminfo_line(p, "Frees:", st.nr_frees, false);
	mm_print_meminfo_line(p, "Failures:", st.nr_failures, false);
	mm_print_meminfo_line(p, "Reports:", st.nr_reports, false);
}

/* Columns of mm_print_buddyinfo(): orders, or powers of two of a run's grains. */
#define FREE_COLUMNS 32

void mm_print_buddyinfo(const struct mm_printer *p)
{
	size_t counts[FREE_COLUMNS];
	unsigned int i, n = 0, ri;
	uintptr_t base;

	mm_lock();
	for (ri = 0; ri < mm_nr_regions; ri++) {
		i = region_free_counts(&mm_regions[ri], counts, FREE_COLUMNS);
		if (i > n)
			n = i;
	}
	mm_unlock();
	mm_print_str(p, IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? "region  base       order:"
							 : "region  base    2^n grains:");
	for (i = 0; i < n; i++)
		mm_print_num(p, i, 6, 10);
	mm_print_str(p, "\n");
	for (ri = 0;; ri++) {
		mm_lock();
		if (ri >= mm_nr_regions) {
			mm_unlock();
			break;
		}
		base = mm_regions[ri].base;
		mm_memset(counts, 0, sizeof(counts));
		region_free_counts(&mm_regions[ri], counts, FREE_COLUMNS);
		mm_unlock();
		mm_print_str(p, "Region ");
		mm_print_num(p, ri, -1, 10);
		mm_print_str(p, " ");
		mm_print_num(p, base, 8, 16);
		mm_print_str(p, "      ");
		for (i = 0; i < n; i++)
			mm_print_num(p, counts[i], 6, 10);
		mm_print_str(p, "\n");
	}
}

#define HEAPMAP_COLUMNS 64
_Static_assert(HEAPMAP_COLUMNS == 64, "<mm/stats.h> says the heap map has 64 pages to a row");

void mm_print_heapmap(const struct mm_printer *p)
{
	char row[HEAPMAP_COLUMNS];
	size_t meta, nr_pages, i, n, col;
	uintptr_t start, base;
	unsigned int ri;

	mm_print_str(p, "heap map: one character per page of ");
	mm_print_num(p, PAGE_SIZE, -1, 10);
	mm_print_str(p, " bytes\n");
	for (ri = 0;; ri++) {
		mm_lock();
		if (ri >= mm_nr_regions) {
			mm_unlock();
			break;
		}
		start = mm_regions[ri].start;
		base = mm_regions[ri].base;
		nr_pages = mm_regions[ri].nr_pages;
		mm_unlock();
		meta = base > start ? (base - start + PAGE_SIZE - 1) >> PAGE_SHIFT : 0;
		/* Rows start at the region's start; its descriptors come first. */
		for (i = 0; i < meta + nr_pages; i += n) {
			n = meta + nr_pages - i;
			if (n > HEAPMAP_COLUMNS)
				n = HEAPMAP_COLUMNS;
			mm_lock_all();
			for (col = 0; col < n && i + col < meta; col++)
				row[col] = 'm';
			if (col < n)
				heapmap_row(&mm_regions[ri], i + col - meta, n - col, row + col);
			mm_unlock_all();
			mm_print_num(p,
				     i < meta ? start + (i << PAGE_SHIFT)
					      : base + ((i - meta) << PAGE_SHIFT),
				     8, 16);
			mm_print_str(p, " ");
			p->write(p->ctx, row, n);
			mm_print_str(p, "\n");
		}
	}
	mm_print_str(p, IS_ENABLED(CONFIG_MM_PAGE_ALLOC)
				? "legend: m page descriptors and free bits  . "
				  "free  0-9 pool fill in tenths\n"
				: "legend: m caches, free lists and pool "
				  "pointers  . free  0-9 pool fill in tenths\n");
	mm_print_str(p, "        @ full pool  Q quarantined pool  L page-backed kmalloc block\n"
			"        P pages from get_free_pages()\n");
}
