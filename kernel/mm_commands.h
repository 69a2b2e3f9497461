/* SPDX-License-Identifier: MIT */
/*
 * kernel/mm_commands.h - the allocator's console commands (kernel/mm_commands.c)
 * and the printer that sends the allocator's /proc-style text to the console.
 *
 * Every handler has the shape of struct shell_command's @fn: it prints its
 * own one-line error and returns nonzero when its arguments are bad, and then
 * it has changed nothing in the heap.
 */
#ifndef KERNEL_MM_COMMANDS_H
#define KERNEL_MM_COMMANDS_H

#include <mm/stats.h>

/* Blocks `kmalloc` may hold at once; `kfree` takes only these. */
#define CONSOLE_BLOCKS 64
/* Caches `cache create` may hold at once, the length of their names, and the
 * objects `cache alloc` may hold in each. */
#define CONSOLE_CACHES 8
#define CONSOLE_CACHE_NAME_MAX 15
#define CONSOLE_CACHE_OBJECTS 256

/* Writes the allocator printers' text to the console (printk.h). */
extern const struct mm_printer console_printer;

int cmd_meminfo(int argc, char **argv);
int cmd_slabinfo(int argc, char **argv);
int cmd_buddyinfo(int argc, char **argv);
int cmd_heapmap(int argc, char **argv);
int cmd_kmalloc(int argc, char **argv);
int cmd_kfree(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_shrink(int argc, char **argv);
int cmd_cpus(int argc, char **argv);

#endif /* KERNEL_MM_COMMANDS_H */
