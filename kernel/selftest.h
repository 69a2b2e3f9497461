/* SPDX-License-Identifier: MIT */
/*
 * kernel/selftest.h - checks of the firmware itself, run on the board by the
 * `selftest` command (kernel/selftest.c).
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <stddef.h>

/* Bytes of RAM the boot path gave the allocator (kernel/main.c sets it). */
extern size_t boot_ram_bytes;

/**
 * selftest_run - run every check, printing one line each:
 *
 *   ok   ram_regions
 *   FAIL heap_validates: mm_validate() found 2 problems
 *
 * then "N passed, N failed, 0 skipped". The checks run on top of whatever
 * the firmware holds and leave the heap as they found it. Needs the
 * firmware's report hook (kernel/port.c).
 *
 * Return: the number of checks that failed.
 */
unsigned int selftest_run(void);

/* The `selftest` console command. */
int cmd_selftest(int argc, char **argv);

#endif /* KERNEL_SELFTEST_H */
