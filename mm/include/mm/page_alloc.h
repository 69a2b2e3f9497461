/* SPDX-License-Identifier: MIT */
/*
 * mm/page_alloc.h - the page allocator: memory regions and pages.
 *
 * A binary buddy allocator. Give it memory with mm_add_region(); it keeps a
 * descriptor for every page at the start of each region and hands out blocks
 * of 2^order pages, each aligned to its own size.
 *
 * With CONFIG_MM_PAGE_ALLOC=0 there is no buddy allocator: the calls below
 * keep their contracts, served by the run allocator (mm/runs.h), which cuts
 * every block, pools included, straight from the region: a block of pages is
 * a run whose payload is aligned as said below, its header in the grain
 * before it.
 *
 * Context, for every call here and in <mm/slab.h>, <mm/stats.h> and
 * <mm/debug.h> unless it says otherwise: the call takes the allocator's lock
 * itself (mm_port_lock(); with CONFIG_MM_NR_CPUS > 1 also its CPU's spinlock,
 * interrupts masked) and holds it for the time bound given, never across a
 * call of its caller's. An interrupt handler may make the call when
 * CONFIG_MM_LOCKING is 1 and the port's mm_port_lock() masks interrupts, as
 * the boards' lock does (arch/common/); under an RTOS mutex, only a thread
 * may. No call may be made from mm_port_report() or mm_port_bug(), which
 * run with the lock held. Before the first mm_add_region() every allocation
 * returns NULL, every free of a non-NULL pointer is reported (it is no
 * block), and the figures are zero.
 *
 * Time, in the terms the benchmark counts (one call, its instructions): with
 * the page allocator, O(MAX_ORDER x regions) list operations per call, never
 * a walk of a list, plus one descriptor write per page of the block; without
 * it, O(regions): a few list operations and bit scans in each region tried.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <mm/config.h>
#include <mm/errno.h>
#include <mm/types.h>

#define PAGE_SHIFT CONFIG_MM_PAGE_SHIFT
#define PAGE_SIZE ((size_t)1 << PAGE_SHIFT)
#define MAX_ORDER CONFIG_MM_MAX_ORDER

/**
 * mm_add_region - give the page allocator a range of memory.
 * @start: first byte of the range; need not be aligned.
 * @size: its length in bytes.
 *
 * The range is trimmed to whole pages; its first pages hold the descriptors
 * of the rest (CONFIG_MM_PAGE_ALLOC=0: the free lists and the pool table,
 * then one heap of runs). The first region also holds the allocator's own
 * state and caches, set up by this call: nothing else is needed before the
 * first allocation. The memory stays the allocator's for good: there is no
 * way to remove a region.
 *
 * Context: any, but not concurrently with allocations on a port without a
 * lock (CONFIG_MM_LOCKING 0); takes the shared lock.
 * Time: O(pages of the region): each page's descriptor or pool pointer is
 * written once.
 * Return: 0 on success;
 * -MM_EINVAL when @start is NULL, the range wraps around the address space,
 * is too small to hold one page after its descriptors, or overlaps a region
 * already added;
 * -MM_ENOSPC when CONFIG_MM_MAX_REGIONS regions were already added.
 */
int mm_add_region(void *start, size_t size);

/**
 * get_free_pages - allocate 2^@order contiguous pages.
 * @gfp: GFP_KERNEL or GFP_ATOMIC, optionally with __GFP_ZERO.
 * @order: log2 of the page count, 0 to MAX_ORDER.
 *
 * With CONFIG_MM_PAGE_ALLOC=0 the block is a run of the region's heap whose
 * payload is aligned to PAGE_SIZE << @order, with the same contract.
 *
 * Context: any (see the top of this file).
 * Time: O(MAX_ORDER x regions) (CONFIG_MM_PAGE_ALLOC=0: O(regions)), plus
 * clearing the block for __GFP_ZERO, after the lock is released.
 * Return: the address of the first page, aligned to PAGE_SIZE << @order;
 * NULL when no such block is free, no region was added, or @order is above
 * MAX_ORDER.
 */
void *get_free_pages(gfp_t gfp, unsigned int order);

/**
 * free_pages - give back a block from get_free_pages().
 * @addr: what get_free_pages() returned; NULL is ignored.
 * @order: the order it was allocated with.
 *
 * The block merges with its free buddies (CONFIG_MM_PAGE_ALLOC=0: the run
 * merges with the free runs beside it). A pointer that is not the start of
 * an allocated block of that order is reported (MM_REPORT_BAD_PAGES, or
 * MM_REPORT_DOUBLE_FREE) and ignored.
 * Context: any (see the top of this file).
 * Time: O(MAX_ORDER + regions) (CONFIG_MM_PAGE_ALLOC=0: O(regions)).
 * Return: nothing; a bad pointer is reported, never returned as an error.
 */
void free_pages(void *addr, unsigned int order);

/**
 * alloc_pages_exact - allocate just enough contiguous pages for @size bytes.
 * @size: bytes wanted, more than 0.
 * @gfp: as for get_free_pages().
 *
 * Unlike get_free_pages(), the block is not rounded up to a power of two: the
 * pages past @size go straight back to the free lists. With
 * CONFIG_MM_PAGE_ALLOC=0 it is a run of just those pages, its payload
 * page-aligned.
 * Context: any (see the top of this file).
 * Time: O(MAX_ORDER x regions) (CONFIG_MM_PAGE_ALLOC=0: O(regions)), plus
 * clearing the block for __GFP_ZERO, after the lock is released.
 * Return: a page-aligned address; NULL when @size is 0 or above
 * PAGE_SIZE << MAX_ORDER, or no run of that many pages is free.
 */
void *alloc_pages_exact(size_t size, gfp_t gfp);

/**
 * free_pages_exact - give back what alloc_pages_exact() returned.
 * @addr: the address it returned; NULL is ignored.
 * @size: the same @size.
 *
 * A pointer that is not such a block of that size is reported
 * (MM_REPORT_BAD_PAGES, or MM_REPORT_DOUBLE_FREE) and ignored.
 * Context: any (see the top of this file).
 * Time: O(MAX_ORDER x bits of the page count + regions)
 * (CONFIG_MM_PAGE_ALLOC=0: O(regions)).
 * Return: nothing; a bad pointer is reported, never returned as an error.
 */
void free_pages_exact(void *addr, size_t size);

/**
 * mm_nr_free_pages - how many pages are free now, in all regions.
 * Context: any (see the top of this file).
 * Time: O(regions).
 * Return: the free pages; CONFIG_MM_PAGE_ALLOC=0: the bytes of the free runs,
 * headers included, in whole pages (rounded down); 0 before any region.
 */
size_t mm_nr_free_pages(void);

/**
 * mm_largest_free_order - the largest order get_free_pages() can serve now.
 * Context: any (see the top of this file).
 * Time: O(MAX_ORDER x regions).
 * Return: the order of the largest free block (CONFIG_MM_PAGE_ALLOC=0: the
 * largest order whose aligned block some free run holds wherever it lies);
 * -1 when none, or before any region.
 */
int mm_largest_free_order(void);

#endif /* MM_PAGE_ALLOC_H */
