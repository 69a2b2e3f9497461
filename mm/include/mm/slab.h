/* SPDX-License-Identifier: MIT */
/*
 * mm/slab.h - object caches and kmalloc.
 *
 * A kmem_cache hands out objects of one size from pools: runs of pages taken
 * from the page allocator and cut into equal blocks. kmalloc() picks one of a
 * fixed set of caches by size (its size classes) and serves sizes above the
 * largest class with whole pages. Objects carry no header: a 32-byte object
 * costs 32 bytes plus its share of its pool's descriptor.
 *
 * Guarantees, for every call below:
 * - Objects are aligned to at least MM_MIN_ALIGN (8 on 32-bit targets, 16 on
 *   64-bit ones). kmalloc blocks of a power-of-two size up to
 *   KMALLOC_ALIGNED_MAX are aligned to that size; with the page allocator,
 *   kmalloc blocks above KMALLOC_MAX_CACHE_SIZE are page-aligned.
 * - An allocation from a cache that has a partly used pool is O(1) (at most
 *   one look at each started bitmap word of its pool); taking a new pool is
 *   one page allocator call (<mm/page_alloc.h>), after which nothing is
 *   carved ahead. No call walks a list of pools or objects.
 * - Out of memory: the call returns NULL and changes nothing else.
 * - After every object is freed and mm_shrink() has run, the page allocator is
 *   back in its initial state.
 * - Misuse (a double free, a foreign or interior pointer, the wrong cache) is
 *   reported through mm_port_report() and otherwise ignored.
 *
 * Context: each call takes the port lock (mm/port.h) itself; whether an
 * interrupt handler may call it, and what it does before the first region,
 * is said once at the top of <mm/page_alloc.h>. None may be called from the
 * report hook.
 *
 * Time, below: "the fast path" is an allocation from the CPU's reservation,
 * or the free of an object of a pool (a multiply to check it, a bit set, a
 * count lowered; a pool that empties or was full then changes list): a few
 * instructions, what the benchmark's ALLOC and FREE count. "A refill" takes the next word of bits: at most one look at each
 * started word of one pool (at most 32), and at most one page allocator call
 * for a new pool. "Out of memory" first gives back every cache's kept empty
 * pools (at most CONFIG_MM_EMPTY_POOLS_KEPT each): O(caches) page frees, then
 * retries once. A debug cache adds O(object size) to check or write its
 * patterns.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <mm/config.h>
#include <mm/page_alloc.h>
#include <mm/types.h>

struct kmem_cache;

/* kmalloc blocks of a power-of-two size up to this one are aligned to their size:
 * with the page allocator, up to a page; without it, up to 64 bytes (the size
 * classes above 64 are no powers of two, and larger blocks are runs aligned to
 * MM_MIN_ALIGN). */
#define KMALLOC_ALIGNED_MAX ((size_t)(CONFIG_MM_PAGE_ALLOC ? 1u << CONFIG_MM_PAGE_SHIFT : 64u))

/* What kmalloc(0) returns: a unique non-NULL address that must not be used.
 * kfree() and ksize() accept it; ksize() says 0. */
#define ZERO_SIZE_PTR ((void *)16)

/* What a one-page pool loses to its header and bits: nothing with the page
 * allocator (they are kept outside the pool); without it, its header and the
 * next run's (mm/runs.h checks it). */
#if CONFIG_MM_PAGE_ALLOC
#define MM_POOL_OVERHEAD 0
#else
#define MM_POOL_OVERHEAD                                                                        \
	(MM_MIN_ALIGN + ((3 * sizeof(void *) + 12 + sizeof(long) - 1) & ~(sizeof(long) - 1)) +  \
	 sizeof(long) * (((1u << CONFIG_MM_PAGE_SHIFT) / MM_MIN_ALIGN + 8 * sizeof(long) - 1) / \
			 (8 * sizeof(long))))
#endif

