/* SPDX-License-Identifier: MIT */
/*
 * mm/libc/mm_libc.h - bareslab as the C library's malloc: the entry points of
 * mm/libc/malloc.c, the hooks a hosted port may add, and the glue's figures.
 *
 * A firmware needs none of this header: linking libmm_libc.a before its C
 * library is enough (see README.md, "Porting"). It is for ports that grow the
 * heap at run time (the Linux LD_PRELOAD library, arch/host/preload.c) and for
 * tests, which build the glue with a name prefix: compiled with
 * -DMM_LIBC_PREFIX=bs_ it defines bs_malloc(), bs_free() and so on, and leaves
 * the program's own malloc alone.
 */
#ifndef MM_LIBC_MM_LIBC_H
#define MM_LIBC_MM_LIBC_H

#include <stddef.h>
#include <stdbool.h>

#include <mm/stats.h>

#define MM_LIBC_CONCAT_(a, b) a##b
#define MM_LIBC_CONCAT(a, b) MM_LIBC_CONCAT_(a, b)

/* MM_LIBC_NAME(malloc) - the name the glue gives its malloc: malloc itself,
 * or bs_malloc when built with -DMM_LIBC_PREFIX=bs_. */
#ifdef MM_LIBC_PREFIX
#define MM_LIBC_NAME(name) MM_LIBC_CONCAT(MM_LIBC_PREFIX, name)
#else
#define MM_LIBC_NAME(name) name
#endif

/*
 * The C library's allocator, with ISO C and POSIX semantics. What bareslab
 * adds to the standards' text (mm/libc/malloc.c has the details):
 * - every block is aligned to at least MM_MIN_ALIGN;
 * - malloc(0) and calloc() of 0 bytes return a unique block of 1 byte;
 * - realloc(p, 0) with p not NULL frees p and returns NULL, as glibc, newlib
 *   and picolibc do; errno is left alone then;
 * - the memalign family takes any power of two as alignment (posix_memalign:
 *   also a multiple of sizeof(void *)); anything else fails with EINVAL;
 * - a request over PTRDIFF_MAX bytes fails with ENOMEM;
 * - a pointer that bareslab did not hand out, given to free() or realloc(),
 *   is reported through mm_port_report() and otherwise ignored; realloc()
 *   then returns NULL with errno EINVAL.
 */
void *MM_LIBC_NAME(malloc)(size_t size);
void MM_LIBC_NAME(free)(void *p);
void *MM_LIBC_NAME(calloc)(size_t n, size_t size);
void *MM_LIBC_NAME(realloc)(void *p, size_t size);
void *MM_LIBC_NAME(reallocarray)(void *p, size_t n, size_t size);
void *MM_LIBC_NAME(memalign)(size_t align, size_t size);
void *MM_LIBC_NAME(aligned_alloc)(size_t align, size_t size);
int MM_LIBC_NAME(posix_memalign)(void **memptr, size_t align, size_t size);
void *MM_LIBC_NAME(valloc)(size_t size);
void *MM_LIBC_NAME(pvalloc)(size_t size);
size_t MM_LIBC_NAME(malloc_usable_size)(void *p);
void MM_LIBC_NAME(free_sized)(void *p, size_t size);
void MM_LIBC_NAME(free_aligned_sized)(void *p, size_t align, size_t size);

/**
 * mm_libc_port_grow - the heap is full: give bareslab more memory if you can.
 * @size: bytes of the request that failed.
 *
 * Called without any allocator lock held, when kmalloc() of @size bytes
 * (at most PAGE_SIZE << MAX_ORDER) has just failed. A hosted port maps a new
 * region and calls mm_add_region(); the glue then tries again, a few times
 * at most. Several threads may call it at once.
 *
 * Context: may not call malloc, directly or through the C library.
 * Return: true when more memory may now be free (retry), false to give up.
 * Default: false; a firmware gives all its memory at boot.
 */
bool mm_libc_port_grow(size_t size);

/**
 * mm_libc_port_map - memory for a block the page allocator cannot serve.
 * @size: bytes wanted, a multiple of PAGE_SIZE.
 *
 * Called for requests over PAGE_SIZE << MAX_ORDER bytes (or that alignment
 * pushes over it), and as a last resort when mm_libc_port_grow() could not
 * help. The memory must be page-aligned and read as zeroes (calloc() relies
 * on it), like fresh anonymous mmap().
 *
 * Context: as for mm_libc_port_grow().
 * Return: the memory, or NULL. Default: NULL.
 */
void *mm_libc_port_map(size_t size);

/**
 * mm_libc_port_unmap - give back what mm_libc_port_map() returned.
 * @p: its address.
 * @size: the same @size.
 *
 * Default: does nothing (mm_libc_port_map() never succeeds by default).
 */
void mm_libc_port_unmap(void *p, size_t size);

/**
 * struct mm_libc_stats - what the glue adds to the figures of <mm/stats.h>:
 * the blocks that are not plain kmalloc blocks, and the calls that failed.
 * Everything else (allocations, frees, live bytes) is in struct mm_stats.
 */
struct mm_libc_stats {
	unsigned long nr_aligned; /* live blocks aligned beyond PAGE_SIZE, carved from kmalloc */
	unsigned long nr_mapped; /* live blocks from mm_libc_port_map() */
	size_t mapped_bytes; /* bytes mapped for them, headers and tails included */
	unsigned long nr_grows; /* times mm_libc_port_grow() said to retry */
	unsigned long nr_enomem; /* calls that failed for want of memory */
	unsigned long nr_einval; /* calls that failed on a bad argument */
};

/**
 * mm_libc_get_stats - copy the glue's figures.
 * @st: where to put them.
 *
 * The counters are updated atomically, each on its own: a copy taken while
 * other threads allocate is not one consistent snapshot.
 */
void mm_libc_get_stats(struct mm_libc_stats *st);

/**
 * mm_libc_print_stats - the figures above, one "Name:   value" line each,
 * in the layout of mm_print_meminfo().
 */
void mm_libc_print_stats(const struct mm_printer *p);

#endif /* MM_LIBC_MM_LIBC_H */
