/* SPDX-License-Identifier: MIT */
/*
 * mm/port.h - what the firmware provides to bareslab.
 *
 * Every hook has a weak default in mm/port.c, so a firmware that is happy with
 * the defaults implements none of them. Define a hook with the same signature
 * in your own code to replace its default.
 *
 * The hooks are called by bareslab, not by the firmware: their Context lines
 * say where bareslab calls them from and what a replacement may do there;
 * their Time lines what bareslab expects of a replacement.
 */
#ifndef MM_PORT_H
#define MM_PORT_H

#include <mm/types.h>

/**
 * mm_port_lock - enter the allocator's critical section.
 *
 * Called on entry to every public bareslab call that touches allocator state
 * (only when CONFIG_MM_LOCKING is 1); with CONFIG_MM_NR_CPUS > 1 only by
 * those that touch what the CPUs share (lists, pools, regions), with a CPU's
 * own spinlock held. A bare-metal port masks interrupts here (and, with
 * several CPUs, takes a spinlock); a hosted port takes a mutex. Calls never
 * nest. Default: does nothing.
 * Context: any context that calls bareslab, an interrupt handler too;
 * without the lock held (with CONFIG_MM_NR_CPUS > 1, holding this CPU's
 * spinlock). Must not call bareslab.
 * Time: bounded by the port: bareslab holds it for the bound of the call.
 * Return: nothing; it returns holding the lock.
 */
void mm_port_lock(void);

/**
 * mm_port_unlock - leave the critical section entered by mm_port_lock().
 * Context: where mm_port_lock() was called, holding it. Time: O(1) expected.
 * Return: nothing.
 */
void mm_port_unlock(void);

/**
 * mm_port_cpu_id - the CPU the caller runs on: 0 to CONFIG_MM_NR_CPUS - 1.
 *
 * Called only when CONFIG_MM_NR_CPUS > 1, with the caller's interrupts masked
 * (mm_port_irq_save()), at the start of every allocation and free: it picks
 * the part of each cache the call uses; a number out of range is a bug
 * (mm_port_bug()). It must not change while interrupts stay masked. Two
 * callers may share a number (threads that share a slot): that part's
 * spinlock keeps them apart. A bare-metal port returns its hart or core
 * number (mhartid); a hosted one a slot per thread. Default: 0.
 * Context: with interrupts masked, no bareslab lock held; must not call
 * bareslab. Time: O(1) expected: it is on every fast path of such builds.
 * Return: the CPU's number.
 */
unsigned int mm_port_cpu_id(void);

/**
 * mm_port_irq_save - mask this CPU's interrupts; return what to restore.
 *
 * Called only when CONFIG_MM_NR_CPUS > 1, around the fast paths, which then
 * take only a spinlock of this CPU's own: an interrupt handler that
 * allocates must not spin on a lock its own CPU holds. Default: nothing, 0.
 * Context: any, an interrupt handler too; must not call bareslab.
 * Time: O(1) expected: it is on every fast path of such builds.
 * Return: the interrupt state before, for mm_port_irq_restore().
 */
unsigned long mm_port_irq_save(void);

/**
 * mm_port_irq_restore - undo mm_port_irq_save(); @flags is what it returned.
 * Context: where mm_port_irq_save() was called. Time: O(1) expected.
 * Return: nothing.
 */
void mm_port_irq_restore(unsigned long flags);

/**
 * mm_port_random - a value that an attacker cannot easily guess.
 *
 * Seeds the order in which each cache's pools hand out their objects
 * (CONFIG_MM_RANDOM) and, without the page allocator, each region's secret
 * for the check words of its runs.
 * A board may return a timer, a cycle counter or a hardware RNG reading.
 * Called when a cache is set up, never on the fast path. Default: mixes the
 * address of a stack variable with a call counter, which is fixed per build
 * and so only a weak secret.
 * Context: with the shared lock held (a cache or region being set up); must
 * not call bareslab.
 * Time: bounded by the port; called once per cache and region.
 * Return: any value; the more unpredictable, the stronger the hardening.
 */