/*
 * Largest kmalloc size served by a size class; larger ones take whole pages
 * (page allocator) or a run of their own. Without the page allocator the
 * classes are steps of MM_MIN_ALIGN up to 64 bytes, then the sizes of which a
 * one-page pool holds 12, 10, 8, 7, 6, 5, 4 and 3 (MM_POOL_CLASS()) as far as
 * CONFIG_MM_KMALLOC_MAX allows.
 */
#if CONFIG_MM_PAGE_ALLOC
#define KMALLOC_MAX_CACHE_SIZE ((size_t)CONFIG_MM_KMALLOC_MAX)
#else
#define MM_POOL_CLASS(n) \
	((size_t)((((1u << CONFIG_MM_PAGE_SHIFT) - MM_POOL_OVERHEAD) / (n)) & ~(MM_MIN_ALIGN - 1)))
#define MM_POOL_CLASS_IN(n) (MM_POOL_CLASS(n) <= (size_t)CONFIG_MM_KMALLOC_MAX)
#define KMALLOC_MAX_CACHE_SIZE                      \
	(MM_POOL_CLASS_IN(3)	? MM_POOL_CLASS(3)  \
	 : MM_POOL_CLASS_IN(4)	? MM_POOL_CLASS(4)  \
	 : MM_POOL_CLASS_IN(5)	? MM_POOL_CLASS(5)  \
	 : MM_POOL_CLASS_IN(6)	? MM_POOL_CLASS(6)  \
	 : MM_POOL_CLASS_IN(7)	? MM_POOL_CLASS(7)  \
	 : MM_POOL_CLASS_IN(8)	? MM_POOL_CLASS(8)  \
	 : MM_POOL_CLASS_IN(10) ? MM_POOL_CLASS(10) \
	 : MM_POOL_CLASS_IN(12) ? MM_POOL_CLASS(12) \
				: (size_t)64)
#endif

/**
 * kmem_cache_create - make a cache of objects of one size.
 * @name: a name for statistics and reports; the string must outlive the cache.
 * @size: object size in bytes, more than 0.
 * @align: minimum alignment, a power of two; 0 means MM_MIN_ALIGN. Alignments
 *         below MM_MIN_ALIGN are raised to it.
 * @flags: 0, or any of SLAB_HWCACHE_ALIGN, SLAB_RED_ZONE, SLAB_POISON and
 *         SLAB_STORE_USER (<mm/types.h>; the last three act only with
 *         CONFIG_MM_DEBUG=1).
 * @ctor: called once on each object when its pool is populated (not on every
 *        allocation), or NULL. Freed objects must be returned in the state
 *        the constructor left them in, as in Linux.
 *
 * Context: any (<mm/page_alloc.h>); before any region it returns NULL.
 * Time: O(MAX_ORDER + BITS_PER_LONG) to choose the pool size and order the
 * bits, plus one allocation of the descriptor (a kmem_cache_alloc()).
 * Return: the cache, or NULL when @name is NULL, @size is 0 or too large for a
 * pool of MAX_ORDER pages, @align is not a power of two, or no memory is left
 * for the cache's descriptor.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     slab_flags_t flags, void (*ctor)(void *));

/**
 * kmem_cache_destroy - remove a cache and give its pools back.
 * @s: the cache, or NULL (ignored).
 *
 * Refused while objects are live: MM_REPORT_CACHE_BUSY is reported and the
 * cache stays usable. A cache that does not exist (destroyed already) is
 * reported as MM_REPORT_DOUBLE_FREE.
 * Context: any (<mm/page_alloc.h>); takes each CPU's lock in turn, then the
 * shared one.
 * Time: O(regions + CPUs + pools it holds) page frees.
 * Return: nothing; refusals are reported.
 */
void kmem_cache_destroy(struct kmem_cache *s);

/**
 * kmem_cache_name - the name of @s.
 * Context: any; takes no lock. Time: O(1).
 * Return: the name given to kmem_cache_create(), or "kmalloc-N".
 */
