/* SPDX-License-Identifier: MIT */
/*
 * mm/valgrind.h - telling valgrind's memcheck about bareslab's blocks.
 *
 * With CONFIG_MM_VALGRIND=1 (host only) every object handed out is a
 * "malloc-like" block of the size asked for, and everything else in a pool is
 * no-access: free objects, their links, the slack past the request. So a
 * program run under memcheck gets use-after-free, overflow and leak reports
 * for bareslab's blocks as it would for glibc's. The allocator opens a link
 * for the instant it reads or writes it. Without the option every hook is an
 * empty inline function.
 *
 * Not meant to be combined with the debug flags of <mm/debug.h>, whose
 * patterns live in memory memcheck is told is no-access.
 */
#ifndef MM_VALGRIND_H
#define MM_VALGRIND_H

#include <mm/config.h>
#include <stdbool.h>
#include <stddef.h>

#if CONFIG_MM_VALGRIND
#include <valgrind/memcheck.h>

/* A new pool: nothing in it is the program's to touch. */
static inline void vg_noaccess(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_NOACCESS(p, n);
}

/* Memory the allocator itself is about to write (a link, a new object). */
static inline void vg_writable(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}

/* A link the allocator is about to read. */
static inline void vg_readable(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_DEFINED(p, n);
}

static inline void vg_alloc(const void *p, size_t n, bool defined)
{
	VALGRIND_MALLOCLIKE_BLOCK(p, n, 0, 0);
	if (defined)
		VALGRIND_MAKE_MEM_DEFINED(p, n);
}

static inline void vg_free(const void *p)
{
	VALGRIND_FREELIKE_BLOCK(p, 0);
}
#else
static inline void vg_noaccess(const void *p, size_t n)
{
	(void)p, (void)n;
}

static inline void vg_writable(const void *p, size_t n)
{
	(void)p, (void)n;
}

static inline void vg_readable(const void *p, size_t n)
{
	(void)p, (void)n;
}

static inline void vg_alloc(const void *p, size_t n, bool defined)
{
	(void)p, (void)n, (void)defined;
}

static inline void vg_free(const void *p)
{
	(void)p;
}
#endif

#endif /* MM_VALGRIND_H */
