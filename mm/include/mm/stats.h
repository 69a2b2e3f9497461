/* SPDX-License-Identifier: MIT */
/*
 * mm/stats.h - what the allocator can tell about itself.
 *
 * Figures come out as plain structures copied under the lock, so a caller can
 * print them at leisure. The printers format /proc-style text through a
 * struct mm_printer that the caller provides; bareslab does no I/O of its own.
 *
 * Counting on the fast path is a few increments of fields it already touches;
 * everything else here is computed when asked for, in O(caches + regions),
 * or O(pages) for the heap map.
 *
 * Context: every call here may run wherever an allocation may
 * (<mm/page_alloc.h>); the printers call @write with no lock held, so it may
 * be slow (a UART) or call the allocator. Before the first region the
 * figures are zero and there are no caches.
 */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/types.h>

/**
 * struct mm_stats - global figures, as of one mm_get_stats() call.
 *
 * "In use" means taken from under the pools: pool pages and blocks of pages
 * (page allocator), or runs, their headers included (CONFIG_MM_PAGE_ALLOC=0).
 */
struct mm_stats {
	size_t region_bytes; /* bytes given to mm_add_region(), all regions */
	unsigned int nr_regions; /* regions added */
	size_t total_bytes; /* bytes allocations come from: the pages, or the runs' heap */
	size_t free_bytes; /* of which free now */
	size_t pages_total; /* total_bytes in pages (without the page allocator: rounded down) */
	size_t pages_free; /* free_bytes in pages (the same) */
	size_t pool_bytes; /* bytes in pools (slabs) of every cache */
	size_t large_bytes; /* bytes in page-backed kmalloc blocks */
	size_t other_page_bytes; /* bytes in blocks from get_free_pages()/alloc_pages_exact() */
	size_t meta_bytes; /* region_bytes - total_bytes: descriptors, free bits, the
			    * caches, alignment */
	size_t live_bytes; /* bytes handed out now, as ksize() counts them */
	size_t live_requested_bytes; /* of those, as asked for: known for kmem_cache objects
				      * (their object size); kmalloc blocks count at ksize() */
	size_t used_bytes; /* total_bytes - free_bytes: pool + large + other */
	size_t peak_used_bytes; /* largest used_bytes since boot or mm_reset_peak() */
	size_t largest_free_bytes; /* largest block of pages that could be handed out now
				    * (without the page allocator: the largest free run,
				    * at least) */
	unsigned long nr_allocs; /* successful allocations: caches, kmalloc classes and large */
	unsigned long nr_frees; /* frees that released an object or block */
	unsigned long nr_failures; /* allocations that returned NULL */
	unsigned long nr_reports; /* misuse reports, every kind */
	unsigned long nr_reports_by_kind[NR_MM_REPORTS];
	unsigned int nr_caches; /* caches, kmalloc classes included */
	size_t nr_pools; /* pools held by all caches */
	size_t nr_arenas; /* arenas (runs of 2^CONFIG_MM_ARENA_ORDER pages) claimed for
			   * pools (page allocator only) */
	size_t nr_free_runs; /* free runs (without the page allocator) */
	size_t nr_large; /* live page-backed kmalloc blocks */
	size_t nr_quarantined; /* pools found corrupt: nothing is handed out of them again */
	size_t lost_bytes; /* free objects of quarantined pools, given up until the pool's
			    * last live object is freed and its pages go back */
};

/**
 * struct mm_cache_stats - figures of one cache, as of one mm_get_cache_stats() call.
 */
struct mm_cache_stats {
	const char *name; /* as given to kmem_cache_create(), or "kmalloc-<size>" */
	size_t object_size; /* bytes asked for per object */
	size_t stride; /* bytes each object takes in its pool (alignment included) */
	unsigned int objs_per_pool;
	unsigned int pages_per_pool;
	unsigned long active_objs; /* objects handed out now */
	unsigned long total_objs; /* objects the cache's pools hold, used or not */
	unsigned long active_pools; /* pools with at least one object handed out */
	unsigned long total_pools; /* pools held, empty ones included */
	unsigned long nr_allocs; /* successful allocations since creation */
	unsigned long nr_frees; /* frees since creation */
	unsigned long nr_failures; /* allocations that returned NULL */
	unsigned long peak_active_objs; /* most objects handed out or held by the cache for
					 * handing out at once (exact: the count can only
					 * grow when the cache takes objects from a pool),
					 * since creation or mm_reset_peak() */
	unsigned long lost_objs; /* free objects of quarantined pools, given up */
	unsigned int quarantined_pools; /* pools found corrupt, kept until emptied */
};

/**
 * struct mm_cpu_stats - one CPU's part of every cache, as of one
 * mm_get_cpu_stats() call. With CONFIG_MM_NR_CPUS = 1, the one CPU's figures
 * are those of every cache.
 *
 * Objects move between CPUs: one CPU may free what another handed out, so a
 * CPU's nr_allocs - nr_frees means nothing alone, but summed over the CPUs it
 * is exactly the objects handed out now (the sum of active_objs of
 * mm_get_cache_stats()). kmalloc() blocks above the size classes count on no
 * CPU: struct mm_stats has them (nr_large).
 */
struct mm_cpu_stats {
	unsigned long nr_allocs; /* objects this CPU handed out since the cache was created */
	unsigned long nr_frees; /* objects freed on this CPU, from any CPU's pools */
	unsigned long reserved_objs; /* free objects it holds in its reservations, for
				      * handing out next (nobody else can) */
	unsigned int active_pools; /* caches in which it has an active pool */
};

