/* SPDX-License-Identifier: MIT */
/*
 * mm/config.h - every build-time option of bareslab, with its default.
 *
 * Each option is a plain macro; override any of them with -D on the compiler
 * line (or in a header your build force-includes). Nothing else in mm/ picks
 * defaults, so this file is the whole list. Boolean options are 0 or 1 and are
 * tested with IS_ENABLED() in ordinary if statements, so both paths always
 * compile and the disabled one costs nothing.
 */
#ifndef MM_CONFIG_H
#define MM_CONFIG_H

/*
 * Where pools come from.
 * 1: a buddy page allocator over the regions (mm/page_alloc.c), for boards
 *    with megabytes: pools of 2^order pages, whole pages for large blocks.
 * 0: no page allocator at all (mm/runs.c), for boards with kilobytes: pools of
 *    one page cut straight from the region, and a run allocator that serves
 *    every larger request from the same region to the byte (MM_MIN_ALIGN),
 *    coalescing on free. The options below that follow from it say so.
 */
#ifndef CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_PAGE_ALLOC 1
#endif

/*
 * log2 of the page size. With the page allocator, its unit: 12 = 4 KiB.
 * Without it, the size of a pool: 10 = 1 KiB, so that a cache in use costs
 * at most a kilobyte it does not fill.
 */
#ifndef CONFIG_MM_PAGE_SHIFT
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_PAGE_SHIFT 12
#else
#define CONFIG_MM_PAGE_SHIFT 10
#endif
#endif

/*
 * Largest buddy order: a free block holds at most 2^CONFIG_MM_MAX_ORDER pages
 * (4 MiB with 4 KiB pages). Larger regions are simply several top-order blocks.
 */
#ifndef CONFIG_MM_MAX_ORDER
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_MAX_ORDER 10
#else
#define CONFIG_MM_MAX_ORDER 12 /* get_free_pages() up to 4 MiB of 1 KiB pages */
#endif
#endif

/*
 * Arenas: pools are cut from aligned runs of 2^CONFIG_MM_ARENA_ORDER pages
 * claimed for pools only, so that the many small pools of the slab layer do
 * not scatter over the heap and leave no room for large page-backed blocks
 * (128 KiB with 4 KiB pages). An arena goes back to the common free lists when
 * all its pages are free again. At least 1 and at most CONFIG_MM_MAX_ORDER.
 */
#ifndef CONFIG_MM_ARENA_ORDER
#define CONFIG_MM_ARENA_ORDER 5
#endif

/* How many separate memory regions mm_add_region() accepts (without the page
 * allocator, one: a small board's RAM is one range). */
#ifndef CONFIG_MM_MAX_REGIONS
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_MAX_REGIONS 8
#else
#define CONFIG_MM_MAX_REGIONS 1
#endif
#endif

/*
 * Largest kmalloc size class, in bytes. With the page allocator: a power of
 * two of at least two pages; requests above it are served by whole pages.
 * Without it: 64 or more, the largest size pools serve (the classes above 64
 * follow from the page size: <mm/slab.h>); requests above it take a run of
 * their own, which fits them to a grain and leaves no pool half empty. 64,
 * the default there, asks least heap (README: heap needed); 320 with 1 KiB
 * pages (every class) is faster for sizes up to it.
 */
#ifndef CONFIG_MM_KMALLOC_MAX
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_KMALLOC_MAX (2 << CONFIG_MM_PAGE_SHIFT)
#else
#define CONFIG_MM_KMALLOC_MAX 64
#endif
#endif

/*
 * Smallest pool (slab) a cache uses, as a page order. A cache picks the
 * smallest order >= this one that holds at least CONFIG_MM_POOL_MIN_OBJECTS
 * objects and loses at most 1/2^CONFIG_MM_POOL_WASTE_SHIFT of the pool to its
 * tail; when no order up to 3 (8 pages) does, the least wasteful of those
 * (mm/slab.c: pool_order(), MM_POOL_MAX_ORDER).
 */
#ifndef CONFIG_MM_POOL_MIN_ORDER
#define CONFIG_MM_POOL_MIN_ORDER 0
#endif
#ifndef CONFIG_MM_POOL_MIN_OBJECTS
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_POOL_MIN_OBJECTS 4
#else
#define CONFIG_MM_POOL_MIN_OBJECTS 1
#endif
#endif
/* ... and whose unused tail is at most 1/2^CONFIG_MM_POOL_WASTE_SHIFT of it
 * (1/32: a 320-byte class takes 8 KiB pools, 2% lost, rather than 4 KiB ones,
 * 6% lost). Small heaps want a smaller shift: bigger pools weigh more there. */
