/* SPDX-License-Identifier: MIT */
/*
 * mm/internal.h - structures and accessors shared inside mm/ and by white-box
 * tests. Not part of the public API: firmware includes <mm/...> headers only.
 * The hot inlines of the allocation and free fast paths are in mm/slab_fast.h.
 *
 * What lies under the pools differs with CONFIG_MM_PAGE_ALLOC: page
 * descriptors and the buddy allocator (mm/pages.h, page_alloc.c), or one-page
 * pools and runs cut straight from the region (mm/runs.h, runs.c). Both give
 * the slab layer the same things, declared below ("the memory under the
 * pools"): a pool header (struct slab) per pool, a pool pointer per page of a
 * region (region->slabs, for the fast free path), pools and large blocks to
 * take and give back, and a walk over them.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/config.h>
#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>
#include <mm/types.h>
#include "valgrind.h"

/* ---- checks ---------------------------------------------------------------- */

/* MM_BUG_ON - an internal invariant; never a caller's mistake. */
#define MM_BUG_ON(cond)                                  \
	do {                                             \
		if (__builtin_expect(!!(cond), 0))       \
			mm_port_bug(__FILE__, __LINE__); \
	} while (0)

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* ---- locking ----------------------------------------------------------------- */

/*
 * Two levels, with CONFIG_MM_NR_CPUS > 1:
 *
 *   cpu_lock()      this CPU's interrupts masked and its spinlock held: its
 *                   part of every cache (struct kmem_cache_cpu), the fast
 *                   paths. Another CPU takes it only to drain that part.
 *   shared_lock()   inside cpu_lock(): mm_port_lock(), for what the CPUs
 *                   share: the caches' lists, pools, regions.
 *   mm_lock()       the same lock, for calls that touch only what is shared.
 *
 * Lock order: cpu_lock() of CPU 0, 1, ... before mm_port_lock(). A pool's
 * free bits and count change with atomic operations, so a CPU frees into
 * another CPU's active pool with neither of its locks. With one CPU,
 * cpu_lock() is mm_port_lock() and shared_lock() does nothing: the build is
 * what it was before there were CPUs.
 *
 * "The shared lock" in the comments of mm/ is mm_port_lock(), however it was
 * taken: mm_lock(), shared_lock() inside cpu_lock(), or with one CPU
 * cpu_lock() itself.
 *
 * Names: a leading __ on a function means exactly one thing in mm/: its
 * caller holds the lock it works under (its comment says which: the shared
 * lock, cpu_lock() and the shared lock, or every lock), and it takes none. It
 * marks the lock-held half of a call that takes the lock itself and checks
 * its arguments: __get_free_pages() of get_free_pages(), __free_pages(),
 * __alloc_pages_exact(), __free_pages_exact(), __largest_free_order() of
 * mm_largest_free_order(), __kmem_cache_shrink(), __ksize(),
 * __get_cache_stats() of mm_get_cache_stats(). The other
 * internals that run under a lock (most of mm/) carry no __; their comments
 * say which lock their caller holds. __GFP_ZERO and __GFP_POOL are gfp bits,
 * spelt as Linux spells its gfp modifiers: no function.
 */
#define NR_CPUS CONFIG_MM_NR_CPUS
#define SMP (NR_CPUS > 1)
_Static_assert(NR_CPUS >= 1 && (NR_CPUS == 1 || CONFIG_MM_LOCKING),
	       "CONFIG_MM_NR_CPUS > 1 needs CONFIG_MM_LOCKING");

static inline void mm_lock(void)
{
	if (IS_ENABLED(CONFIG_MM_LOCKING))
		mm_port_lock();
}

static inline void mm_unlock(void)
{
	if (IS_ENABLED(CONFIG_MM_LOCKING))
		mm_port_unlock();
}

