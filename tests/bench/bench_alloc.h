/* SPDX-License-Identifier: MIT */
/*
 * tests/bench/bench_alloc.h - the allocator a replay program runs against,
 * chosen at link time: link exactly one of alloc_null.c (does nothing: the
 * replay's own overhead), alloc_libc.c (malloc/free of whatever library is
 * linked: glibc, jemalloc, mimalloc, tcmalloc) or alloc_bareslab.c (kmalloc
 * and kfree of libmm.a).
 */
#ifndef BENCH_ALLOC_H
#define BENCH_ALLOC_H

#include <stddef.h>

/**
 * bench_init - set the allocator up before the first bench_alloc().
 * @heap_bytes: for an allocator that needs its memory handed to it
 *              (bareslab), the size of the one region to give it; the others
 *              ignore it.
 * Return: 0, or -1 when the allocator refused the region.
 */
int bench_init(size_t heap_bytes);

/* Allocate @size bytes; NULL when the allocator is out of memory. */
void *bench_alloc(size_t size);

/* Free what bench_alloc() returned. */
void bench_free(void *p);

/* Where the allocator's code comes from, e.g. "libjemalloc.so.2" or "libmm.a". */
const char *bench_alloc_origin(void);

/**
 * bench_thread_start - what each thread of tests/bench/threads.c calls first.
 * @index: the thread's number, from 0.
 *
 * A bareslab build for several CPUs takes it as the thread's CPU
 * (mm_port_cpu_id(), modulo CONFIG_MM_NR_CPUS); the others ignore it.
 */
void bench_thread_start(unsigned int index);

#endif /* BENCH_ALLOC_H */