#ifndef CONFIG_MM_POOL_WASTE_SHIFT
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_POOL_WASTE_SHIFT 5
#else
#define CONFIG_MM_POOL_WASTE_SHIFT 3 /* pools end with their header: 1/8 */
#endif
#endif

/*
 * Empty pools a cache keeps for reuse instead of returning them to the page
 * allocator at once (its active pool not counted), so that a cache whose use
 * swings does not take and give back pools all the time. They are never lost
 * memory: when the page allocator runs out, every cache's empty pools go back
 * before an allocation may fail. kmem_cache_shrink() and mm_shrink() return
 * them at once.
 */
#ifndef CONFIG_MM_EMPTY_POOLS_KEPT
#if CONFIG_MM_PAGE_ALLOC
#define CONFIG_MM_EMPTY_POOLS_KEPT 4
#else
#define CONFIG_MM_EMPTY_POOLS_KEPT 1
#endif
#endif

/*
 * 1: find the lowest set bit of a word (every allocation does) by a multiply
 * and a 64-byte table, for a target whose compiler has no count-trailing-zeros
 * instruction and would call libgcc's __ctzdi2, a loop: rv64 without Zbb
 * (arch/riscv/Makefile sets it). 0: __builtin_ctzl().
 */
#ifndef CONFIG_MM_CTZ_BY_TABLE
#define CONFIG_MM_CTZ_BY_TABLE 0
#endif

/*
 * 1: every public call runs between mm_port_lock() and mm_port_unlock().
 * 0: single-threaded build; no lock calls at all (about 8 instructions less
 * per call). Only for firmware that never allocates from two contexts.
 */
#ifndef CONFIG_MM_LOCKING
#define CONFIG_MM_LOCKING 1
#endif

/*
 * CPUs that allocate at the same time (harts; threads on Linux, through the
 * LD_PRELOAD library's slots). 1: one CPU, every call between
 * mm_port_lock() and mm_port_unlock() as above, nothing per CPU. More: each
 * CPU allocates from and frees through its own part of every cache
 * (mm_port_cpu_id()) with only its own interrupts masked and its own
 * spinlock held; pool bits and counts change with atomic operations, and
 * only the shared lists, pools and regions take mm_port_lock(). Needs
 * CONFIG_MM_LOCKING.
 */
#ifndef CONFIG_MM_NR_CPUS
#define CONFIG_MM_NR_CPUS 1
#endif

/*
 * Bytes of a data cache line: what SLAB_HWCACHE_ALIGN aligns objects to;
 * and with several CPUs, each CPU's part of every cache and each CPU's lock
 * start on a line of their own, so that two CPUs never write one line on
 * their fast paths (a line two CPUs write in turn moves between their caches
 * every time). That costs up to a line per CPU per cache in padding.
 */
#ifndef CONFIG_MM_CACHE_LINE
#define CONFIG_MM_CACHE_LINE 64
#endif

/*
 * 1: the hardening that costs time is on by default: CONFIG_MM_RANDOM. What
 * costs nothing is on in every build: free bits and headers no object's
 * overflow reaches (page allocator), check words on runs, every double free
 * caught (mm/slab.c, mm/runs.c).
 */
#ifndef CONFIG_MM_HARDENED
#define CONFIG_MM_HARDENED 1
#endif

/*
 * 1: pools hand out their objects in an order drawn per cache (seeded through
 * mm_port_random(); mm/internal.h: obj_bit()), never two neighbours one after
 * the other, so an overflow cannot count on what lies next to its object.
 * Costs a table look-up on each allocation and free, nothing per pool.
 * Default: on with CONFIG_MM_HARDENED.
 */
#ifndef CONFIG_MM_RANDOM
#define CONFIG_MM_RANDOM CONFIG_MM_HARDENED
#endif

/*
 * 1: compile in the debug layer of <mm/debug.h>: red zones, poisoning, caller
 * tracking, fault injection, the leak report. Caches use it only when their
 * flags (or mm_debug_enable()) ask. 0: no code, and one compile-time-false
 * test less on each fast path.
 */
#ifndef CONFIG_MM_DEBUG
#define CONFIG_MM_DEBUG 0
#endif

/*
 * 1 (host only): tell valgrind's memcheck about every block, so that a use
 * after free or an overflow in bareslab's blocks is reported as for malloc's.
 * Needs <valgrind/memcheck.h>; costs a few no-op instructions per call when
 * not running under valgrind.
 */
#ifndef CONFIG_MM_VALGRIND
#define CONFIG_MM_VALGRIND 0
#endif

/* IS_ENABLED(CONFIG_X): 1 when the option is set to a non-zero value. */
#define IS_ENABLED(option) ((option) != 0)

#endif /* MM_CONFIG_H */
