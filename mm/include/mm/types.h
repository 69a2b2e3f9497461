/* SPDX-License-Identifier: MIT */
/*
 * mm/types.h - the small types shared by every bareslab header.
 */
#ifndef MM_TYPES_H
#define MM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* How an allocation may be satisfied. bareslab never sleeps, so GFP_KERNEL and
 * GFP_ATOMIC behave alike; they exist so Linux-style code compiles unchanged. */
typedef unsigned int gfp_t;
#define GFP_KERNEL 0x0u
#define GFP_ATOMIC 0x1u
#define __GFP_ZERO 0x100u /* return zeroed memory */

/* Per-cache behaviour flags given to kmem_cache_create(). */
typedef unsigned int slab_flags_t;
#define SLAB_HWCACHE_ALIGN 0x2000u /* align objects to CONFIG_MM_CACHE_LINE bytes */
/* Debug flags: act only when built with CONFIG_MM_DEBUG=1 (see <mm/debug.h>). */
#define SLAB_RED_ZONE 0x0400u /* guard bytes around each object, checked on free */
#define SLAB_POISON 0x0800u /* fill free and new objects with patterns (<mm/poison.h>) */
#define SLAB_STORE_USER 0x10000u /* keep the last allocating and freeing caller */
#define SLAB_DEBUG_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/*
 * MM_MIN_ALIGN - alignment of every object and kmalloc block: 8 bytes on
 * 32-bit targets, 16 on 64-bit ones (enough for any scalar type there).
 */
#if UINTPTR_MAX > 0xffffffffu
#define MM_MIN_ALIGN 16
#else
#define MM_MIN_ALIGN 8
#endif

#endif /* MM_TYPES_H */
