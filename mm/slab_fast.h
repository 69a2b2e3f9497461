/* SPDX-License-Identifier: MIT */
/*
 * mm/slab_fast.h - the one allocation fast path and the one free fast path,
 * inlined into every entry point (kmalloc, kmem_cache_alloc, kfree,
 * kmem_cache_free, and through them the libc glue).
 *
 * Allocation takes the lowest bit of the cache's reservation (the free
 * objects of one bitmap word of its active pool), clears that object's bit in
 * the pool's bitmap and hands the object out:
 *
 *   cpu.bits   0 0 1 0 1 1 0 0   reservation: free objects of one word
 *                      ^ lowest set bit b: object bit_obj(b) of the word
 *   *cpu.word  0 1 1 0 1 1 1 0   the pool's bits: 1 = free; b is cleared
 *   cpu.addr + bit_obj(b) * size the object handed out
 *
 * Free proves the pointer is an object start of a pool the allocator owns,
 * sets its free bit (finding it set already is a double free, however late),
 * and counts it:
 *
 *   p --region 0--> slabs[page of p] (the pool's header; every page has one)
 *     --> obj_start_index(p): one multiply gives the index, or an impossibly
 *         large one for any other address of the pool
 *     --> bit already set? double free : set it; inuse - 1
 *
 * Everything else leaves each path through one branch into the slow paths of
 * slab.c and kmalloc.c: an empty reservation (refill, new pool, constructor,
 * debug caches, which never hold a fast reservation), fault injection, a
 * pointer outside region 0 or not an object start, a double free, a pool
 * that changes list. Nothing is changed before a path leaves.
 *
 * Context: the caller holds cpu_lock(); nothing here takes a lock.
 */
#ifndef MM_SLAB_FAST_H
#define MM_SLAB_FAST_H

#include "internal.h"

/*
 * reservation_pop - hand out the first object of the reservation in *@res
 * (the fast one, cpu.bits, or held), which is not empty. Under cpu_lock().
 */
static inline void *reservation_pop(struct kmem_cache *s, struct kmem_cache_cpu *c,
				    unsigned long *res)
{
	unsigned long bits = *res;
	unsigned int b = lowest_bit(bits);

	*res = bits & (bits - 1);
	word_and(c->word, ~(1ul << b));
	return (void *)(c->addr + (unsigned long)bit_obj(s, b) * s->size);
}

/*
 * slab_alloc_ready - whether slab_alloc_fast() may allocate from @s now: its
 * reservation is not empty (and no failure is to be injected). When not,
 * the slow path refills it, first from the active pool's started words
 * without the shared lock (slab_refill()), else with it: another pool, a
 * new word, caches that allocate in the slow path alone, exhaustion.
 * Under cpu_lock(@cpu).
 */
static inline bool slab_alloc_ready(struct kmem_cache *s, unsigned int cpu)
{
	if (IS_ENABLED(CONFIG_MM_DEBUG) && unlikely(mm_fail_countdown))
		return false;
	return cache_cpu(s, cpu)->bits != 0;
}

/* slab_alloc_fast - an object of @s for @size bytes (only valgrind's block
 * needs the size), when slab_alloc_ready(). Under cpu_lock(@cpu). */
static inline void *slab_alloc_fast(struct kmem_cache *s, unsigned int cpu, size_t size)
{
	struct kmem_cache_cpu *c = cache_cpu(s, cpu);
	void *obj = reservation_pop(s, c, &c->bits);

	vg_alloc(obj, size, false);
	return obj;
}

/*
 * virt_to_slab_fast - the pool header of @p when @p lies in a pool of the
 * first region, else &mm_no_slab (on which every free misses the fast path:
 * NULL and ZERO_SIZE_PTR too). Takes no lock and needs none: the caller
 * holds cpu_lock() for what it does with the answer.
 */
static inline struct slab *virt_to_slab_fast(const void *p)
{
	const struct mm_region *r = &mm_regions[0];
	uintptr_t a = (uintptr_t)p - r->base;

	if (unlikely(a >= r->span))
		return &mm_no_slab;
	return r->slabs[a >> PAGE_SHIFT];
}

/*
 * slab_free_fast - give @obj back to pool @slab of cache @s, or return false
 * for the slow path to check and report (nothing changed: a double free's
 * bit was set already). A pool that empties, or was full, changes list out
 * of line (slab_freed()). The pool may be another CPU's active one: its bit
 * changes atomically, then its count, so the count is never below what is
 * handed out. Called under cpu_lock(@cpu).
 */
static inline bool slab_free_fast(struct kmem_cache *s, struct slab *slab, const void *obj,
				  unsigned int cpu)
{
	uintptr_t i = obj_start_index(s, (uintptr_t)obj);

	if (unlikely(i >= READ_ONCE(slab->limit)))
		return false;
	if (unlikely(word_test_and_set(&slab->bitmap[i / BITS_PER_LONG],
				       obj_bit(s, (unsigned int)(i % BITS_PER_LONG)))))
		return false;
	vg_free(obj);
	counter_add(&cache_cpu(s, cpu)->nr_frees, 1);
	if (unlikely(!count_dec_inside(&slab->inuse, s->objects_less_2)))
		slab_freed(slab); /* it empties, or it was full */
	return true;
}

#endif /* MM_SLAB_FAST_H */