const char *kmem_cache_name(const struct kmem_cache *s);

/**
 * kmem_cache_size - usable bytes of each object of @s.
 * Context: any; takes no lock. Time: O(1).
 * Return: its size rounded up to its alignment; a debug cache's object size
 * as asked for.
 */
size_t kmem_cache_size(const struct kmem_cache *s);

/**
 * kmem_cache_alloc - take an object from a cache.
 * @s: the cache.
 * @gfp: GFP_KERNEL or GFP_ATOMIC, optionally __GFP_ZERO.
 *
 * Context: any (<mm/page_alloc.h>).
 * Time: the fast path; else a refill; else out of memory (see the top of
 * this file); plus clearing the object for __GFP_ZERO, after the lock.
 * Return: an object of the cache's size and alignment; NULL when out of
 * memory (or an injected failure, mm_fail_nth()).
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);

/**
 * kmem_cache_zalloc - kmem_cache_alloc() with the object zeroed.
 * Context: as kmem_cache_alloc(). Time: as kmem_cache_alloc(), plus O(size).
 * Return: as kmem_cache_alloc().
 */
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);

/**
 * kmem_cache_free - give an object back to its cache.
 * @s: the cache it was allocated from.
 * @obj: the object; NULL is ignored.
 *
 * An object of another cache is reported (MM_REPORT_WRONG_CACHE) and ignored;
 * so are foreign, interior and already free pointers.
 * Context: any (<mm/page_alloc.h>).
 * Time: the fast path; else O(regions) to look the pointer up, and at most
 * one list change, or one pool's pages back to the page allocator.
 * Return: nothing; misuse is reported.
 */
void kmem_cache_free(struct kmem_cache *s, void *obj);

/**
 * kmem_cache_shrink - give every empty pool of a cache back to the page allocator.
 * @s: the cache.
 *
 * Every CPU's reservation in @s goes back to its pool first.
 * Context: any (<mm/page_alloc.h>); takes each CPU's lock in turn, then the
 * shared one.
 * Time: O(CPUs + empty pools given back) page frees.
 * Return: the number of pools given back, 0 or more.
 */
int kmem_cache_shrink(struct kmem_cache *s);

/**
 * mm_shrink - kmem_cache_shrink() on every cache, the kmalloc caches included.
 * Context: any (<mm/page_alloc.h>); takes each CPU's lock in turn, then the
 * shared one.
 * Time: O(CPUs x caches + empty pools given back).
 * Return: nothing.
 */
void mm_shrink(void);

/**
 * mm_cpu_drain - give back everything CPU @cpu holds in every cache: its
 * reservations, and its active pools to the lists their fill says.
 * @cpu: 0 to CONFIG_MM_NR_CPUS - 1; others are ignored.
 *
 * For a CPU (or a thread's slot, on Linux) that stops allocating for good:
 * what it held goes back to every other CPU. Nothing else changes.
 * Context: any CPU, not inside a bareslab call; takes @cpu's lock, then the
 * shared one.
 * Time: O(caches).
 * Return: nothing.
 */
void mm_cpu_drain(unsigned int cpu);

/**
 * mm_freeze - stop the allocator: take every CPU's lock and the shared one
 * (mm_port_lock()), in the order every call takes them. Every other
 * bareslab call waits until mm_thaw().
 *
 * For a hosted port's fork(): freeze before, thaw in parent and child, and
 * the child never inherits a lock some thread held half-way through a call.
 * Context: a thread, not inside a bareslab call and never from an interrupt
 * handler (it returns holding every lock, interrupts masked on a board);
 * with CONFIG_MM_LOCKING 0, does nothing.
 * Time: O(CPUs).
 * Return: nothing; the locks are held until mm_thaw().
 */
void mm_freeze(void);

