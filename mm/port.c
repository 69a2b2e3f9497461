// SPDX-License-Identifier: MIT
/*
 * mm/port.c - weak defaults for the port hooks of <mm/port.h>.
 *
 * A firmware replaces any of them by defining a function of the same name.
 * The defaults suit a single-threaded program that does not care to hear
 * about misuse: no locking, reports dropped (they are still counted), and a
 * trap on a broken internal invariant.
 */
#include <mm/port.h>

__attribute__((weak)) void mm_port_lock(void)
{
}

__attribute__((weak)) void mm_port_unlock(void)
{
}

__attribute__((weak)) unsigned int mm_port_cpu_id(void)
{
	return 0;
}

__attribute__((weak)) unsigned long mm_port_irq_save(void)
{
	return 0;
}

__attribute__((weak)) void mm_port_irq_restore(unsigned long flags)
{
	(void)flags;
}

__attribute__((weak)) void mm_port_report(const struct mm_report *r)
{
	(void)r;
}

__attribute__((weak)) unsigned long mm_port_random(void)
{
	static unsigned long calls;
	volatile char here;
	unsigned long x = (unsigned long)(uintptr_t)&here + ++calls * 0x9e3779b9ul;

	x ^= x >> 15;
	x *= 0x2c1b3c6dul;
	x ^= x >> 12;
	return x;
}

__attribute__((weak, noreturn)) void mm_port_bug(const char *file, int line)
{
	(void)file;
	(void)line;
	__builtin_trap();
}

const char *mm_report_kind_name(enum mm_report_kind kind)
{
	static const char *const names[NR_MM_REPORTS] = {
		[MM_REPORT_FOREIGN_FREE] = "free of a pointer the allocator does not own",
		[MM_REPORT_INTERIOR_FREE] = "free of a pointer inside a block",
		[MM_REPORT_DOUBLE_FREE] = "double free",
		[MM_REPORT_WRONG_CACHE] = "free to the wrong cache",
		[MM_REPORT_CACHE_BUSY] = "destroy of a cache with live objects",
		[MM_REPORT_BAD_PAGES] = "free of pages that are not an allocated block",
		[MM_REPORT_BAD_FREELIST] = "corrupt free-list link",
		[MM_REPORT_RED_ZONE] = "write outside an object (red zone overwritten)",
		[MM_REPORT_POISON] = "write to a freed object (poison overwritten)",
		[MM_REPORT_CORRUPT] = "corrupt allocator metadata",
	};

	if ((unsigned int)kind >= NR_MM_REPORTS)
		return "unknown";
	return names[kind];
}
