// SPDX-License-Identifier: MIT
/*
 * tests/bench/alloc_bareslab.c - kmalloc() and kfree() of libmm.a, on one
 * region mapped by the host. The region starts on a boundary of the largest
 * block get_free_pages() hands out (PAGE_SIZE << MAX_ORDER: the largest buddy
 * block with the page allocator), so that where the host happens to map it
 * changes nothing. Built once per bareslab build, with its options.
 *
 * The port: a build with CONFIG_MM_LOCKING (bareslab-smp) takes a pthread
 * mutex for the lock the CPUs share, and each thread of threads.c is a CPU of
 * its own (its index modulo CONFIG_MM_NR_CPUS, in thread-local storage: the
 * main thread is CPU 0). The single-threaded builds never call these hooks.
 * A benchmark must never misuse the allocator: a report or a broken
 * invariant ends the program with a message.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>

#include "bench_alloc.h"

#define REGION_ALIGN (PAGE_SIZE << MAX_ORDER)

int bench_init(size_t heap_bytes)
{
	size_t map_bytes = heap_bytes + REGION_ALIGN;
	uintptr_t start;
	void *map;

	map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return -1;
	start = ((uintptr_t)map + REGION_ALIGN - 1) & ~(uintptr_t)(REGION_ALIGN - 1);
	return mm_add_region((void *)start, heap_bytes) == 0 ? 0 : -1;
}

void *bench_alloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

void bench_free(void *p)
{
	kfree(p);
}

const char *bench_alloc_origin(void)
{
	return "libmm.a";
}

static pthread_mutex_t bench_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread unsigned int bench_cpu;

void bench_thread_start(unsigned int index)
{
	bench_cpu = index % CONFIG_MM_NR_CPUS;
}

void mm_port_lock(void)
{
	pthread_mutex_lock(&bench_lock);
}

void mm_port_unlock(void)
{
	pthread_mutex_unlock(&bench_lock);
}

unsigned int mm_port_cpu_id(void)
{
	return bench_cpu;
}

void mm_port_report(const struct mm_report *r)
{
	fprintf(stderr, "bench: bareslab reported %s at %p\n", mm_report_kind_name(r->kind),
		r->addr);
	abort();
}

void mm_port_bug(const char *file, int line)
{
	fprintf(stderr, "bench: MM_BUG_ON at %s:%d\n", file, line);
	abort();
}
