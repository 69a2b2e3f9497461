/* SPDX-License-Identifier: MIT */
/*
 * mm/page_alloc.h - the page allocator: memory regions and pages.
 *
 * A binary buddy allocator. Give it memory with mm_add_region(); it keeps a
 * descriptor for every page at the start of each region and hands out blocks
 * of 2^order pages, each aligned to its own size.
 *
 * Not thread-safe by itself: every call takes the port lock (mm/port.h).
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
 * of the rest. Nothing else is needed before the first allocation. The memory
 * stays the allocator's for good: there is no way to remove a region.
 *
 * Context: any, but not concurrently with allocations on a port without a lock.
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
 * Return: the address of the first page, aligned to PAGE_SIZE << @order;
 * NULL when no such block is free or @order is above MAX_ORDER.
 * Time: O(MAX_ORDER x regions).
 */
void *get_free_pages(gfp_t gfp, unsigned int order);

/**
 * free_pages - give back a block from get_free_pages().
 * @addr: what get_free_pages() returned; NULL is ignored.
 * @order: the order it was allocated with.
 *
 * The block merges with its free buddies. A pointer that is not the start of
 * an allocated block of that order is reported (MM_REPORT_BAD_PAGES) and ignored.
 * Time: O(MAX_ORDER).
 */
void free_pages(void *addr, unsigned int order);

/**
 * alloc_pages_exact - allocate just enough contiguous pages for @size bytes.
 * @size: bytes wanted, more than 0.
 * @gfp: as for get_free_pages().
 *
 * Unlike get_free_pages(), the block is not rounded up to a power of two: the
 * pages past @size go straight back to the free lists.
 * Return: a page-aligned address, or NULL when no run is free.
 */
void *alloc_pages_exact(size_t size, gfp_t gfp);

/**
 * free_pages_exact - give back what alloc_pages_exact() returned.
 * @addr: the address it returned.
 * @size: the same @size.
 */
void free_pages_exact(void *addr, size_t size);

/**
 * mm_nr_free_pages - how many pages are free now, in all regions.
 */
size_t mm_nr_free_pages(void);

/**
 * mm_largest_free_order - order of the largest free block now, or -1 when none.
 */
int mm_largest_free_order(void);

#endif /* MM_PAGE_ALLOC_H */