/**
 * mm_thaw - undo mm_freeze(): every lock it took, in reverse.
 * Context: the caller of mm_freeze() (in a forked child: its one thread).
 * Time: O(CPUs).
 * Return: nothing.
 */
void mm_thaw(void);

/**
 * kmalloc - allocate @size bytes.
 * @size: bytes wanted; 0 returns ZERO_SIZE_PTR.
 * @gfp: GFP_KERNEL or GFP_ATOMIC, optionally __GFP_ZERO.
 *
 * Sizes up to KMALLOC_MAX_CACHE_SIZE come from size-class caches; larger ones
 * from whole pages (only the pages needed, not a power of two of them);
 * CONFIG_MM_PAGE_ALLOC=0: from a run of their own.
 * Context: any (<mm/page_alloc.h>).
 * Time: a class: as kmem_cache_alloc(); above the classes, one page
 * allocator call (<mm/page_alloc.h>); plus clearing for __GFP_ZERO.
 * Return: the block; ZERO_SIZE_PTR for @size 0; NULL when out of memory,
 * before any region, or when @size cannot be served.
 */
void *kmalloc(size_t size, gfp_t gfp);

/**
 * kzalloc - kmalloc() with the block zeroed.
 * Context: as kmalloc(). Time: as kmalloc(), plus O(@size).
 * Return: as kmalloc().
 */
void *kzalloc(size_t size, gfp_t gfp);

/**
 * kcalloc - allocate a zeroed array of @n elements of @size bytes.
 * Context: as kmalloc(). Time: as kzalloc() of @n * @size.
 * Return: the block, or NULL when @n * @size overflows or memory is out;
 * ZERO_SIZE_PTR when @n * @size is 0.
 */
void *kcalloc(size_t n, size_t size, gfp_t gfp);

/**
 * krealloc - resize a kmalloc block.
 * @p: the block, NULL or ZERO_SIZE_PTR (then it is kmalloc(@new_size)).
 * @new_size: new size; 0 frees @p and returns ZERO_SIZE_PTR.
 * @gfp: as for kmalloc().
 *
 * The contents are kept up to the smaller of the old and new size. When the
 * block is already big enough (ksize(@p) >= @new_size) @p itself is returned.
 * A @p the allocator did not hand out is reported as by kfree() and NULL
 * returned.
 * Context: as kmalloc().
 * Time: a ksize(), then a kmalloc(), an O(size) copy and a kfree().
 * Return: the block, or NULL on failure, in which case @p is left intact.
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);

/**
 * kfree - free a kmalloc block.
 * @p: the block; NULL and ZERO_SIZE_PTR are ignored.
 *
 * A pointer that is not a live block's start is reported (foreign,
 * interior, double free) and ignored.
 * Context: any (<mm/page_alloc.h>).
 * Time: as kmem_cache_free(); a block above the classes: one page free
 * (<mm/page_alloc.h>).
 * Return: nothing; misuse is reported.
 */
void kfree(const void *p);

/**
 * ksize - usable size of a kmalloc or cache block.
 * @p: the block.
 * Return: bytes usable at @p, at least the size asked for; 0 for NULL,
 * ZERO_SIZE_PTR, a pointer the allocator does not own, or one that is not the
 * start of a block. (Whether a pool block is live is not tracked outside
 * debug builds: ksize() of a freed pool block still answers its size.)
 * Context: any (<mm/page_alloc.h>). Time: O(regions).
 */
size_t ksize(const void *p);

/**
 * mm_owns - whether @p points into memory this allocator hands out.
 * @p: any pointer.
 * Return: true when @p lies in a pool or a page-backed allocation (live or
 * not), false for anything else: the stack, static data, page descriptors.
 * Without the page allocator: true anywhere in a region's heap of runs, free
 * ones too (no O(1) lookup tells an interior pointer from free memory there).
 * Context: any (<mm/page_alloc.h>). Time: O(regions).
 */
bool mm_owns(const void *p);

#endif /* MM_SLAB_H */
