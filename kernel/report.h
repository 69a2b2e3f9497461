/* SPDX-License-Identifier: MIT */
/*
 * kernel/report.h - what the firmware does with the allocator's misuse
 * reports: print each as one block on the console, SLUB style, and count them.
 *
 * The hook itself, mm_port_report(), is in kernel/port.c and only calls
 * report_misuse(); keeping it apart lets the host unit tests link this file
 * next to their own recording hook.
 */
#ifndef KERNEL_REPORT_H
#define KERNEL_REPORT_H

#include <stdbool.h>
#include <mm/port.h>

/**
 * report_misuse - count one report and, unless muted, print it:
 *
 *   =============================================================================
 *   BUG kmalloc-64: double free
 *   Address:   0x20006040
 *   Object:    0x20006040, 64 bytes
 *   Caller:    0x00001a2d
 *   =============================================================================
 *
 * "BUG" names the cache involved, or "kmalloc" when the pointer is in no
 * cache ("pages" for free_pages()). Lines for what only some reports carry
 * (a detail, the first bad byte, who allocated and freed the object last)
 * appear when the report has them.
 * @r: the report.
 *
 * Context: the allocator lock is held; uses printk() only, never the allocator.
 */
void report_misuse(const struct mm_report *r);

/**
 * report_mute - stop (true) or resume (false) printing reports; they are
 * still counted. For the selftests that cause reports on purpose.
 */
void report_mute(bool mute);

/* report_count - how many reports report_misuse() has seen since boot. */
unsigned long report_count(void);

#endif /* KERNEL_REPORT_H */
