/* SPDX-License-Identifier: MIT */
/*
 * mm/debug.h - finding heap bugs: validation, debug caches, leaks, failures.
 *
 * mm_validate() is always there. The rest is the debug layer, compiled in
 * with CONFIG_MM_DEBUG=1; without it the calls below are empty inline stubs,
 * so callers need no #ifdef.
 *
 * A cache debugs when created with SLAB_RED_ZONE, SLAB_POISON and/or
 * SLAB_STORE_USER (<mm/types.h>), or when mm_debug_enable() turned them on
 * for every cache before the first allocation. What each finds:
 *
 *   SLAB_RED_ZONE    writes past the end of an object (from the first byte
 *                    after the size asked for) or just before its start, at
 *                    free and validation; a double free of the object even
 *                    after other frees in between
 *   SLAB_POISON      writes to a freed object, at its next allocation and at
 *                    validation; new objects come filled with POISON_INUSE
 *   SLAB_STORE_USER  who allocated and freed each object last, with serial
 *                    numbers, in every report and in the leak report
 *
 * Each costs memory per object (see the drawing in <mm/poison.h>) and time on
 * every allocation and free of the caches that use it; other caches are not
 * slowed beyond one test of their flags.
 */
#ifndef MM_DEBUG_H
#define MM_DEBUG_H

#include <mm/config.h>
#include <mm/errno.h>
#include <mm/stats.h>
#include <mm/types.h>

/**
 * mm_validate - check every region, pool and free list.
 *
 * Checks the buddy free lists and counts, every page descriptor, every pool's
 * free list (links inside the pool, on object boundaries, no loops, as long as
 * the count says) and the per-cache counts; in debug caches also the red
 * zones and poison of every object. Each problem is reported through
 * mm_port_report() (caller NULL) and counted; a damaged pattern is rewritten
 * after its report, so each corruption is reported once.
 *
 * Context: any (<mm/page_alloc.h>), but it holds every lock for the whole
 * walk: an interrupt handler's latency grows by that much. Before any
 * region there is nothing to check.
 * Time: O(pages x caches + objects); debug caches add O(bytes of their
 * objects).
 * Return: the number of problems found; 0 for a sound heap.
 */
int mm_validate(void);

#if CONFIG_MM_DEBUG

/**
 * mm_debug_enable - turn debug flags on for every cache.
 * @flags: any of SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER.
 *
 * Must come before the first allocation: it sets every cache up again with
 * the flags (caches created later inherit them).
 * Context: any (<mm/page_alloc.h>); takes every lock at once.
 * Time: O(caches x (MAX_ORDER + BITS_PER_LONG)).
 * Return: 0; -MM_EBUSY when a cache already holds a pool (something was
 * allocated);
 * -MM_EINVAL for flags other than the three above, and always without
 * CONFIG_MM_DEBUG=1.
 */
int mm_debug_enable(slab_flags_t flags);

/**
 * mm_print_live - the live objects, grouped by allocation site, biggest first.
 * @p: where to print.
 *
 * One line per site: bytes, objects, the caller address and the cache. Objects
 * of caches without SLAB_STORE_USER group under "(no site)" per cache, and
 * page-backed kmalloc blocks under "(pages)". At most 64 groups are shown.
 * Without CONFIG_MM_DEBUG=1 it prints one line saying so.
 * Context: any (<mm/page_alloc.h>); holds every lock while counting, none
 * while printing.
 * Time: O(pages + objects x 64).
 * Return: nothing.
 */
void mm_print_live(const struct mm_printer *p);

/**
 * mm_fail_nth - make the @n-th next allocation fail (1: the very next one).
 * @n: 0 cancels.
 *
 * Counts every allocation call (kmalloc, caches, large blocks); the failing
 * one returns NULL as when memory is out, and is counted as a failure.
 * Without CONFIG_MM_DEBUG=1 it does nothing.
 * Context: any (<mm/page_alloc.h>). Time: O(1).
 * Return: nothing.
 */
void mm_fail_nth(unsigned long n);

#else

static inline int mm_debug_enable(slab_flags_t flags)
{
	(void)flags;
	return -MM_EINVAL;
}

static inline void mm_print_live(const struct mm_printer *p)
{
	static const char msg[] = "leak report needs CONFIG_MM_DEBUG=1\n";

	p->write(p->ctx, msg, sizeof(msg) - 1);
}

static inline void mm_fail_nth(unsigned long n)
{
	(void)n;
}

#endif /* CONFIG_MM_DEBUG */

#endif /* MM_DEBUG_H */