unsigned long mm_port_random(void);

/* What went wrong, in a report. Misuse by the caller, never an internal bug. */
enum mm_report_kind {
	MM_REPORT_FOREIGN_FREE, /* freed memory the allocator does not own */
	MM_REPORT_INTERIOR_FREE, /* freed a pointer inside a block, not its start */
	MM_REPORT_DOUBLE_FREE, /* freed a block that is already free */
	MM_REPORT_WRONG_CACHE, /* kmem_cache_free() with a cache the object is not from */
	MM_REPORT_CACHE_BUSY, /* kmem_cache_destroy() while objects are live */
	MM_REPORT_BAD_PAGES, /* free_pages() of pages that are not an allocated block */
	MM_REPORT_BAD_FREELIST, /* a free-list link points outside its pool: corruption */
	MM_REPORT_RED_ZONE, /* a write past the end (or before the start) of an object */
	MM_REPORT_POISON, /* a write to a freed object (SLAB_POISON) */
	MM_REPORT_CORRUPT, /* allocator metadata found inconsistent by mm_validate() */
	NR_MM_REPORTS
};

/**
 * struct mm_report - one detected misuse, as passed to mm_port_report().
 * @kind: what happened.
 * @addr: the pointer the caller passed.
 * @object: start of the block @addr falls in, or NULL when none.
 * @cache: name of the cache involved, or NULL.
 * @object_size: object size of that cache, or 0.
 * @caller: return address of the bareslab call that detected it (NULL from
 *          mm_validate()).
 * @bad: first corrupted byte, for MM_REPORT_RED_ZONE and MM_REPORT_POISON.
 * @alloc_caller, @alloc_serial: who allocated @object last, and the serial
 *          number of that allocation (SLAB_STORE_USER; else NULL and 0).
 * @free_caller, @free_serial: the same for its last free.
 * @detail: a short phrase on what was found, or NULL.
 *
 * Serial numbers count every tracked allocation and free since boot, so the
 * order of events around an object can be read off a report.
 * The structure lives only for the duration of the call to mm_port_report().
 */
struct mm_report {
	enum mm_report_kind kind;
	const void *addr;
	const void *object;
	const char *cache;
	size_t object_size;
	const void *caller;
	const void *bad;
	const void *alloc_caller;
	unsigned long alloc_serial;
	const void *free_caller;
	unsigned long free_serial;
	const char *detail;
};

/**
 * mm_port_report - a caller's misuse was detected.
 * @r: what, where and who; see struct mm_report.
 *
 * Context: called with the allocator lock held; must not call the allocator.
 * The allocator has already ignored the bad request and left every allocation
 * intact; the report is also counted in the statistics. Default: does nothing.
 * Time: bounded by the port; an interrupt handler that misuses the heap
 * waits for it, as does every other caller of the allocator meanwhile.
 * Return: nothing.
 */
void mm_port_report(const struct mm_report *r);

/**
 * mm_report_kind_name - a short lower-case name for a report kind.
 * @kind: the kind.
 * Context: any; takes no lock (a report hook may call it). Time: O(1).
 * Return: a static string such as "double free"; "unknown" for a bad value.
 */
const char *mm_report_kind_name(enum mm_report_kind kind);

/**
 * mm_port_bug - an internal invariant of the allocator broke (MM_BUG_ON).
 * @file: source file of the check.
 * @line: its line.
 *
 * Not a caller's mistake: memory is corrupt beyond what reports cover.
 * Default: traps (__builtin_trap). Must not return if overridden, either.
 * Context: wherever the check failed, locks held or not; must not call
 * bareslab.
 * Time: unbounded; it never returns.
 * Return: never.
 */
void mm_port_bug(const char *file, int line) __attribute__((noreturn));

#endif /* MM_PORT_H */