/**
 * mm_get_cpu_stats - copy the figures of CPU @cpu's part of every cache.
 * @cpu: 0 to CONFIG_MM_NR_CPUS - 1 (the numbers mm_port_cpu_id() gives).
 * @st: where to put them.
 *
 * Context: takes every CPU's lock, as mm_get_stats() does. Time: O(caches).
 * Return: true; false, with @st untouched, when @cpu is out of range.
 */
bool mm_get_cpu_stats(unsigned int cpu, struct mm_cpu_stats *st);

/**
 * mm_get_stats - copy the global figures.
 * @st: where to put them.
 * Context: any (<mm/page_alloc.h>); takes every lock at once (each CPU's,
 * then the shared one), so the figures agree with each other.
 * Time: O(caches x CPUs + regions x MAX_ORDER) (CONFIG_MM_PAGE_ALLOC=0: the
 * free lists of each region instead of its orders).
 * Return: nothing; *@st is filled in.
 */
void mm_get_stats(struct mm_stats *st);

/**
 * mm_reset_peak - restart every peak (global and per cache) from the current
 * figures, so that a later reading measures one phase of the firmware.
 * Context: any (<mm/page_alloc.h>); takes every lock at once.
 * Time: O(caches x CPUs).
 * Return: nothing.
 */
void mm_reset_peak(void);

/**
 * mm_get_cache_stats - figures of the @index-th cache, in creation order
 * (the cache of cache descriptors and the kmalloc classes first: the first
 * mm_add_region() sets them up).
 * @index: 0 for the first cache.
 * @st: where to put them.
 *
 * Allocates nothing; a caller iterates with index 0, 1, ... until false.
 * Context: any (<mm/page_alloc.h>); takes every lock at once.
 * Time: O(@index + CPUs).
 * Return: true, and *@st filled in, when there is such a cache; false
 * otherwise (and before any region), *@st untouched.
 */
bool mm_get_cache_stats(unsigned int index, struct mm_cache_stats *st);

/**
 * struct mm_printer - where the printers below send their text.
 * @write: called with each piece of text (not NUL-terminated), in order.
 * @ctx: passed back to @write.
 */
struct mm_printer {
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
};

/**
 * mm_print_num - print a number the way every printer of bareslab does (and
 * mm_libc_print_stats()): the one number printer, for a port's own output too.
 * @p: where to print.
 * @v: the number.
 * @width: decimal: at least this many columns, the number right-aligned and
 *         padded with spaces (left-aligned when @width is negative); hex: at
 *         least this many digits, zero-padded.
 * @base: 10; or 16 for "0x" and lower-case hex digits.
 * Context: any; takes no lock and touches no allocator state.
 * Time: O(digits + @width).
 * Return: nothing.
 */
void mm_print_num(const struct mm_printer *p, unsigned long v, int width, unsigned int base);

/**
 * mm_print_meminfo_line - one line in the layout of mm_print_meminfo():
 * @name padded to 16 columns, @v right-aligned in 8 more, then " kB" when
 * @kb, and a newline.
 * @p: where to print.
 * @name: the figure's name, e.g. "MemFree:".
 * @v: the figure; with @kb a size in bytes, printed in KiB rounded up.
 * @kb: whether @v is a size.
 * Context: any; takes no lock and touches no allocator state.
 * Time: O(length of @name).
 * Return: nothing.
 */
void mm_print_meminfo_line(const struct mm_printer *p, const char *name, size_t v, bool kb);

/**
 * mm_print_slabinfo - every cache in the layout of Linux's /proc/slabinfo 2.1,
 * then our own columns (allocations, frees, failures, peak active objects).
 * Caches that never held a pool are skipped, as in Linux.
 * @p: where to print.
 * Context: any (see the top of this file); each cache's figures are copied
 * under every lock, then printed without it.
 * Time: O(caches x (caches + CPUs)): one mm_get_cache_stats() per cache.
 * Return: nothing.
 */
void mm_print_slabinfo(const struct mm_printer *p);

/**
 * mm_print_meminfo - the global figures, one "Name:   value kB" line each,
 * like /proc/meminfo (counts without a unit where there is none).
 * @p: where to print.
 * Context: any (see the top of this file); one mm_get_stats().
 * Time: as mm_get_stats().
 * Return: nothing.
 */
void mm_print_meminfo(const struct mm_printer *p);

/**
 * mm_print_buddyinfo - free blocks per order for each region, like
 * /proc/buddyinfo: one line per region, one column per order. Without the
 * page allocator: free runs per power of two of their size.
 * @p: where to print.
 * Context: any (see the top of this file); takes the shared lock for each
 * region's counts, never while printing.
 * Time: O(regions x MAX_ORDER) (CONFIG_MM_PAGE_ALLOC=0: O(free runs)).
 * Return: nothing.
 */
void mm_print_buddyinfo(const struct mm_printer *p);

/**
 * mm_print_heapmap - one character per page, 64 to a row with the row's
 * address on the left, and a legend: a picture of fragmentation. Without the
 * page allocator a page is PAGE_SIZE bytes of the heap, and a page that
 * several runs share shows the first of: a pool, 'L', 'P', free.
 * @p: where to print.
 * Context: any (see the top of this file); takes the locks for one row at
 * a time, never while printing.
 * Time: O(pages) (CONFIG_MM_PAGE_ALLOC=0: O(pages + runs)).
 * Return: nothing.
 */
void mm_print_heapmap(const struct mm_printer *p);

#endif /* MM_STATS_H */