static inline void spin_lock(unsigned int *l)
{
	while (__atomic_exchange_n(l, 1u, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(unsigned int *l)
{
	__atomic_store_n(l, 0u, __ATOMIC_RELEASE);
}

/* With several CPUs, what each CPU writes on its fast path starts a cache line of its own. */
#define SMP_ALIGNED __attribute__((aligned(SMP ? CONFIG_MM_CACHE_LINE : 1)))

/* A CPU's lock, and the interrupt state its holder saved. */
struct mm_cpu {
	unsigned int lock;
	unsigned long irq;
} SMP_ALIGNED;
extern struct mm_cpu mm_cpus[NR_CPUS];

/* Enter this CPU's part of the allocator; return the CPU. */
static inline unsigned int cpu_lock(void)
{
	unsigned long irq;
	unsigned int cpu;

	if (!SMP) {
		mm_lock();
		return 0;
	}
	irq = mm_port_irq_save();
	cpu = mm_port_cpu_id();
	MM_BUG_ON(cpu >= NR_CPUS);
	spin_lock(&mm_cpus[cpu].lock);
	mm_cpus[cpu].irq = irq;
	return cpu;
}

/* Leave CPU @cpu's part: also for cpu_lock_of(). */
static inline void cpu_unlock(unsigned int cpu)
{
	unsigned long irq;

	if (!SMP) {
		mm_unlock();
		return;
	}
	irq = mm_cpus[cpu].irq;
	spin_unlock(&mm_cpus[cpu].lock);
	mm_port_irq_restore(irq);
}

/* Enter CPU @cpu's part from any CPU (to drain it, or to see everything). */
static inline void cpu_lock_of(unsigned int cpu)
{
	unsigned long irq;

	if (!SMP) {
		mm_lock();
		return;
	}
	irq = mm_port_irq_save();
	spin_lock(&mm_cpus[cpu].lock);
	mm_cpus[cpu].irq = irq;
}

static inline void shared_lock(void)
{
	if (SMP)
		mm_port_lock();
}

static inline void shared_unlock(void)
{
	if (SMP)
		mm_port_unlock();
}

#define for_each_cpu(cpu) for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)

/* Every CPU's part and the shared lock: nothing in the allocator moves (the
 * calls that read or change it all: statistics, validation, debug set-up). */
static inline void mm_lock_all(void)
{
	unsigned int cpu;

	for_each_cpu(cpu) cpu_lock_of(cpu);
	shared_lock();
}

static inline void mm_unlock_all(void)
{
	unsigned int cpu;

	shared_unlock();
	for (cpu = NR_CPUS; cpu-- > 0;)
		cpu_unlock(cpu);
}

/* ---- what several CPUs change at once: atomic with CONFIG_MM_NR_CPUS > 1 ------- */

/*
 * READ_ONCE/WRITE_ONCE - a field one CPU writes under a lock while another
 * reads it without that lock (a pool's bound and count, a CPU's counters):
 * one whole access, in no particular order with others. Plain with one CPU.
 */
#define READ_ONCE(x) (SMP ? __atomic_load_n(&(x), __ATOMIC_RELAXED) : (x))
#define WRITE_ONCE(x, v)                                               \
	do {                                                           \
		if (SMP)                                               \
			__atomic_store_n(&(x), (v), __ATOMIC_RELAXED); \
		else                                                   \
			(x) = (v);                                     \
	} while (0)

/* A counter only its own CPU changes (under its lock), which others read. */
static inline void counter_add(unsigned long *n, unsigned long d)
{
	WRITE_ONCE(*n, READ_ONCE(*n) + d);
}

/* *@peak = max(*@peak, @v): a high-water mark any CPU may raise. */
static inline void peak_raise(unsigned long *peak, unsigned long v)
{
	unsigned long old = READ_ONCE(*peak);

	while (v > old) {
		if (!SMP) {
			*peak = v;
			return;
		}
		if (__atomic_compare_exchange_n(peak, &old, v, true, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return;
	}
}

/* Set bit @b of *@w, as a release (the freed object's bytes before its bit);
 * return whether it was set already (and then nothing changed). */
static inline bool word_test_and_set(unsigned long *w, unsigned int b)
{
	unsigned long old;

	if (SMP)
		return (__atomic_fetch_or(w, 1ul << b, __ATOMIC_RELEASE) >> b) & 1;
	old = *w;
	if ((old >> b) & 1)
		return true;
	*w = old | (1ul << b);
	return false;
}

/* *@w &= @m. */
static inline void word_and(unsigned long *w, unsigned long m)
{
	if (SMP)
		__atomic_fetch_and(w, m, __ATOMIC_RELAXED);
	else
		*w &= m;
}

/* *@w, as an acquire (the bytes of the objects its bits free). */
static inline unsigned long word_load(const unsigned long *w)
{
	return SMP ? __atomic_load_n(w, __ATOMIC_ACQUIRE) : *w;
}

/*
 * count_dec_inside - lower a pool's count *@n by one unless it is at an
 * edge, 1 or the pool's objects (@objects_less_2 is that less 2), where the
 * pool changes list: return false then, with nothing changed, for the
 * caller to lower it under the shared lock. So a pool empties, or stops
 * being full, only under that lock, and lives until it has. A release: what
 * this CPU did with the pool comes before whatever empties it.
 */
static inline bool count_dec_inside(unsigned int *n, unsigned int objects_less_2)
{
	unsigned int old = READ_ONCE(*n);

	do {
		if (unlikely(old - 2u >= objects_less_2))
			return false;
	} while (SMP && !__atomic_compare_exchange_n(n, &old, old - 1, true, __ATOMIC_RELEASE,
						     __ATOMIC_RELAXED));
	if (!SMP)
		*n = old - 1;
	return true;
}

/* *@n += @d (a pool's count); the old value. An acquire of what the CPUs
 * that lowered it before did with the pool (count_dec_inside() releases):
 * whoever empties a pool under the shared lock sees every earlier free done. */
static inline unsigned int count_add(unsigned int *n, unsigned int d)
{
	unsigned int old;

	if (SMP)
		return __atomic_fetch_add(n, d, __ATOMIC_ACQ_REL);
	old = *n;
	*n = old + d;
	return old;
}

/* ---- bit maps ------------------------------------------------------------------ */

#define BITS_PER_LONG (sizeof(unsigned long) * 8)

/* The index of the highest set bit of @x, which is not 0: log2 of @x, rounded down. */
static inline unsigned int highest_bit(unsigned long x)
{
	return (unsigned int)(BITS_PER_LONG - 1) - (unsigned int)__builtin_clzl(x);
}

/* How many bits of @x are set (no libgcc call: a few shifts and a multiply). */
static inline unsigned int count_bits(unsigned long x)
{
	const unsigned long m1 = ~0ul / 3, m2 = ~0ul / 5, m4 = ~0ul / 17, h01 = ~0ul / 255;

	x -= (x >> 1) & m1;
	x = (x & m2) + ((x >> 2) & m2);
	x = (x + (x >> 4)) & m4;
	return (unsigned int)((x * h01) >> (BITS_PER_LONG - 8));
}

/*
 * The index of the lowest set bit of @x, which is not 0. With
 * CONFIG_MM_CTZ_BY_TABLE (a target without a count-trailing-zeros
 * instruction, where gcc would call libgcc's __ctzdi2 loop on every
 * allocation), by a multiply and a table look-up: a de Bruijn sequence, the
 * top bits of x & -x times it are distinct for every bit.
 */
#if __SIZEOF_LONG__ == 8
#define MM_DE_BRUIJN 0x03f79d71b4cb0a89ul
#else
#define MM_DE_BRUIJN 0x077cb531ul
#endif
extern const uint8_t mm_ctz_table[64]; /* the first BITS_PER_LONG entries serve */

static inline unsigned int lowest_bit_by_table(unsigned long x)
{
	return mm_ctz_table[((x & -x) * MM_DE_BRUIJN) >>
			    (BITS_PER_LONG - 6 + (BITS_PER_LONG == 32))];
}

static inline unsigned int lowest_bit(unsigned long x)
{
	if (CONFIG_MM_CTZ_BY_TABLE)
		return lowest_bit_by_table(x);
	return (unsigned int)__builtin_ctzl(x);
}

/* ---- doubly linked lists ------------------------------------------------------ */

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_DEFINE(name) struct list_head name = { &(name), &(name) }

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_add(n, h->prev);
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

/* ---- pools --------------------------------------------------------------------- */

/* Where a pool is, for its cache (slab_state()). */
enum slab_state {
	SLAB_ACTIVE, /* the cache allocates from it: s->cpu.slab */
	SLAB_PARTIAL, /* on s->partial: some objects free, some handed out */
	SLAB_FULL, /* on no list: every object handed out */
	SLAB_EMPTY, /* on s->empty: nothing handed out, kept for reuse */
	SLAB_QUARANTINED, /* on no list: its bits were found corrupt; nothing is handed
			   * out of it again, and it goes back when its count falls to 0 (an
			   * object whose bit was forged free stays counted: its free looks
			   * like a double free and is refused, so its pool stays for good) */
};

struct kmem_cache;

/* ---- regions (the memory under the pools is drawn in mm/pages.h or mm/runs.h) ---- */

/*
 * struct mm_region - one range given to mm_add_region(). The fields before
 * the mode's own are the same in both: the fast free path reads base, span
 * and slabs, whatever lies under the pools.
 */
struct mm_region {
	uintptr_t base; /* address of page 0: after the metadata (page allocator), or
			 * the page boundary at or below heap_start (runs) */
	uintptr_t span; /* bytes from base to the end of the pages: a is in them when
			 * a - base < span */
	struct slab **slabs; /* per page: the header of its pool, or &mm_no_slab */
	uintptr_t start, size; /* as given to mm_add_region() */
	size_t nr_pages; /* pages from base on (runs: the last one maybe in part) */
#if CONFIG_MM_PAGE_ALLOC
	struct page *pages; /* descriptors, one per page */
	unsigned long *bits; /* free bits, PAGE_BITS_LONGS per page */
	uintptr_t end; /* base + span */
	size_t nr_free; /* free pages in this region */
	struct list_head free_area[MAX_ORDER + 1]; /* PG_free heads per order */
	struct list_head pool_area[CONFIG_MM_ARENA_ORDER]; /* the same, inside arenas
							    * claimed for pools */
	size_t nr_free_blocks[MAX_ORDER + 1]; /* both lists of each order */
	size_t nr_arenas; /* arenas claimed for pools now */
#else
	uintptr_t heap_start, heap_end; /* the runs: heap_start is the first one's header */
	uintptr_t secret; /* of the check words */
	struct run **heads; /* nr_fl rows of RUN_SL_COUNT free lists */
	uint8_t *sl_map; /* per row: which of its lists are not empty */
	unsigned long fl_map; /* which rows are not empty */
	unsigned int nr_fl; /* rows */
	size_t free_bytes; /* in free runs, headers included */
	size_t nr_free; /* free runs */
	size_t nr_runs; /* runs, free or not */
#endif
};

/* The regions added so far, in the order they were added (lookup.c). */
extern struct mm_region mm_regions[CONFIG_MM_MAX_REGIONS];
extern unsigned int mm_nr_regions;

#define for_each_region(r) for ((r) = mm_regions; (r) < mm_regions + mm_nr_regions; (r)++)

/* Whether @a lies in the pages of @r. */
static inline bool region_has(const struct mm_region *r, uintptr_t a)
{
	return a - r->base < r->span;
}

/* The region holding address @a, or NULL. */
static inline struct mm_region *addr_to_region(uintptr_t a)
{
	struct mm_region *r;

	for_each_region(r)
		if (region_has(r, a))
			return r;
	return NULL;
}

/* The header of every page without a pool (slab.c): no pointer passes the
 * fast free path's checks in it. Read-only (in flash on a board), as
 * nothing ever writes it. */
extern const struct slab mm_no_slab_header;
#define mm_no_slab (*(struct slab *)&mm_no_slab_header)

/* The header of the pool @p lies in, or NULL. */
static inline struct slab *virt_to_slab(const void *p)
{
	struct mm_region *r = addr_to_region((uintptr_t)p);
	struct slab *slab;

	if (!r)
		return NULL;
	slab = r->slabs[((uintptr_t)p - r->base) >> PAGE_SHIFT];
	return slab == &mm_no_slab ? NULL : slab;
}

/* The first checks of every mm_add_region(@start, @size) (lookup.c), and
 * where it may lay out its metadata: @start rounded up to a pointer, past
 * struct mm_state when no region was added yet; 0 when @start is NULL, or the
 * range or that start wraps around the address space. Takes no lock. */
uintptr_t region_meta_start(const void *start, size_t size);

/* The slot of a new region [@s, @s + @size), zeroed but for start and size,
 * and counted; the first region's start gets mm_state. -MM_EINVAL when the
 * range overlaps a region added before, -MM_ENOSPC when
 * CONFIG_MM_MAX_REGIONS are. Caller holds the shared lock. */
int region_add(uintptr_t s, size_t size, struct mm_region **rp);

#if CONFIG_MM_PAGE_ALLOC
#include "pages.h"
#else
#include "runs.h"
#endif

/* Whether @slab's bits were found corrupt: nothing is handed out of it again. */
static inline bool slab_is_quarantined(const struct slab *slab)
{
	return slab_state(slab) == SLAB_QUARANTINED;
}

/* ---- caches (slab.c) -------------------------------------------------------- */

/* kmem_cache flags that are not public: a kmalloc size class, and the
 * allocator's own cache of cache descriptors (kfree refuses its objects). */
#define SLAB_KMALLOC 0x80000000u
#define SLAB_INTERNAL 0x40000000u

/*
 * struct kmem_cache_cpu - what the cache allocates from: the free objects of
 * one bitmap word of its active pool, taken at once (a "reservation"). Their
 * bits stay set in the pool's bitmap until each is handed out, so a free of
 * any of them is still seen as a double free.
 */
struct kmem_cache_cpu {
	unsigned long bits; /* reserved free objects: bits of *word, see obj_bit() */
	uintptr_t addr; /* address of the word's object 0 */
	unsigned long *word; /* the bitmap word they came from */
	unsigned long nr_taken; /* objects reserved since creation, less those given
				 * back: allocations, and what bits and held hold */
	unsigned long nr_frees; /* frees since creation */
	struct slab *slab; /* the active pool, or NULL */
	uintptr_t base; /* its first byte */
	unsigned long held; /* caches that allocate through the slow path only (debug
			     * layer, constructor): their reservation, bits stays 0 */
} SMP_ALIGNED;

/*
 * struct kmem_cache - a cache of equal objects. The first fields are the
 * ones the fast paths read; the rest only the slow paths.
 */
struct kmem_cache {
	struct kmem_cache_cpu cpu[NR_CPUS];
	uintptr_t pool_mask; /* a pool's bytes - 1: pools are aligned to their size */
	uintptr_t inverse; /* inverse of the stride's odd part mod 2^bits: obj_start_index() */
	unsigned int size; /* stride between objects: object_size rounded up */
	unsigned int stride_shift; /* trailing zero bits of the stride */
	unsigned int objects; /* objects per pool */
	unsigned int objects_less_2; /* objects - 2: the free path's test for a change of list */
	unsigned int xor ; /* CONFIG_MM_RANDOM: the cache's bit order, see obj_bit() */

	unsigned int offset; /* debug layer: where its record starts, from the object */
	unsigned int pool_shift; /* log2 of a pool's bytes: PAGE_SHIFT + order */
	unsigned int red_left; /* debug: left red zone bytes before each object */
	unsigned int words; /* bitmap words per pool */
	unsigned long last_word_mask; /* bits of the last word that stand for objects */

	unsigned long peak_active; /* most objects handed out at once, as seen when a pool
				    * filled or changed list, since creation or mm_reset_peak() */
	unsigned long nr_failures; /* allocations that returned NULL */
	unsigned long nr_lost; /* objects of quarantined pools, given up until they go back */

	struct list_head partial; /* pools with used and free objects, oldest first */
	struct list_head empty; /* empty pools kept for reuse, at most CONFIG_MM_EMPTY_POOLS_KEPT */
	unsigned int nr_empty;
	unsigned int nr_pools; /* pools held, active and quarantined included */
	unsigned int nr_quarantined; /* of which quarantined */
	unsigned int order; /* pages per pool: 2^order */
	unsigned int object_size; /* as asked for in kmem_cache_create() */
	unsigned int align;
	slab_flags_t flags;
	unsigned int magic; /* CACHE_MAGIC while the cache exists */
	void (*ctor)(void *);
	const char *name;
	struct list_head list; /* on slab_caches */
};

#define CACHE_MAGIC 0x5ca1ab1eu

/* Every cache, kmalloc ones included, in creation order (once slab is up). */
extern struct list_head slab_caches;

#define for_each_cache(s)                                                   \
	for ((s) = container_of(slab_caches.next, struct kmem_cache, list); \
	     &(s)->list != &slab_caches;                                    \
	     (s) = container_of((s)->list.next, struct kmem_cache, list))

/* The part of @s that CPU @cpu allocates from (with one CPU, the only one). */
static inline struct kmem_cache_cpu *cache_cpu(struct kmem_cache *s, unsigned int cpu)
{
	return &s->cpu[SMP ? cpu : 0];
}

/* Objects handed out or held by the CPUs now: taken less freed, on every CPU. */
static inline unsigned long cache_nr_taken(const struct kmem_cache *s)
{
	unsigned long n = 0;
	unsigned int cpu;

	for_each_cpu(cpu) n += READ_ONCE(s->cpu[cpu].nr_taken) - READ_ONCE(s->cpu[cpu].nr_frees);
	return n;
}

/* Objects the CPUs hold for handing out in their reservations. */
static inline unsigned long cache_nr_held(const struct kmem_cache *s)
{
	unsigned long n = 0;
	unsigned int cpu;

	for_each_cpu(cpu) n += count_bits(s->cpu[cpu].bits | s->cpu[cpu].held);
	return n;
}

/* Objects handed out now. With every CPU's lock (mm_lock_all()), or the
 * calling CPU's when the others cannot hold any of @s. */
static inline unsigned long cache_nr_active(const struct kmem_cache *s)
{
	return cache_nr_taken(s) - cache_nr_held(s);
}

/* Whether @slab is a CPU's active pool (under the shared lock, which every
 * change of active pool takes). */
static inline bool slab_is_active(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int cpu;

	for_each_cpu(cpu) if (s->cpu[cpu].slab == slab) return true;
	return false;
}

/* Objects the CPUs hold for handing out from @slab (their reservations):
 * with every CPU's lock held (mm_lock_all()). */
static inline unsigned int slab_held(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int cpu, n = 0;

	for_each_cpu(cpu) if (s->cpu[cpu].slab == slab) n +=
		count_bits(s->cpu[cpu].bits | s->cpu[cpu].held);
	return n;
}

/* Bytes of left red zone before each object: 0 unless debugging. */
static inline unsigned int cache_red_left(const struct kmem_cache *s)
{
	return IS_ENABLED(CONFIG_MM_DEBUG) ? s->red_left : 0;
}

/* Whether @s allocates and frees through the slow path only. */
static inline bool cache_slow_only(const struct kmem_cache *s)
{
	return s->ctor || (s->flags & (SLAB_DEBUG_FLAGS | SLAB_INTERNAL));
}

/* First byte of the pool that holds @p (pools are aligned to their size). */
static inline uintptr_t pool_base(const struct kmem_cache *s, const void *p)
{
	return (uintptr_t)p & ~s->pool_mask;
}

static inline void *pool_object(const struct kmem_cache *s, uintptr_t base, unsigned int i)
{
	return (void *)(base + (uintptr_t)i * s->size + cache_red_left(s));
}

/*
 * The bit order of a pool's bitmap words. Object o of a word (o < BITS_PER_LONG)
 * is bit obj_bit(o) of that word. Without CONFIG_MM_RANDOM that is bit o; with
 * it, bit mm_bit_order[o ^ xor], xor drawn per cache and mm_bit_order the
 * reversal of the bit index: a reservation hands its objects out from the
 * lowest bit up, so objects come out of a new word as xor, xor ^ 32, xor ^ 16,
 * xor ^ 48, ...: no two neighbours one after the other, in an order that
 * differs per cache. The order is fixed, so it costs a table look-up per
 * allocation and free, nothing per refill.
 */
extern const uint8_t mm_bit_order[64]; /* the first BITS_PER_LONG entries serve */

static inline unsigned int obj_bit(const struct kmem_cache *s, unsigned int o)
{
	return IS_ENABLED(CONFIG_MM_RANDOM) ? mm_bit_order[o ^ s->xor ] : o;
}

/* The object of a word that bit @b stands for: the inverse of obj_bit(). */
static inline unsigned int bit_obj(const struct kmem_cache *s, unsigned int b)
{
	return IS_ENABLED(CONFIG_MM_RANDOM) ? mm_bit_order[b] ^ s->xor : b;
}

/* Whether object @i of pool @slab of @s is free. */
static inline bool slab_obj_free(const struct kmem_cache *s, const struct slab *slab,
				 unsigned int i)
{
	return (word_load(&slab->bitmap[i / BITS_PER_LONG]) >> obj_bit(s, i % BITS_PER_LONG)) & 1;
}

/* Objects of the started words of @slab: the ones ever handed out or held. */
static inline unsigned int slab_carved(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int n = slab->fresh * (unsigned int)BITS_PER_LONG;

	return n < s->objects ? n : s->objects;
}

/*
 * obj_start_index - the index of the object that starts at @obj (the slot
 * start, before any left red zone), or a number above any index when no
 * object starts there: one multiply, no division.
 *
 * With the stride d = d0 * 2^k (d0 odd) and inv = d0^-1 mod 2^bits, an offset
 * x is a multiple of d exactly when ror(x * inv, k) <= (2^bits - 1) / d, and
 * then that rotation is x / d. A pool holds fewer objects than that bound, so
 * "ror(x * inv, k) < objects" says both "an object's start" and "in range".
 */
static inline uintptr_t obj_start_index(const struct kmem_cache *s, uintptr_t slot)
{
	uintptr_t x = (slot & s->pool_mask) * s->inverse;
	unsigned int k = s->stride_shift;

	return k ? (x >> k) | (x << (sizeof(uintptr_t) * 8 - k)) : x;
}

/* The index of the slot @obj lies in, and whether @obj is that object's start.
 * For the slow paths: it divides (the fast paths use obj_start_index()). */
static inline unsigned int obj_index(const struct kmem_cache *s, const void *obj, bool *exact)
{
	uintptr_t offset = (((uintptr_t)obj - cache_red_left(s)) & s->pool_mask);
	unsigned int idx = (unsigned int)(offset / s->size);

	*exact = idx * (uintptr_t)s->size == offset;
	return idx;
}

/* Internals of slab.c; the caller holds the lock each one's comment names. */
extern bool slab_is_up;
void slab_up(void);
bool slab_restart(void);
void *slab_alloc_slow(struct kmem_cache *s, unsigned int cpu, gfp_t gfp, size_t size,
		      const void *caller);
void slab_free_slow(struct kmem_cache *s, struct slab *slab, void *obj, unsigned int cpu,
		    const void *caller);
void slab_freed(struct slab *slab);
bool slab_refill(struct kmem_cache *s, unsigned int cpu);
void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align,
		      slab_flags_t flags, void (*ctor)(void *));
int __kmem_cache_shrink(struct kmem_cache *s, unsigned int cpu);
bool slab_reclaim(unsigned int cpu);
unsigned int slab_free_count(const struct kmem_cache *s, const struct slab *slab);

/* ---- one lookup of a pointer, for every path that needs one (lookup.c) -------- */

/* What a pointer is to the allocator. */
enum mm_block_kind {
	BLOCK_NONE, /* no region holds it, or free memory, or metadata */
	BLOCK_OBJECT, /* in a pool */
	BLOCK_PAGES, /* in a block of pages or a run: kmalloc() above the classes,
		      * get_free_pages(), alloc_pages_exact() */
};

/*
 * struct mm_block - the answer of mm_lookup(). For BLOCK_OBJECT: slab, cache,
 * index and start of the object @p falls in; for BLOCK_PAGES: its start,
 * usable size, whether kmalloc() handed it out, its order for
 * get_free_pages() blocks, and head (its first struct page, or its struct
 * run). live: @p is the start of a block handed out now. why: the report a
 * free of @p deserves when it is not.
 */
struct mm_block {
	enum mm_block_kind kind;
	bool live;
	bool kmalloc;
	enum mm_report_kind why;
	struct mm_region *region;
	struct slab *slab;
	struct kmem_cache *cache;
	unsigned int index;
	unsigned int order; /* BLOCK_PAGES: get_free_pages() order, or BLOCK_EXACT */
	void *start;
	size_t size;
	void *head;
};

#define BLOCK_EXACT 0xffu /* mm_block.order of a block not from get_free_pages() */

void mm_lookup(const void *p, struct mm_block *b);

/* Usable bytes of the live block @b (its object size, or its pages). */
size_t block_size(const struct mm_block *b);

/* ---- size classes (kmalloc.c) ---------------------------------------------------- */

/*
 * The kmalloc size classes. kmalloc_class_size() in kmalloc.c is the one rule
 * that spells them out; the counts here follow from it:
 * - page allocator: steps of MM_MIN_ALIGN up to 128, four per doubling up to
 *   PAGE_SIZE, then whole pages up to KMALLOC_MAX_CACHE_SIZE;
 * - runs: steps of MM_MIN_ALIGN up to 64, then the largest multiple of
 *   MM_MIN_ALIGN of which a pool holds 12, 10, 8, 7, 6, 5, 4 and 3 objects
 *   (pool_class()): no pool loses more than MM_MIN_ALIGN to its tail.
 */
#if CONFIG_MM_PAGE_ALLOC
#define KMALLOC_LINEAR_MAX 128
#define NR_KMALLOC_CLASSES                                          \
	(KMALLOC_LINEAR_MAX / MM_MIN_ALIGN + 4 * (PAGE_SHIFT - 7) + \
	 CONFIG_MM_KMALLOC_MAX / PAGE_SIZE - 1)
#else
#define KMALLOC_LINEAR_MAX 64
#define NR_KMALLOC_CLASSES                                                                       \
	(KMALLOC_LINEAR_MAX / MM_MIN_ALIGN + MM_POOL_CLASS_IN(12) + MM_POOL_CLASS_IN(10) +       \
	 MM_POOL_CLASS_IN(8) + MM_POOL_CLASS_IN(7) + MM_POOL_CLASS_IN(6) + MM_POOL_CLASS_IN(5) + \
	 MM_POOL_CLASS_IN(4) + MM_POOL_CLASS_IN(3))
_Static_assert(CONFIG_MM_KMALLOC_MAX >= KMALLOC_LINEAR_MAX,
	       "without the page allocator CONFIG_MM_KMALLOC_MAX is 64 or more");
_Static_assert(pool_class(12) > KMALLOC_LINEAR_MAX && pool_class(3) == MM_POOL_CLASS(3),
	       "the classes that pools of 12 down to 3 objects make come after the steps");
#endif
#define NR_LINEAR (KMALLOC_LINEAR_MAX / MM_MIN_ALIGN)

/* kmalloc's table covers sizes up to KMALLOC_TABLE_MAX in steps of 8. */
#define KMALLOC_TABLE_MAX (KMALLOC_MAX_CACHE_SIZE < 1024 ? KMALLOC_MAX_CACHE_SIZE : 1024)
#define KMALLOC_TABLE_ENTRIES (KMALLOC_TABLE_MAX / 8)
#define KMALLOC_NAME_LEN 16

/* ---- the memory under the pools (page_alloc.c or runs.c) ---------------------- */

/*
 * struct mm_state - what the first mm_add_region() keeps at the start of its
 * region: the allocator's own caches, so that no class descriptor sits in
 * static RAM.
 */
struct mm_state {
	struct kmem_cache boot; /* the cache of kmem_cache descriptors */
	struct kmem_cache kmalloc[NR_KMALLOC_CLASSES]; /* the size classes */
	char names[NR_KMALLOC_CLASSES][KMALLOC_NAME_LEN]; /* "kmalloc-<size>" */
	struct kmem_cache *size_cache[KMALLOC_TABLE_ENTRIES]; /* by (size - 1) / 8 */
};
extern struct mm_state *mm_state; /* NULL until the first region */

/* Bytes the first region gives to struct mm_state, alignment included. */
static inline size_t mm_state_bytes(void)
{
	return (sizeof(struct mm_state) + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

/* @a rounded up for struct mm_state (a pointer; a cache line with several CPUs). */
static inline uintptr_t align_state(uintptr_t a)
{
	return (a + _Alignof(struct mm_state) - 1) & ~(uintptr_t)(_Alignof(struct mm_state) - 1);
}

/* A new pool for @s: its header zeroed but for its cache and bitmap, every
 * page of it pointing to the header. NULL when out of memory.
 * Caller holds the shared lock. */
struct slab *pool_alloc(struct kmem_cache *s);
/* Give the memory of @slab, an empty pool of @s, back. Caller holds the shared lock. */
void pool_free(struct kmem_cache *s, struct slab *slab);
/* A block of @size bytes for kmalloc() above the classes, or NULL. Caller holds
 * the shared lock. */
void *large_alloc(size_t size, gfp_t gfp);
/* Give back @b, a live BLOCK_PAGES block that kmalloc() handed out. Caller holds
 * the shared lock. */
void large_free(const struct mm_block *b);
/* mm_lookup() for a pointer in @r that is in no pool: fills @b. Caller holds
 * the shared lock. */
void lookup_block(struct mm_region *r, const void *p, struct mm_block *b);
/* Call @fn on every pool of every region. Caller holds the shared lock. */
void for_each_pool(void (*fn)(struct slab *slab, void *ctx), void *ctx);
/* Call @fn on every live block kmalloc() handed out above the classes. Caller holds
 * the shared lock. */
void for_each_large(void (*fn)(const struct mm_block *b, void *ctx), void *ctx);

/* ---- the debug layer (debug.c; empty stubs without CONFIG_MM_DEBUG) ------------ */

/* Per-object debug record, after the right red zone of a debug cache's object. */
struct mm_track {
	const void *alloc_caller;
	unsigned long alloc_serial;
	const void *free_caller;
	unsigned long free_serial;
	size_t requested; /* bytes the caller asked for; the right red zone starts here */
};

#if CONFIG_MM_DEBUG
extern unsigned long mm_fail_countdown; /* mm_fail_nth(): allocations left before one fails */
extern slab_flags_t mm_debug_flags; /* mm_debug_enable(): flags every cache gets */

bool mm_should_fail(void);
void debug_alloc(struct kmem_cache *s, void *obj, size_t size, gfp_t gfp, const void *caller);
bool debug_free(struct kmem_cache *s, void *obj, const void *caller);
void debug_init_object(struct kmem_cache *s, void *obj);
unsigned int debug_check_object(struct kmem_cache *s, void *obj, bool free);
size_t debug_object_size(const struct kmem_cache *s, const void *obj);
void debug_report(enum mm_report_kind kind, struct kmem_cache *s, void *obj, const void *bad,
		  const char *detail, const void *caller);

static inline bool cache_debug(const struct kmem_cache *s)
{
	return (s->flags & SLAB_DEBUG_FLAGS) != 0;
}
#else
#define mm_fail_countdown 0ul
#define mm_debug_flags 0u

static inline bool mm_should_fail(void)
{
	return false;
}

static inline void debug_alloc(struct kmem_cache *s, void *obj, size_t size, gfp_t gfp,
			       const void *caller)
{
	(void)s, (void)obj, (void)size, (void)gfp, (void)caller;
}

static inline bool debug_free(struct kmem_cache *s, void *obj, const void *caller)
{
	(void)s, (void)obj, (void)caller;
	return true;
}

static inline void debug_init_object(struct kmem_cache *s, void *obj)
{
	(void)s, (void)obj;
}

static inline unsigned int debug_check_object(struct kmem_cache *s, void *obj, bool free)
{
	(void)s, (void)obj, (void)free;
	return 0;
}

static inline size_t debug_object_size(const struct kmem_cache *s, const void *obj)
{
	(void)obj;
	return s->size;
}

static inline void debug_report(enum mm_report_kind kind, struct kmem_cache *s, void *obj,
				const void *bad, const char *detail, const void *caller)
{
	(void)kind, (void)s, (void)obj, (void)bad, (void)detail, (void)caller;
}

static inline bool cache_debug(const struct kmem_cache *s)
{
	(void)s;
	return false;
}
#endif

/* kmalloc.c: the size-class caches, set up by slab_up(). */
void kmalloc_up(void);

/* What is in use under the pools, all regions (lookup.c): pages of allocated
 * blocks (page allocator), or bytes of allocated runs, headers included. */
struct mm_page_counters {
	size_t used; /* in use now */
	size_t peak_used; /* most in use at once, since boot or mm_reset_peak() */
};
extern struct mm_page_counters mm_page_counters;

/* @n more pages (runs: bytes) in use; the peak follows. Caller holds the
 * shared lock. */
static inline void page_counters_add(size_t n)
{
	mm_page_counters.used += n;
	if (mm_page_counters.used > mm_page_counters.peak_used)
		mm_page_counters.peak_used = mm_page_counters.used;
}

/* Large kmalloc blocks and misuse counters (kmalloc.c, page_alloc.c or runs.c). */
struct mm_counters {
	unsigned long large_allocs; /* kmalloc blocks above the classes handed out */
	unsigned long large_frees;
	size_t large_bytes; /* bytes of the live ones (whole pages, or runs) */
	unsigned long failures; /* kmalloc calls that failed outside any cache: too large,
				 * kcalloc overflow, no pages (caches count their own) */
};
extern struct mm_counters mm_counters;

#define _RET_IP_ ((const void *)__builtin_return_address(0))

/* ---- small helpers ------------------------------------------------------------ */

/* Freestanding memset/memcpy: mm/ links no libc, and builds with -fno-builtin. */
void mm_memset(void *dst, int c, size_t n);
void mm_memcpy(void *dst, const void *src, size_t n);

/* Digits of the largest unsigned long, in decimal (more than in hex). */
#define MM_NUM_DIGITS 20
_Static_assert(sizeof(unsigned long) <= 8, "an unsigned long has at most 20 decimal digits");

/* Write @v in @base (10 or 16, lower-case) to @buf, most significant digit
 * first, no NUL; return how many digits (at most MM_NUM_DIGITS). The one
 * number formatter of mm/: mm_print_num() and the kmalloc names use it. */
unsigned int mm_format_num(char *buf, unsigned long v, unsigned int base);

/* Print the string @s through @p (mm/stats.c, beside mm_print_num()). */
struct mm_printer;
void mm_print_str(const struct mm_printer *p, const char *s);

/* Misuse reports since boot, by kind. */
extern unsigned long mm_nr_reports[NR_MM_REPORTS];

/* Fill @r: the fields of mm_report() below, the rest zero. */
void mm_report_init(struct mm_report *r, enum mm_report_kind kind, const void *addr,
		    const void *object, const struct kmem_cache *s, const void *caller);
/* Count @r and pass it to mm_port_report(). */
void mm_report_send(const struct mm_report *r);

/* Report a misuse through mm_port_report(), counting it. */
void mm_report(enum mm_report_kind kind, const void *addr, const void *object,
	       const struct kmem_cache *s, const void *caller);

#endif /* MM_INTERNAL_H */
