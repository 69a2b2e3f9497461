/* SPDX-License-Identifier: MIT */
/*
 * kernel/stress.h - randomized kmalloc/krealloc/kfree workloads that check
 * every block they hold, on every CPU at once: the `stress`, `irqstress` and
 * `churn` commands.
 */
#ifndef KERNEL_STRESS_H
#define KERNEL_STRESS_H

#include <mm/config.h>

/* Blocks the workload holds at most at once on each CPU (a static table: no
 * bookkeeping allocations). It keeps about half of them live. */
#define STRESS_LIVE 512

/* The most CPUs a run uses: the allocator's. */
#define STRESS_CPUS CONFIG_MM_NR_CPUS

/* What stress_run() did on one CPU, or on all of them summed. */
struct stress_result {
	unsigned long allocs; /* kmalloc() calls that returned a block */
	unsigned long reallocs; /* krealloc() calls that returned a block */
	unsigned long frees; /* kfree() calls of its own blocks */
	unsigned long handed; /* of its blocks, given to another CPU to check and free */
	unsigned long remote_frees; /* kfree() calls of blocks another CPU handed it */
	unsigned long failures; /* kmalloc() or krealloc() calls that returned NULL */
	unsigned long errors; /* wrong contents, size, alignment or overlap; leaks */
	unsigned int peak_live; /* most blocks held at once (summed: the largest) */
};

/**
 * stress_run - run @ops random operations on every CPU at once (nr_cpus():
 * one, unless the board has several), then free what is left.
 * @ops: operations on each CPU: kmalloc of 1 to 8192 bytes (mostly small),
 *       krealloc of a held block to a new size, or kfree of a held block.
 * @seed: the random sequence; the same seed repeats the same run on one CPU
 *        (CPU c runs with a seed of its own made from it; CPU 0's is @seed).
 * @res: filled in with the sums over the CPUs.
 *
 * Each block is filled with a pattern made from its own random tag; the
 * pattern is checked on krealloc (the part kept), on kfree and at the end.
 * A new block must be aligned (to MM_MIN_ALIGN, a power-of-two size up to
 * PAGE_SIZE to itself), have ksize() >= its size and overlap no block its CPU
 * holds. With several CPUs, one kfree in four is instead handed to another
 * CPU, which checks the block and frees it; after the operations no two
 * blocks of any CPUs may overlap, and every block must have been freed once.
 * At the end mm_validate() must find nothing, and the allocator must hold as
 * many blocks and bytes as before.
 * The first few errors are printed, one line each.
 * Context: CPU 0, the others idle. Return: the number of errors (res->errors).
 */
unsigned long stress_run(unsigned long ops, unsigned long seed, struct stress_result *res);

/* The `stress <ops> [seed]` console command. */
int cmd_stress(int argc, char **argv);

/* The `irqstress <ops> [seed]` console command: stress while a timer
 * interrupt on CPU 0 allocates and frees checked blocks of its own. */
int cmd_irqstress(int argc, char **argv);

/* The `churn <steps> [seed]` console command: kernel-object-sized kmalloc
 * and kfree on every CPU, counting the instructions of each call. */
int cmd_churn(int argc, char **argv);

#endif /* KERNEL_STRESS_H */
