/* SPDX-License-Identifier: MIT */
/*
 * kernel/selftest.h - the allocator's tests, run on the board itself: by the
 * `selftest` command, and at boot by the selftest image (kernel/main.c built
 * with CONFIG_BOOT_SELFTEST=1).
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* Seed of the randomized model check when none is given. */
#define SELFTEST_SEED 20240601ul

/**
 * selftest_run - run every selftest, printing one line each:
 *
 *   ok   kmalloc_alignment
 *   FAIL krealloc: grew to 1000 bytes and lost byte 3
 *
 * then "N passed, N failed" and the figures (meminfo).
 * @seed: seed of the randomized model check (printed on its line).
 *
 * Each test starts after mm_shrink() and must leave the heap as it found it:
 * as many free pages, the same largest free block and live bytes once
 * mm_shrink() has run again, and exactly the misuse reports it causes on
 * purpose (those are counted by the report hook but not printed). So the
 * tests run on top of whatever the firmware holds, the boot demo's objects
 * included. Needs the firmware's report hook (kernel/port.c).
 *
 * Return: the number of tests that failed.
 */
unsigned int selftest_run(unsigned long seed);

/* The `selftest [seed]` console command. */
int cmd_selftest(int argc, char **argv);

#endif /* KERNEL_SELFTEST_H */
