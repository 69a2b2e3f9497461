/* SPDX-License-Identifier: MIT */
/*
 * kernel/stress.h - a randomized kmalloc/krealloc/kfree workload that checks
 * every block it holds, for the `stress` command and the selftests.
 */
#ifndef KERNEL_STRESS_H
#define KERNEL_STRESS_H

/* Blocks the workload holds at most at once (a static table: no bookkeeping
 * allocations). It keeps about half of them live. */
#define STRESS_LIVE 512

/* What one stress_run() did. */
struct stress_result {
	unsigned long allocs; /* kmalloc() calls that returned a block */
	unsigned long reallocs; /* krealloc() calls that returned a block */
	unsigned long frees; /* kfree() calls */
	unsigned long failures; /* kmalloc() or krealloc() calls that returned NULL */
	unsigned long errors; /* wrong contents, size, alignment or overlap; leaks */
	unsigned int peak_live; /* most blocks held at once */
};

/**
 * stress_run - run @ops random operations, then free what is left.
 * @ops: operations: kmalloc of 1 to 8192 bytes (mostly small), krealloc of a
 *       held block to a new size, or kfree of a held block.
 * @seed: the random sequence; the same seed repeats the same run.
 * @res: filled in with what happened.
 *
 * Each block is filled with a pattern made from its own random tag; the
 * pattern is checked on krealloc (the part kept), on kfree and at the end.
 * A new block must be aligned (to MM_MIN_ALIGN, a power-of-two size up to
 * PAGE_SIZE to itself), have ksize() >= its size and overlap no held block.
 * At the end mm_validate() must find nothing, and the allocator must hold as
 * many blocks and bytes as before.
 * The first few errors are printed, one line each.
 * Return: the number of errors (res->errors).
 */
unsigned long stress_run(unsigned long ops, unsigned long seed, struct stress_result *res);

/* The `stress <ops> [seed]` console command. */
int cmd_stress(int argc, char **argv);

#endif /* KERNEL_STRESS_H */
