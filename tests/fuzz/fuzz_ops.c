// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_ops.c - libFuzzer target: each input is a sequence of
 * allocator calls, misuse included, replayed against a model of the heap
 * that checks every result, every report and the heap itself.
 *
 * One heap serves the whole process (the allocator's state is global), made
 * of two regions added once, at start-up:
 *
 *   heap_small  512 KiB, start not page-aligned   added first: blocks land
 *   heap_main   8 MiB, 4 MiB-aligned              here until it runs dry
 *
 * and the debug flags are chosen once, before the first allocation, from
 * BARESLAB_FUZZ_DEBUG (letters r, p, u for SLAB_RED_ZONE, SLAB_POISON,
 * SLAB_STORE_USER; "none" for none; default "rpu").
 *
 * The fuzzer builds in both modes of <mm/config.h>. Without the page
 * allocator (-DCONFIG_MM_PAGE_ALLOC=0) the build takes one region unless
 * CONFIG_MM_MAX_REGIONS says more: heap_small alone, a small board's heap,
 * which runs dry often. What differs between the modes (where freed memory
 * is, what a free of it reports, what is impossible, the alignment of large
 * blocks) is in the helpers of "the two modes" below.
 *
 * An input, byte by byte (bytes past its end read as 0):
 *
 *   +---------+----+-----------+----+-----------+-----
 *   | seed    | op | args      | op | args      | ...
 *   | 4 bytes | 1  | OP_ARGS   | 1  | OP_ARGS   |
 *   +---------+----+-----------+----+-----------+-----
 *
 * The seed drives mm_port_random() (each cache's bit order), so that an
 * input makes the same choices when replayed alone. The op byte picks an operation through
 * op_table[] (weights), its OP_ARGS bytes its sizes and targets: a fixed
 * number whatever the operation uses, so that operations stay in step when
 * the fuzzer changes one (tests/fuzz/seeds.sh writes inputs this way).
 *
 * The model knows every live block (address, size, a content pattern, which
 * cache and API it came from), the last freed blocks, the corruptions it
 * planted and not yet seen reported, and mm_fail_nth()'s countdown. After each
 * operation:
 * - the reports it caused are exactly those expected: each expected one seen
 *   (its kind, and its address when the model knows it), nothing else;
 * - an allocation failed only when injected, impossible or plausible (the
 *   page allocator had no block big enough before the call), and failed
 *   whenever injected or impossible;
 * - a new block is aligned as promised, owned, no smaller than asked for, on
 *   no other live block, and holds zeros, POISON_INUSE or the constructor's
 *   bytes as its API promises;
 * - a few live blocks in turn still hold their pattern (each block is also
 *   checked in full before it is freed or resized);
 * - every BARESLAB_FUZZ_VALIDATE_EVERY operations (default 4) and at the end
 *   of the input: mm_validate() reports exactly the planted corruptions,
 *   every live block holds its pattern, no two overlap, cache counts agree.
 * At the end of an input everything is freed, the caches destroyed and
 * mm_shrink() run: the heap must hold as many free bytes as after set-up, in
 * as many free runs (static mode) and with as large a free block, the
 * statistics no live byte, and mm_validate() find nothing. So a leak is
 * charged to the input that made it. Any mismatch prints the last
 * operations and abort()s, and libFuzzer saves the input.
 *
 * Misuse stays inside what the allocator promises to survive: writes past an
 * object stay in its red zone, or, in a cache without red zones, go one byte
 * into the next object of its pool while that one is free (nothing of the
 * allocator's is there: no report); writes to a freed object (bytes, bit
 * flips) go to caches without a constructor while its pool still holds it
 * free (a POISON report with SLAB_POISON, none without); a freed pointer is
 * freed again only while its memory has not gone to another block (that
 * would free someone else's block: undefined, not misuse the allocator can
 * see); cache handles are kfree()d (WRONG_CACHE), and destroyed again after
 * their destruction, as are a kmalloc block and static data (DOUBLE_FREE:
 * no such cache).
 *
 * BARESLAB_FUZZ_TRACE=1 prints every operation as it runs.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/debug.h>
#include <mm/page_alloc.h>
#include <mm/poison.h>
#include <mm/port.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIND(k) (1u << (k))

/* ---- the heap ------------------------------------------------------------------ */

#define MAIN_HEAP_SIZE (8u << 20)
#define SMALL_HEAP_SIZE (512u << 10)
#define SMALL_HEAP_SKEW 1234 /* the small region starts off a page boundary */

static unsigned char heap_main[MAIN_HEAP_SIZE] __attribute__((aligned(4 << 20)));
static unsigned char heap_small[SMALL_HEAP_SIZE + SMALL_HEAP_SKEW]
	__attribute__((aligned(1 << 12)));

/* Not the allocator's: freeing it is a foreign free. */
static unsigned char foreign_static[64];

/* Largest pool order of a kmalloc class or of kmem_cache's own descriptors:
 * small_pool_order_init() below. */
static unsigned int small_pool_order;

/* ---- the model ------------------------------------------------------------------ */

enum block_kind {
	BK_KMALLOC, /* kmalloc/kzalloc/kcalloc/krealloc; cache NULL when page-backed */
	BK_CACHE, /* kmem_cache_alloc from ucaches[slot] */
	BK_PAGES, /* get_free_pages(order) */
	BK_EXACT, /* alloc_pages_exact(size) */
};

struct block {
	unsigned char *addr;
	size_t size; /* bytes the model owns and fills with its pattern */
	struct kmem_cache *cache; /* the cache whose pool holds it, or NULL */
	enum block_kind kind;
	int slot; /* BK_CACHE: index in ucaches[] */
	unsigned int order; /* BK_PAGES */
	unsigned int seed; /* of the content pattern */
	bool dirty; /* a red zone written: one MM_REPORT_RED_ZONE due at free or validate */
};

#define MAX_LIVE 256
static struct block live[MAX_LIVE];
static unsigned int nr_live;

/* Caches made by the inputs. */
#define NR_UCACHES 4
struct ucache {
	struct kmem_cache *s; /* NULL: slot unused */
	size_t size;
	size_t align; /* promised: as asked, raised to MM_MIN_ALIGN or the cache line */
	bool ctor;
	unsigned int live; /* objects the model holds */
};
static struct ucache ucaches[NR_UCACHES];
/* Handles of caches destroyed in this input: destroying one again is misuse. */
static struct kmem_cache *dead_handles[NR_UCACHES];
static unsigned int dead_next;
static const char *const ucache_names[NR_UCACHES] = { "fuzz-0", "fuzz-1", "fuzz-2", "fuzz-3" };

/* The last blocks freed, for late double frees and writes after free. */
struct freed {
	unsigned char *addr;
	struct kmem_cache *cache; /* pool cache, NULL when page-backed */
	enum block_kind kind;
	int slot;
	unsigned int order;
	size_t size;
};
#define NR_FREED 32
static struct freed freed_ring[NR_FREED];
static unsigned int nr_freed, freed_next;

/* Freed objects written to: one MM_REPORT_POISON due at their next allocation or validation. */
struct poisoned {
	unsigned char *addr;
	struct kmem_cache *cache;
};
#define MAX_POISONED 32
static struct poisoned poisoned[MAX_POISONED];
static unsigned int nr_poisoned;

static unsigned long model_fail; /* mm_fail_nth() countdown, as the model sees it */
static struct mm_stats baseline; /* after set-up */
static slab_flags_t debug_flags;
static unsigned int validate_every = 4;
static bool trace_ops;
static uint64_t rng_state;
static unsigned long nr_ops, check_rotor;

/* ---- reports ----------------------------------------------------------------------- */

#define MAX_SEEN 64
struct seen_report {
	enum mm_report_kind kind;
	const void *addr, *object;
};
static struct seen_report seen[MAX_SEEN];
static unsigned int nr_seen;

#define MAX_EXPECT (MAX_LIVE + MAX_POISONED + 8)
struct expect {
	unsigned int kinds; /* KIND() mask of acceptable kinds */
	const void *addr; /* the report's addr or object, or NULL for any */
	bool met;
};
static struct expect expects[MAX_EXPECT];
static unsigned int nr_expects;

void mm_port_report(const struct mm_report *r)
{
	if (nr_seen < MAX_SEEN) {
		seen[nr_seen].kind = r->kind;
		seen[nr_seen].addr = r->addr;
		seen[nr_seen].object = r->object;
	}
	nr_seen++;
}

void mm_port_bug(const char *file, int line)
{
	fprintf(stderr, "fuzz_ops: MM_BUG_ON at %s:%d\n", file, line);
	abort();
}

/* Deterministic per input: seeded from the input's first bytes. */
unsigned long mm_port_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned long)rng_state;
}

/* ---- tracing and failing ------------------------------------------------------------ */

#define TRACE_LINES 24
static char trace_ring[TRACE_LINES][112];
static unsigned int trace_pos;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	char *line = trace_ring[trace_pos++ % TRACE_LINES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(trace_ring[0]), fmt, ap);
	va_end(ap);
	if (trace_ops)
		fprintf(stderr, "op %lu: %s\n", nr_ops, line);
}

/* "double free or free of a pointer ..." for a KIND() mask. */
static void print_kinds(unsigned int kinds)
{
	unsigned int k;
	const char *sep = "";

	for (k = 0; k < NR_MM_REPORTS; k++) {
		if (kinds & KIND(k)) {
			fprintf(stderr, "%s%s", sep, mm_report_kind_name((enum mm_report_kind)k));
			sep = " or ";
		}
	}
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	unsigned int i, n = trace_pos < TRACE_LINES ? trace_pos : TRACE_LINES;
	va_list ap;

	fprintf(stderr, "\nfuzz_ops: FAILED after op %lu: ", nr_ops);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nlast operations, oldest first:\n");
	for (i = trace_pos - n; i != trace_pos; i++)
		fprintf(stderr, "  %s\n", trace_ring[i % TRACE_LINES]);
	fprintf(stderr, "reports seen in this operation: %u\n", nr_seen);
	for (i = 0; i < nr_seen && i < MAX_SEEN; i++)
		fprintf(stderr, "  %s: addr %p object %p\n", mm_report_kind_name(seen[i].kind),
			seen[i].addr, seen[i].object);
	fprintf(stderr, "reports expected:\n");
	for (i = 0; i < nr_expects; i++) {
		fprintf(stderr, "  ");
		print_kinds(expects[i].kinds);
		fprintf(stderr, " for %p%s\n", expects[i].addr, expects[i].met ? " (seen)" : "");
	}
	abort();
}

/* ---- expected reports --------------------------------------------------------------- */

static void expect_report(unsigned int kinds, const void *addr)
{
	if (nr_expects == MAX_EXPECT)
		fail("too many expected reports");
	expects[nr_expects].kinds = kinds;
	expects[nr_expects].addr = addr;
	expects[nr_expects].met = false;
	nr_expects++;
}

static bool report_matches(const struct expect *e, const struct seen_report *r)
{
	return !e->met && (e->kinds & KIND(r->kind)) &&
	       (!e->addr || e->addr == r->addr || e->addr == r->object);
}

/* The reports since the last call are exactly the expected ones. */
static void check_reports(void)
{
	unsigned int i, j;

	if (nr_seen > MAX_SEEN)
		fail("%u reports in one operation", nr_seen);
	for (i = 0; i < nr_seen; i++) {
		/* Expectations with an address first: they are the pickiest. */
		for (j = 0; j < nr_expects; j++)
			if (expects[j].addr && report_matches(&expects[j], &seen[i]))
				break;
		if (j == nr_expects)
			for (j = 0; j < nr_expects; j++)
				if (report_matches(&expects[j], &seen[i]))
					break;
		if (j == nr_expects)
			fail("unexpected report: %s, addr %p", mm_report_kind_name(seen[i].kind),
			     seen[i].addr);
		expects[j].met = true;
	}
	for (j = 0; j < nr_expects; j++)
		if (!expects[j].met)
			fail("an expected report is missing (listed below)");
	nr_seen = 0;
	nr_expects = 0;
}

/* ---- the input ---------------------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t left;
};

static unsigned int get8(struct reader *rd)
{
	if (!rd->left)
		return 0;
	rd->left--;
	return *rd->p++;
}

static unsigned int get16(struct reader *rd)
{
	unsigned int lo = get8(rd);

	return lo | get8(rd) << 8;
}

static uint32_t get32(struct reader *rd)
{
	uint32_t lo = get16(rd);

	return lo | (uint32_t)get16(rd) << 16;
}

/* ---- content patterns ------------------------------------------------------------- */

/*
 * Byte i of a block holds pattern_buf[(seed + i) % PATTERN_PERIOD]: random
 * bytes with a prime period, so that no two blocks (nor a block and a copy
 * of itself shifted by a page) look alike. Filled and compared with
 * memcpy()/memcmp() a period at a time.
 */
#define PATTERN_PERIOD 4093
static uint8_t pattern_buf[2 * PATTERN_PERIOD];

static void pattern_init(void)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	size_t i;

	for (i = 0; i < PATTERN_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pattern_buf[i] = (uint8_t)(x >> 24);
		pattern_buf[i + PATTERN_PERIOD] = pattern_buf[i];
	}
}

static inline uint8_t pattern(unsigned int seed, size_t i)
{
	return pattern_buf[(seed + i) % PATTERN_PERIOD];
}

/* Fill the block's bytes [@from, @to) with its pattern. */
static void fill_range(struct block *b, size_t from, size_t to)
{
	size_t n;

	for (; from < to; from += n) {
		size_t off = (b->seed + from) % PATTERN_PERIOD;

		n = PATTERN_PERIOD - off;
		if (n > to - from)
			n = to - from;
		memcpy(b->addr + from, pattern_buf + off, n);
	}
}

static void fill_block(struct block *b, size_t from)
{
	fill_range(b, from, b->size);
}

/* The block's bytes [@from, @to) still hold its pattern. */
static void check_range(const struct block *b, size_t from, size_t to, const char *when)
{
	size_t n, i;

	for (; from < to; from += n) {
		size_t off = (b->seed + from) % PATTERN_PERIOD;

		n = PATTERN_PERIOD - off;
		if (n > to - from)
			n = to - from;
		if (!memcmp(b->addr + from, pattern_buf + off, n))
			continue;
		for (i = from; b->addr[i] == pattern(b->seed, i); i++)
			;
		fail("%s: block %p (%zu bytes) byte %zu is %#x, not %#x", when, (void *)b->addr,
		     b->size, i, b->addr[i], pattern(b->seed, i));
	}
}

static void check_pattern(const struct block *b, size_t n, const char *when)
{
	check_range(b, 0, n, when);
}

/* A quick look: all of a small block, the ends of a big one. */
#define GLANCE_BYTES 2048
static void glance(const struct block *b, const char *when)
{
	if (b->size <= 2 * GLANCE_BYTES) {
		check_range(b, 0, b->size, when);
	} else {
		check_range(b, 0, GLANCE_BYTES, when);
		check_range(b, b->size - GLANCE_BYTES, b->size, when);
	}
}

/* Bytes [0, @n) at @p are all @c. */
static void check_bytes(const unsigned char *p, int c, size_t n, const char *what)
{
	static unsigned char ref[4096];
	size_t from, chunk, i;

	memset(ref, c, n < sizeof(ref) ? n : sizeof(ref));
	for (from = 0; from < n; from += chunk) {
		chunk = n - from < sizeof(ref) ? n - from : sizeof(ref);
		if (!memcmp(p + from, ref, chunk))
			continue;
		for (i = from; p[i] == (unsigned char)c; i++)
			;
		fail("%s: byte %zu of %p is %#x, not %#x", what, i, (const void *)p, p[i],
		     (unsigned char)c);
	}
}

/* What the constructor of slot @slot writes: the pattern of a block with this seed. */
static struct block ctor_block(int slot, void *obj)
{
	struct block b = { 0 };

	b.addr = obj;
	b.size = ucaches[slot].size;
	b.seed = 1000u + 777u * (unsigned int)slot;
	return b;
}

static void ctor_fill(int slot, void *obj)
{
	struct block b = ctor_block(slot, obj);

	fill_block(&b, 0);
}

static void ctor0(void *obj)
{
	ctor_fill(0, obj);
}

static void ctor1(void *obj)
{
	ctor_fill(1, obj);
}

static void ctor2(void *obj)
{
	ctor_fill(2, obj);
}

static void ctor3(void *obj)
{
	ctor_fill(3, obj);
}

static void (*const ctors[NR_UCACHES])(void *) = { ctor0, ctor1, ctor2, ctor3 };

/* ---- the two modes: page allocator or runs ------------------------------------------ */

#if CONFIG_MM_PAGE_ALLOC
/* Whether @p, freed and in no pool now, lies in free memory (in no block). */
static bool in_free_memory(const void *p)
{
	struct page *pg = virt_to_page(p);

	if (!pg)
		return false;
	pg = compound_head(pg);
	return page_is_free(pg) || page_is_none(pg);
}

/* The region's metadata, where no block is: its page descriptors. */
static uintptr_t meta_end(const struct mm_region *r)
{
	return r->base;
}

/* Where the region's blocks are: its pages. */
static uintptr_t blocks_start(const struct mm_region *r)
{
	return r->base;
}

static uintptr_t blocks_end(const struct mm_region *r)
{
	return r->end;
}

/* More than what kmalloc() can ever hand out: more than 2^MAX_ORDER pages. */
static bool kmalloc_impossible(size_t size)
{
	return size > (PAGE_SIZE << MAX_ORDER);
}

/* Reports a kfree() of free memory may make besides FOREIGN_FREE and DOUBLE_FREE. */
#define KFREE_FREE_MEMORY_KINDS 0u

/* The pool order that may be needed: arenas hand out pools of up to 8 pages. */
static void small_pool_order_init(void)
{
	small_pool_order = 3;
}
#else
/*
 * Whether @p, freed and in no pool now, lies in free memory: its header (the
 * grain before it) in a free run. A walk of the runs: the model may. Memory
 * of a freed block that a new run holds is reused; a free would read the new
 * block's bytes.
 */
static bool in_free_memory(const void *p)
{
	const struct mm_region *r = addr_to_region((uintptr_t)p);
	uintptr_t hdr = (uintptr_t)p - RUN_GRAIN, a;
	const struct run *run;

	if (!r || hdr < r->heap_start)
		return false;
	for (a = r->heap_start; a < r->heap_end; a += run_size(run)) {
		run = (const struct run *)a;
		if (hdr < a + run_size(run))
			return run_is_free(run);
	}
	return false;
}

/* The region's metadata: the state (first region), free lists, pool table. */
static uintptr_t meta_end(const struct mm_region *r)
{
	return r->heap_start;
}

/* Where the region's blocks are: the runs. */
static uintptr_t blocks_start(const struct mm_region *r)
{
	return r->heap_start;
}

static uintptr_t blocks_end(const struct mm_region *r)
{
	return r->heap_end;
}

/* A large kmalloc() is a run: only what no region could hold is impossible. */
static bool kmalloc_impossible(size_t size)
{
	return size > LARGE_MAX;
}

/* A free of free memory reads whatever header is before it: an old one marked
 * free (DOUBLE_FREE), or bytes that do not check (INTERIOR_FREE). */
#define KFREE_FREE_MEMORY_KINDS KIND(MM_REPORT_INTERIOR_FREE)

/* The largest pool order of the caches set up (debug layouts make bigger objects). */
static void small_pool_order_init(void)
{
	unsigned int i;

	small_pool_order = mm_state->boot.order;
	for (i = 0; i < NR_KMALLOC_CLASSES; i++)
		if (mm_state->kmalloc[i].order > small_pool_order)
			small_pool_order = mm_state->kmalloc[i].order;
}
#endif

/* The alignment of a kmalloc() block above the classes: a page, or a run's. */
static size_t large_align(void)
{
	return IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? PAGE_SIZE : MM_MIN_ALIGN;
}

/* ---- model helpers ---------------------------------------------------------------- */

static bool cache_has(const struct kmem_cache *s, slab_flags_t flag)
{
	return s && (s->flags & flag);
}

/* The cache whose pool holds @p, or NULL when @p is not in a pool. */
static struct kmem_cache *pool_cache_of(const void *p)
{
	struct slab *slab = virt_to_slab(p);

	return slab ? slab->cache : NULL;
}

static int find_live(const void *p)
{
	unsigned int i;

	for (i = 0; i < nr_live; i++)
		if (live[i].addr == p)
			return (int)i;
	return -1;
}

static void remember_freed(const struct block *b)
{
	struct freed *f = &freed_ring[freed_next];

	f->addr = b->addr;
	f->cache = b->cache;
	f->kind = b->kind;
	f->slot = b->slot;
	f->order = b->order;
	f->size = b->size;
	freed_next = (freed_next + 1) % NR_FREED;
	if (nr_freed < NR_FREED)
		nr_freed++;
}

static void forget_freed_at(const void *p)
{
	unsigned int i;

	for (i = 0; i < nr_freed; i++)
		if (freed_ring[i].addr == p)
			freed_ring[i].addr = NULL;
}

/* Drop planted poison whose pool went back to the page allocator: never reported. */
static void prune_poisoned(void)
{
	unsigned int i = 0;

	while (i < nr_poisoned) {
		if (pool_cache_of(poisoned[i].addr) != poisoned[i].cache)
			poisoned[i] = poisoned[--nr_poisoned];
		else
			i++;
	}
}

/*
 * An allocation is about to be made: is it counted by mm_fail_nth(), and so
 * injected to fail? Mirrors the allocator's countdown.
 */
struct alloc_expect {
	bool injected; /* mm_fail_nth() makes it fail */
	bool impossible; /* it must fail: too large, bad argument */
	bool may_oom; /* no free block of the order it may need */
};

static struct alloc_expect before_alloc(bool counted, int order, bool impossible)
{
	struct alloc_expect e;

	e.injected = counted && model_fail && --model_fail == 0;
	e.impossible = impossible;
	e.may_oom = order > mm_largest_free_order();
	return e;
}

/* Check an allocation's result against @e; return whether it gave memory. */
static bool after_alloc(const struct alloc_expect *e, const void *p, const char *what)
{
	if (p && (e->injected || e->impossible))
		fail("%s returned %p but had to fail (%s)", what, p,
		     e->injected ? "mm_fail_nth" : "impossible request");
	if (!p && !e->injected && !e->impossible && !e->may_oom)
		fail("%s failed although a block of the order it needs was free", what);
	return p != NULL;
}

/* Order of the pages a page-backed kmalloc or alloc_pages_exact of @size takes. */
static int exact_order(size_t size)
{
	size_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	int order = 0;

	while (((size_t)1 << order) < pages)
		order++;
	return order;
}

static int kmalloc_order(size_t size)
{
	return size <= KMALLOC_MAX_CACHE_SIZE ? (int)small_pool_order : exact_order(size);
}

/* Alignment the API promises for a block. */
static size_t promised_align(const struct block *b)
{
	switch (b->kind) {
	case BK_KMALLOC:
		if (b->size > KMALLOC_MAX_CACHE_SIZE)
			return large_align();
		if (b->size > PAGE_SIZE)
			return PAGE_SIZE;
		if ((b->size & (b->size - 1)) == 0 && b->size > MM_MIN_ALIGN &&
		    b->size <= KMALLOC_ALIGNED_MAX)
			return b->size;
		return MM_MIN_ALIGN;
	case BK_CACHE:
		return ucaches[b->slot].align;
	case BK_PAGES:
		return PAGE_SIZE << b->order;
	case BK_EXACT:
		return PAGE_SIZE;
	}
	return 1;
}

/* What a new block holds before the model writes its pattern. */
enum contents {
	FRESH, /* as its API leaves it: POISON_INUSE, the constructor's bytes, or unknown */
	ZEROED, /* zeroes */
	CHECKED, /* already checked by the caller (krealloc's copy) */
};

/* A new block @b: placement and first contents as promised, then the model takes it. */
static void add_block(struct block *b, enum contents c, const char *what)
{
	struct block ctor_check;
	size_t ks, i;
	int slot = b->slot;

	if ((uintptr_t)b->addr % promised_align(b))
		fail("%s: %p not aligned to %zu", what, (void *)b->addr, promised_align(b));
	if (!mm_owns(b->addr) || !mm_owns(b->addr + b->size - 1))
		fail("%s: %p (%zu bytes) not owned by the allocator", what, (void *)b->addr,
		     b->size);
	if (b->kind == BK_KMALLOC || b->kind == BK_CACHE) {
		ks = ksize(b->addr);
		if (ks < b->size)
			fail("%s: ksize(%p) = %zu < %zu", what, (void *)b->addr, ks, b->size);
	}
	for (i = 0; i < nr_live; i++)
		if (b->addr < live[i].addr + live[i].size && live[i].addr < b->addr + b->size)
			fail("%s: %p (%zu bytes) overlaps live %p (%zu bytes)", what,
			     (void *)b->addr, b->size, (void *)live[i].addr, live[i].size);
	for (i = 0; i < nr_poisoned; i++) {
		if (poisoned[i].addr == b->addr) {
			expect_report(KIND(MM_REPORT_POISON), b->addr);
			poisoned[i] = poisoned[--nr_poisoned];
			break;
		}
	}
	forget_freed_at(b->addr);

	if (c == ZEROED) {
		check_bytes(b->addr, 0, b->size, what);
	} else if (c == FRESH && b->kind == BK_CACHE && ucaches[slot].ctor) {
		ctor_check = ctor_block(slot, b->addr);
		check_pattern(&ctor_check, b->size, what);
	}
	if (c == FRESH && cache_has(b->cache, SLAB_POISON))
		check_bytes(b->addr, POISON_INUSE, b->size, what);

	b->seed = (unsigned int)(mm_port_random() % PATTERN_PERIOD);
	b->dirty = false;
	fill_block(b, 0);
	if (b->kind == BK_CACHE)
		ucaches[slot].live++;
	live[nr_live++] = *b;
}

/* Give live[@i] back through its API, expecting the report of its red zone if written. */
static void free_live(unsigned int i, bool realloc0)
{
	struct block b = live[i];
	void *r;

	check_pattern(&b, b.size, "before free");
	if (b.dirty)
		expect_report(KIND(MM_REPORT_RED_ZONE), b.addr);
	switch (b.kind) {
	case BK_KMALLOC:
		if (realloc0) {
			r = krealloc(b.addr, 0, GFP_KERNEL);
			if (r != ZERO_SIZE_PTR)
				fail("krealloc(%p, 0) returned %p", (void *)b.addr, r);
		} else {
			kfree(b.addr);
		}
		break;
	case BK_CACHE:
		if (ucaches[b.slot].ctor)
			ctor_fill(b.slot, b.addr); /* objects go back as constructed */
		kmem_cache_free(ucaches[b.slot].s, b.addr);
		ucaches[b.slot].live--;
		break;
	case BK_PAGES:
		free_pages(b.addr, b.order);
		break;
	case BK_EXACT:
		free_pages_exact(b.addr, b.size);
		break;
	}
	live[i] = live[--nr_live];
	remember_freed(&b);
}

/* Where the memory of a freed block is now. */
enum stale {
	STALE_REUSED, /* in another block, or unknown: touching it is undefined */
	STALE_FREE_PAGES, /* in free pages of the page allocator */
	STALE_UNCARVED, /* in a pool of its cache, not yet carved */
	STALE_FREE_OBJECT, /* a free object of its cache, still in its pool */
};

static enum stale stale_state(const struct freed *f)
{
	struct kmem_cache *s = f->cache;
	unsigned int idx;
	bool exact;

	if (!f->addr || !addr_to_region((uintptr_t)f->addr) || find_live(f->addr) >= 0)
		return STALE_REUSED;
	if (virt_to_slab(f->addr)) {
		if (!s || virt_to_slab(f->addr)->cache != s)
			return STALE_REUSED;
		idx = obj_index(s, f->addr, &exact);
		if (!exact)
			return STALE_REUSED;
		return idx < slab_carved(s, virt_to_slab(f->addr)) ? STALE_FREE_OBJECT
								   : STALE_UNCARVED;
	}
	return in_free_memory(f->addr) ? STALE_FREE_PAGES : STALE_REUSED;
}

/*
 * What freeing @f's address again through its API reports now: a mask of
 * kinds, or 0 when that would be undefined (the memory went to another block).
 * A free object is a double free in every build, however late.
 */
static unsigned int stale_free_kinds(const struct freed *f)
{
	switch (stale_state(f)) {
	case STALE_FREE_PAGES:
		if (f->kind == BK_PAGES || f->kind == BK_EXACT)
			return KIND(MM_REPORT_BAD_PAGES) | KIND(MM_REPORT_DOUBLE_FREE);
		return KIND(MM_REPORT_FOREIGN_FREE) | KIND(MM_REPORT_DOUBLE_FREE) |
		       KFREE_FREE_MEMORY_KINDS;
	case STALE_UNCARVED:
		/* Its pool went back and came again: it was not handed out since. */
		return KIND(MM_REPORT_FOREIGN_FREE);
	case STALE_FREE_OBJECT:
		return KIND(MM_REPORT_DOUBLE_FREE);
	case STALE_REUSED:
		break;
	}
	return 0;
}

/*
 * Whether the free object of @f (STALE_FREE_OBJECT) was made ready by the
 * pool that holds it now, so that a debug cache's poison is in it: a pool
 * taken again after its pages went back makes each object ready at its first
 * allocation, in bit order (slab->built), and until then holds old bytes.
 */
static bool stale_made_ready(const struct freed *f)
{
	const struct kmem_cache *s = f->cache;
	const struct slab *slab = virt_to_slab(f->addr);
	unsigned int idx;
	bool exact;

	idx = obj_index(s, f->addr, &exact);
	return idx / BITS_PER_LONG * BITS_PER_LONG + obj_bit(s, idx % BITS_PER_LONG) < slab->built;
}

static void free_stale(const struct freed *f)
{
	switch (f->kind) {
	case BK_KMALLOC:
		kfree(f->addr);
		break;
	case BK_CACHE:
		kmem_cache_free(ucaches[f->slot].s, f->addr);
		break;
	case BK_PAGES:
		free_pages(f->addr, f->order);
		break;
	case BK_EXACT:
		free_pages_exact(f->addr, f->size);
		break;
	}
}

/* A live block picked by the input among those @want accepts, or -1. */
static int pick_live(struct reader *rd, bool (*want)(const struct block *))
{
	unsigned int start, i;

	if (!nr_live)
		return -1;
	start = get16(rd) % nr_live;
	for (i = 0; i < nr_live; i++) {
		unsigned int j = (start + i) % nr_live;

		if (!want || want(&live[j]))
			return (int)j;
	}
	return -1;
}

static bool is_kmalloc(const struct block *b)
{
	return b->kind == BK_KMALLOC;
}

static bool has_red_zone(const struct block *b)
{
	return cache_has(b->cache, SLAB_RED_ZONE);
}

static bool is_heap_block(const struct block *b)
{
	return (b->kind == BK_KMALLOC || b->kind == BK_CACHE) && b->size >= 2;
}

static void remember_dead(struct kmem_cache *s)
{
	dead_handles[dead_next] = s;
	dead_next = (dead_next + 1) % NR_UCACHES;
}

static int pick_ucache(struct reader *rd, bool busy)
{
	unsigned int start = get8(rd), i;

	for (i = 0; i < NR_UCACHES; i++) {
		unsigned int j = (start + i) % NR_UCACHES;

		if (ucaches[j].s && (!busy || ucaches[j].live))
			return (int)j;
	}
	return -1;
}

/* ---- checks over the whole heap ------------------------------------------------------ */

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * mm_validate() finds exactly the planted corruptions; blocks hold their
 * patterns (all of each when @full, else a glance), do not overlap, and
 * agree with the statistics.
 */
static void check_all(const char *when, bool full)
{
	static struct block sorted[MAX_LIVE];
	struct mm_cache_stats cs;
	struct mm_stats st;
	unsigned int i, slot, nr_large = 0, expected = 0;
	int problems;

	/* mm_validate() must find exactly the corruptions planted and not yet reported. */
	prune_poisoned();
	for (i = 0; i < nr_live; i++) {
		if (live[i].dirty) {
			expect_report(KIND(MM_REPORT_RED_ZONE), live[i].addr);
			live[i].dirty = false;
			expected++;
		}
	}
	for (i = 0; i < nr_poisoned; i++, expected++)
		expect_report(KIND(MM_REPORT_POISON), poisoned[i].addr);
	nr_poisoned = 0;
	problems = mm_validate();
	if (problems != (int)expected)
		fail("%s: mm_validate() found %d problems, the model planted %u", when, problems,
		     expected);
	check_reports();

	memcpy(sorted, live, nr_live * sizeof(live[0]));
	qsort(sorted, nr_live, sizeof(sorted[0]), cmp_block);
	for (i = 0; i < nr_live; i++) {
		if (full)
			check_pattern(&sorted[i], sorted[i].size, when);
		else
			glance(&sorted[i], when);
		if (i + 1 < nr_live && sorted[i].addr + sorted[i].size > sorted[i + 1].addr)
			fail("%s: blocks %p (%zu bytes) and %p overlap", when,
			     (void *)sorted[i].addr, sorted[i].size, (void *)sorted[i + 1].addr);
		if (sorted[i].kind == BK_KMALLOC && !sorted[i].cache)
			nr_large++;
	}

	mm_get_stats(&st);
	if (st.nr_large != nr_large)
		fail("%s: statistics count %zu page-backed kmalloc blocks, the model %u", when,
		     st.nr_large, nr_large);
	for (i = 0; mm_get_cache_stats(i, &cs); i++)
		for (slot = 0; slot < NR_UCACHES; slot++)
			if (ucaches[slot].s && cs.name == ucache_names[slot] &&
			    cs.active_objs != ucaches[slot].live)
				fail("%s: cache %s has %lu active objects, the model %u", when,
				     cs.name, cs.active_objs, ucaches[slot].live);
}

/* ---- operations ------------------------------------------------------------------- */

enum op {
	OP_KMALLOC,
	OP_KZALLOC,
	OP_KCALLOC,
	OP_KREALLOC,
	OP_FREE,
	OP_CACHE_CREATE,
	OP_CACHE_ALLOC,
	OP_CACHE_DESTROY,
	OP_PAGES_ALLOC,
	OP_EXACT_ALLOC,
	OP_FAIL_NTH,
	OP_SHRINK,
	OP_VALIDATE,
	OP_QUERY,
	/* misuse */
	OP_DOUBLE_FREE,
	OP_INTERIOR_FREE,
	OP_FOREIGN_FREE,
	OP_WRONG_CACHE,
	OP_DESTROY_BUSY,
	OP_RED_ZONE_WRITE,
	OP_USE_AFTER_FREE,
	OP_BAD_PAGES,
	OP_OVERFLOW_NEIGHBOUR,
	OP_SCRIBBLE_FREED,
	OP_CACHE_HANDLE,
	NR_OPS
};

/* How often each operation comes, out of the sum of the weights. */
static const uint8_t op_weight[NR_OPS] = {
	[OP_KMALLOC] = 6,
	[OP_KZALLOC] = 1,
	[OP_KCALLOC] = 1,
	[OP_KREALLOC] = 3,
	[OP_FREE] = 6,
	[OP_CACHE_CREATE] = 1,
	[OP_CACHE_ALLOC] = 3,
	[OP_CACHE_DESTROY] = 1,
	[OP_PAGES_ALLOC] = 1,
	[OP_EXACT_ALLOC] = 1,
	[OP_FAIL_NTH] = 1,
	[OP_SHRINK] = 1,
	[OP_VALIDATE] = 1,
	[OP_QUERY] = 1,
	[OP_DOUBLE_FREE] = 2,
	[OP_INTERIOR_FREE] = 1,
	[OP_FOREIGN_FREE] = 1,
	[OP_WRONG_CACHE] = 1,
	[OP_DESTROY_BUSY] = 1,
	[OP_RED_ZONE_WRITE] = 2,
	[OP_USE_AFTER_FREE] = 2,
	[OP_BAD_PAGES] = 1,
	[OP_OVERFLOW_NEIGHBOUR] = 2,
	[OP_SCRIBBLE_FREED] = 2,
	[OP_CACHE_HANDLE] = 1,
};

/* The op byte indexes this table (modulo its length): each operation weight times, in order. */
static uint8_t op_table[64];
static unsigned int op_table_len;

static void op_table_init(void)
{
	unsigned int op, k;

	for (op = 0; op < NR_OPS; op++)
		for (k = 0; k < op_weight[op]; k++)
			op_table[op_table_len++] = (uint8_t)op;
}

static const size_t edge_sizes[] = { 1,	   7,	 8,    9,    15,   16,	  17,	31,
				     32,   33,	 63,   64,   65,   127,	  128,	129,
				     255,  256,	 257,  1023, 1024, 1025,  2048, 4095,
				     4096, 4097, 8191, 8192, 8193, 12288, 65536 };

/* A size in the upper classes: 1025 up with the page allocator's big classes,
 * the upper half of the classes when they end lower (static mode). */
static size_t mid_size(unsigned int v)
{
	if (KMALLOC_MAX_CACHE_SIZE > 2048)
		return 1025 + v % (KMALLOC_MAX_CACHE_SIZE - 1024);
	return KMALLOC_MAX_CACHE_SIZE / 2 + 1 + v % (KMALLOC_MAX_CACHE_SIZE / 2);
}

/* A kmalloc size: mostly small, some large, a few impossible. */
static size_t pick_size(struct reader *rd)
{
	unsigned int sel = get8(rd), v = get16(rd);

	if (sel < 128)
		return 1 + v % 128;
	if (sel < 176)
		return 129 + v % 896;
	if (sel < 196)
		return mid_size(v);
	if (sel < 224)
		return edge_sizes[v % ARRAY_SIZE(edge_sizes)];
	if (sel < 240)
		return KMALLOC_MAX_CACHE_SIZE + 1 + (size_t)v * 4 % (256 << 10);
	if (sel < 246)
		return 0;
	if (sel < 252)
		return (256 << 10) + ((size_t)v << 6); /* up to 4 MiB + 256 KiB */
	if (sel < 254)
		return (PAGE_SIZE << MAX_ORDER) + (v & 1);
	return SIZE_MAX - v;
}

static gfp_t pick_gfp(unsigned int bits)
{
	return (bits & 1) ? GFP_ATOMIC : GFP_KERNEL;
}

static void do_kmalloc(struct reader *rd, int how)
{
	unsigned int flags = get8(rd);
	size_t n = 1, size = pick_size(rd), total;
	struct alloc_expect e;
	struct block b = { 0 };
	bool zero = how != OP_KMALLOC || (flags & 2);
	const char *name;
	void *p;

	if (how == OP_KCALLOC) {
		size = 1 + size % 256;
		n = (flags & 0x80) ? SIZE_MAX / size + 1 + (flags & 3) : (flags >> 2);
	}
	if (size && n > SIZE_MAX / size) {
		trace("kcalloc(%zu, %zu): overflows", n, size);
		if (kcalloc(n, size, GFP_KERNEL))
			fail("kcalloc(%zu, %zu) did not fail on overflow", n, size);
		return;
	}
	total = n * size;
	name = how == OP_KCALLOC ? "kcalloc" : how == OP_KZALLOC ? "kzalloc" : "kmalloc";
	trace("%s(%zu)%s", name, total, zero ? " zeroed" : "");
	if (total == 0) {
		p = how == OP_KCALLOC ? kcalloc(n, size, GFP_KERNEL) : kmalloc(0, pick_gfp(flags));
		if (p != ZERO_SIZE_PTR)
			fail("kmalloc(0) returned %p, not ZERO_SIZE_PTR", p);
		kfree(p);
		return;
	}
	if (nr_live == MAX_LIVE)
		return;
	e = before_alloc(true, kmalloc_order(total), kmalloc_impossible(total));
	if (how == OP_KCALLOC)
		p = kcalloc(n, size, pick_gfp(flags));
	else if (how == OP_KZALLOC)
		p = kzalloc(total, pick_gfp(flags));
	else
		p = kmalloc(total, pick_gfp(flags) | (zero ? __GFP_ZERO : 0));
	if (!after_alloc(&e, p, name))
		return;
	b.addr = p;
	b.size = total;
	b.kind = BK_KMALLOC;
	b.cache = pool_cache_of(p);
	add_block(&b, zero ? ZEROED : FRESH, name);
}

static void do_krealloc(struct reader *rd)
{
	unsigned int flags = get8(rd);
	size_t size = pick_size(rd), old_ks;
	int i = (flags & 0xc0) == 0xc0 ? -1 : pick_live(rd, is_kmalloc);
	gfp_t gfp = pick_gfp(flags) | ((flags & 2) ? __GFP_ZERO : 0);
	struct alloc_expect e;
	struct block b, nb;
	void *p;

	if (i < 0) {
		trace("krealloc(NULL, %zu)", size);
		if (!size) {
			if (krealloc(NULL, 0, gfp) != ZERO_SIZE_PTR)
				fail("krealloc(NULL, 0) is not ZERO_SIZE_PTR");
			return;
		}
		if (nr_live == MAX_LIVE)
			return;
		e = before_alloc(true, kmalloc_order(size), kmalloc_impossible(size));
		p = krealloc(NULL, size, gfp);
		if (!after_alloc(&e, p, "krealloc(NULL)"))
			return;
		memset(&b, 0, sizeof(b));
		b.addr = p;
		b.size = size;
		b.kind = BK_KMALLOC;
		b.cache = pool_cache_of(p);
		add_block(&b, (gfp & __GFP_ZERO) ? ZEROED : FRESH, "krealloc(NULL)");
		return;
	}
	b = live[i];
	trace("krealloc(%p [%zu], %zu)%s", (void *)b.addr, b.size, size,
	      (gfp & __GFP_ZERO) ? " zeroed" : "");
	if (!size) {
		free_live((unsigned int)i, true);
		return;
	}
	check_pattern(&b, b.size, "before krealloc");
	old_ks = ksize(b.addr);
	if (size <= old_ks) {
		/* In place: same pointer, no allocation. */
		p = krealloc(b.addr, size, gfp);
		if (p != b.addr)
			fail("krealloc(%p, %zu) within ksize %zu moved to %p", (void *)b.addr, size,
			     old_ks, p);
		check_pattern(&b, b.size < size ? b.size : size, "after krealloc in place");
		if (size > b.size) {
			live[i].size = size;
			fill_block(&live[i], b.size);
		} else {
			live[i].size = size;
		}
		return;
	}
	e = before_alloc(true, kmalloc_order(size), kmalloc_impossible(size));
	if (b.dirty)
		expect_report(KIND(MM_REPORT_RED_ZONE), b.addr); /* its kfree() checks */
	p = krealloc(b.addr, size, gfp);
	if (!after_alloc(&e, p, "krealloc")) {
		if (b.dirty)
			nr_expects--; /* nothing was freed: the red zone is still to be seen */
		check_pattern(&b, b.size, "after failed krealloc");
		return;
	}
	if (p == b.addr)
		fail("krealloc(%p, %zu) above ksize %zu kept the block", p, size, old_ks);
	/* The old block is freed; the new one holds its bytes. */
	live[i] = live[--nr_live];
	remember_freed(&b);
	nb = b;
	nb.addr = p;
	nb.size = size;
	nb.cache = pool_cache_of(p);
	check_pattern(&nb, b.size, "krealloc's copy");
	if (gfp & __GFP_ZERO)
		check_bytes(nb.addr + old_ks, 0, size - old_ks, "krealloc's zeroed tail");
	add_block(&nb, CHECKED, "krealloc");
}

static void do_free(struct reader *rd)
{
	unsigned int how = get8(rd);
	int i = pick_live(rd, NULL);

	if (i < 0)
		return;
	trace("free %p [%zu] kind %d%s", (void *)live[i].addr, live[i].size, live[i].kind,
	      live[i].dirty ? " (red zone written)" : "");
	free_live((unsigned int)i, live[i].kind == BK_KMALLOC && (how & 1));
}

static const size_t cache_aligns[] = { 0, 1, 8, 16, 32, 64, 128, 256, 4096, 3, 24 };

static void do_cache_create(struct reader *rd)
{
	unsigned int flags = get8(rd), sel = get8(rd), v = get16(rd);
	size_t size, align = cache_aligns[get8(rd) % ARRAY_SIZE(cache_aligns)];
	slab_flags_t sflags = (flags & 1) ? SLAB_HWCACHE_ALIGN : 0;
	bool ctor = (flags & 6) == 6, invalid;
	struct alloc_expect e;
	struct kmem_cache *s;
	int slot = -1;
	unsigned int i;

	if (sel < 160)
		size = 1 + v % 256;
	else if (sel < 230)
		size = 1 + (size_t)v % (16 << 10);
	else if (sel < 250)
		size = 1 + (size_t)v % (64 << 10);
	else if (sel < 253)
		size = 0;
	else
		size = (PAGE_SIZE << MAX_ORDER) + 1;
	for (i = 0; i < NR_UCACHES; i++) {
		unsigned int j = (flags >> 3) + i;

		j %= NR_UCACHES;
		if (!ucaches[j].s) {
			slot = (int)j;
			break;
		}
	}
	if (slot < 0) {
		/* Every slot used: destroy an empty cache, if any. */
		slot = (int)((flags >> 3) % NR_UCACHES);
		if (ucaches[slot].live)
			return;
		trace("kmem_cache_destroy(%s) to make room", ucache_names[slot]);
		kmem_cache_destroy(ucaches[slot].s);
		remember_dead(ucaches[slot].s);
		ucaches[slot].s = NULL;
		for (i = 0; i < NR_FREED; i++)
			if (freed_ring[i].kind == BK_CACHE && freed_ring[i].slot == slot)
				freed_ring[i].addr = NULL;
		check_reports();
	}
	invalid = size == 0 || (align & (align - 1)) || size > (PAGE_SIZE << MAX_ORDER);
	trace("kmem_cache_create(%s, %zu, %zu, %#x%s)", ucache_names[slot], size, align, sflags,
	      ctor ? ", ctor" : "");
	ucaches[slot].size = size; /* the constructor reads it */
	ucaches[slot].ctor = ctor;
	e = before_alloc(!invalid, (int)small_pool_order, invalid);
	s = kmem_cache_create(ucache_names[slot], size, align, sflags, ctor ? ctors[slot] : NULL);
	if (!after_alloc(&e, s, "kmem_cache_create"))
		return;
	if (kmem_cache_size(s) < size || kmem_cache_name(s) != ucache_names[slot])
		fail("cache %s: size %zu for %zu asked, name %s", ucache_names[slot],
		     kmem_cache_size(s), size, kmem_cache_name(s));
	ucaches[slot].s = s;
	ucaches[slot].live = 0;
	ucaches[slot].align = align < MM_MIN_ALIGN ? MM_MIN_ALIGN : align;
	if ((sflags & SLAB_HWCACHE_ALIGN) && ucaches[slot].align < CONFIG_MM_CACHE_LINE)
		ucaches[slot].align = CONFIG_MM_CACHE_LINE;
}

static void do_cache_alloc(struct reader *rd)
{
	unsigned int flags = get8(rd);
	int slot = pick_ucache(rd, false);
	struct alloc_expect e;
	struct block b = { 0 };
	struct kmem_cache *s;
	bool zero = (flags & 6) == 6;
	void *p;

	if (slot < 0) {
		do_cache_create(rd);
		return;
	}
	if (nr_live == MAX_LIVE)
		return;
	s = ucaches[slot].s;
	trace("kmem_cache_%salloc(%s)", zero ? "z" : "", ucache_names[slot]);
	e = before_alloc(true, (int)s->order, false);
	p = zero ? kmem_cache_zalloc(s, pick_gfp(flags)) : kmem_cache_alloc(s, pick_gfp(flags));
	if (!after_alloc(&e, p, "kmem_cache_alloc"))
		return;
	if (pool_cache_of(p) != s)
		fail("kmem_cache_alloc(%s) returned %p from another cache", ucache_names[slot], p);
	b.addr = p;
	b.size = ucaches[slot].size;
	b.kind = BK_CACHE;
	b.cache = s;
	b.slot = slot;
	add_block(&b, zero ? ZEROED : FRESH, "kmem_cache_alloc");
}

static void do_cache_destroy(struct reader *rd, bool busy)
{
	int slot = pick_ucache(rd, busy);
	unsigned int i;

	if (slot < 0)
		return;
	trace("kmem_cache_destroy(%s) with %u live", ucache_names[slot], ucaches[slot].live);
	if (ucaches[slot].live) {
		expect_report(KIND(MM_REPORT_CACHE_BUSY), NULL);
		kmem_cache_destroy(ucaches[slot].s);
		return;
	}
	kmem_cache_destroy(ucaches[slot].s);
	remember_dead(ucaches[slot].s);
	ucaches[slot].s = NULL;
	for (i = 0; i < NR_FREED; i++)
		if (freed_ring[i].kind == BK_CACHE && freed_ring[i].slot == slot)
			freed_ring[i].addr = NULL;
}

static void do_pages_alloc(struct reader *rd, bool exact)
{
	unsigned int flags = get8(rd), v = get16(rd);
	struct alloc_expect e;
	struct block b = { 0 };
	bool zero = flags & 2;
	gfp_t gfp = pick_gfp(flags) | (zero ? __GFP_ZERO : 0);
	void *p;

	if (nr_live == MAX_LIVE)
		return;
	if (exact) {
		b.kind = BK_EXACT;
		b.size = (flags & 0xf0) == 0xf0 ? 0 : 1 + (size_t)v * 3 % (96 << 10);
		trace("alloc_pages_exact(%zu)", b.size);
		e = before_alloc(false, exact_order(b.size), b.size == 0);
		p = alloc_pages_exact(b.size, gfp);
	} else {
		b.kind = BK_PAGES;
		b.order = (flags & 0xf0) == 0xf0 ? MAX_ORDER + 1 + v % 3 : v % 5;
		b.size = PAGE_SIZE << (b.order > MAX_ORDER ? 0 : b.order);
		trace("get_free_pages(order %u)", b.order);
		e = before_alloc(false, (int)b.order, b.order > MAX_ORDER);
		p = get_free_pages(gfp, b.order);
	}
	if (!after_alloc(&e, p, exact ? "alloc_pages_exact" : "get_free_pages"))
		return;
	b.addr = p;
	add_block(&b, zero ? ZEROED : FRESH, exact ? "alloc_pages_exact" : "get_free_pages");
}

static void do_fail_nth(struct reader *rd)
{
	unsigned int n = get8(rd) % 8;

	trace("mm_fail_nth(%u)", n);
	mm_fail_nth(n);
	model_fail = n;
}

static void do_shrink(struct reader *rd)
{
	int slot = pick_ucache(rd, false);

	if (slot >= 0 && (get8(rd) & 1)) {
		trace("kmem_cache_shrink(%s)", ucache_names[slot]);
		kmem_cache_shrink(ucaches[slot].s);
	} else {
		trace("mm_shrink()");
		mm_shrink();
	}
}

static void do_query(struct reader *rd)
{
	int i = pick_live(rd, is_heap_block);
	unsigned char here = 0;

	trace("queries");
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	free_pages(NULL, 0);
	if (ksize(NULL) || ksize(ZERO_SIZE_PTR) || ksize(&here) || ksize(foreign_static))
		fail("ksize() of NULL, ZERO_SIZE_PTR or a foreign pointer is not 0");
	if (mm_owns(&here) || mm_owns(foreign_static) || mm_owns(heap_main))
		fail("mm_owns() of the stack, static data or descriptors is true");
	if (i >= 0) {
		if (ksize(live[i].addr) < live[i].size)
			fail("ksize(%p) = %zu < %zu", (void *)live[i].addr, ksize(live[i].addr),
			     live[i].size);
		if (ksize(live[i].addr + 1))
			fail("ksize(%p + 1) is not 0", (void *)live[i].addr);
	}
}

static void do_double_free(struct reader *rd)
{
	unsigned int how = get8(rd);
	const struct freed *f;
	unsigned int kinds;
	int i;

	if (how & 1) {
		/* Immediate: free a live block, then again. */
		i = pick_live(rd, NULL);
		if (i < 0)
			return;
		trace("double free of %p [%zu] kind %d, immediate", (void *)live[i].addr,
		      live[i].size, live[i].kind);
		free_live((unsigned int)i, false);
		check_reports();
		f = &freed_ring[(freed_next + NR_FREED - 1) % NR_FREED];
	} else {
		if (!nr_freed)
			return;
		f = &freed_ring[(how >> 1) % nr_freed];
		trace("double free of %p kind %d, late", (void *)f->addr, f->kind);
	}
	kinds = stale_free_kinds(f);
	if (!kinds)
		return;
	expect_report(kinds, f->addr);
	free_stale(f);
}

static void do_interior_free(struct reader *rd)
{
	unsigned int how = get8(rd), v = get16(rd);
	int i = pick_live(rd, is_heap_block);
	unsigned char *p;
	void *r;

	if (i < 0)
		return;
	p = live[i].addr + 1 + v % (live[i].size - 1);
	trace("interior free %p of %p [%zu], way %u", (void *)p, (void *)live[i].addr, live[i].size,
	      how % 3);
	expect_report(KIND(MM_REPORT_INTERIOR_FREE), p);
	switch (how % 3) {
	case 0:
		if (live[i].kind == BK_CACHE)
			kmem_cache_free(ucaches[live[i].slot].s, p);
		else
			kfree(p);
		break;
	case 1:
		kfree(p);
		break;
	default:
		r = krealloc(p, 1 + v % 64, GFP_KERNEL);
		if (r)
			fail("krealloc of interior pointer %p returned %p", (void *)p, r);
		break;
	}
}

static void do_foreign_free(struct reader *rd)
{
	unsigned int how = get8(rd), v = get16(rd);
	unsigned char here[16];
	unsigned int kinds = KIND(MM_REPORT_FOREIGN_FREE) | KIND(MM_REPORT_DOUBLE_FREE);
	struct mm_region *r;
	unsigned char *p;
	int slot;

	switch (how % 6) {
	case 0:
		p = here + v % sizeof(here);
		break;
	case 1:
		p = foreign_static + v % sizeof(foreign_static);
		break;
	case 2:
		/* Inside a region, among its metadata (page descriptors, or free lists). */
		r = &mm_regions[v % mm_nr_regions];
		if (meta_end(r) <= r->start)
			return;
		p = (unsigned char *)r->start + (v >> 4) % (meta_end(r) - r->start);
		break;
	case 3:
		/* Inside a region, in free memory (a free page, or a free run outside pools). */
		r = &mm_regions[v % mm_nr_regions];
		p = (unsigned char *)blocks_start(r) +
		    ((size_t)(v >> 1) << 8) % (blocks_end(r) - blocks_start(r));
		if (virt_to_slab(p) || !in_free_memory(p))
			return;
		kinds |= KFREE_FREE_MEMORY_KINDS;
		break;
	case 4:
		p = (unsigned char *)(uintptr_t)(0x1000 + v * 8);
		break;
	default:
		p = heap_small + v % SMALL_HEAP_SKEW; /* before the small region */
		break;
	}
	slot = pick_ucache(rd, false);
	trace("foreign free %p, way %u", (void *)p, (how >> 3) % 3);
	switch ((how >> 3) % 3) {
	case 0:
		expect_report(kinds, p);
		kfree(p);
		break;
	case 1:
		if (slot < 0)
			return;
		expect_report(KIND(MM_REPORT_FOREIGN_FREE) | KIND(MM_REPORT_DOUBLE_FREE), p);
		kmem_cache_free(ucaches[slot].s, p);
		break;
	default:
		expect_report(KIND(MM_REPORT_BAD_PAGES) | KIND(MM_REPORT_DOUBLE_FREE), p);
		free_pages(p, how >> 6);
		break;
	}
}

static void do_wrong_cache(struct reader *rd)
{
	int i = pick_live(rd, NULL), slot = pick_ucache(rd, false), j;
	const struct block *b;

	if (i < 0 || slot < 0)
		return;
	b = &live[i];
	if (b->kind == BK_CACHE && b->slot == slot) {
		slot = -1;
		for (j = 0; j < NR_UCACHES; j++)
			if (ucaches[j].s && j != b->slot)
				slot = j;
		if (slot < 0)
			return;
	}
	trace("kmem_cache_free(%s, %p kind %d)", ucache_names[slot], (void *)b->addr, b->kind);
	if (b->cache)
		expect_report(KIND(MM_REPORT_WRONG_CACHE), b->addr);
	else
		expect_report(KIND(MM_REPORT_FOREIGN_FREE), b->addr);
	kmem_cache_free(ucaches[slot].s, b->addr);
}

/*
 * A byte to write into a red zone: never RED_ACTIVE (it would go unseen) nor
 * RED_INACTIVE (a live object whose last red-zone word reads RED_INACTIVE
 * looks free, and its free would be reported as a double free instead).
 */
static unsigned char red_zone_junk(unsigned int v)
{
	return (unsigned char)(0x40 | (v & 0x3f));
}

static void do_red_zone_write(struct reader *rd)
{
	unsigned int how = get8(rd), v = get8(rd);
	int i = pick_live(rd, has_red_zone);
	struct kmem_cache *s;
	struct block *b;
	size_t ks, room, n, k;

	if (i < 0)
		return;
	b = &live[i];
	s = b->cache;
	ks = ksize(b->addr); /* the red zone starts where the request ended */
	if (ks < b->size || ks > s->object_size)
		fail("ksize(%p) = %zu: not within [%zu, %u]", (void *)b->addr, ks, b->size,
		     s->object_size);
	if ((how & 3) == 3 && s->red_left) {
		n = 1 + v % s->red_left;
		trace("write %zu bytes before %p", n, (void *)b->addr);
		for (k = 1; k <= n; k++)
			b->addr[-(ptrdiff_t)k] = red_zone_junk(how + k);
	} else {
		room = s->offset - ks; /* the right red zone: [ks, area) */
		n = 1 + v % 16;
		if (n > room)
			n = room;
		trace("write %zu bytes past %p [%zu]", n, (void *)b->addr, ks);
		for (k = 0; k < n; k++)
			b->addr[ks + k] = red_zone_junk(how + k);
	}
	b->dirty = true;
}

static void do_use_after_free(struct reader *rd)
{
	unsigned int how = get8(rd), v = get16(rd);
	const struct freed *f;
	struct kmem_cache *s;
	size_t off, n, k;

	if (!nr_freed || nr_poisoned == MAX_POISONED)
		return;
	f = &freed_ring[how % nr_freed];
	s = f->cache;
	if (!cache_has(s, SLAB_POISON) || s->ctor || stale_state(f) != STALE_FREE_OBJECT ||
	    !stale_made_ready(f))
		return;
	off = v % s->object_size;
	n = 1 + (v >> 12);
	if (off + n > s->object_size)
		n = s->object_size - off;
	trace("write %zu bytes at %p + %zu after free", n, (void *)f->addr, off);
	for (k = 0; k < n; k++)
		f->addr[off + k] = (unsigned char)(k * 7); /* never 0x6b nor 0xa5 */
	for (k = 0; k < nr_poisoned; k++)
		if (poisoned[k].addr == f->addr)
			return;
	poisoned[nr_poisoned].addr = f->addr;
	poisoned[nr_poisoned].cache = s;
	nr_poisoned++;
}

static void do_bad_pages(struct reader *rd)
{
	unsigned int how = get8(rd);
	int i = pick_live(rd, NULL);
	const struct block *b;
	unsigned int order;

	if (i < 0)
		return;
	b = &live[i];
	switch (b->kind) {
	case BK_PAGES:
		if (how & 1) {
			order = b->order + 1 + how % 3;
			trace("free_pages(%p, %u) of an order-%u block", (void *)b->addr, order,
			      b->order);
			expect_report(KIND(MM_REPORT_BAD_PAGES), b->addr);
			free_pages(b->addr, order);
		} else {
			trace("kfree(%p) of get_free_pages memory", (void *)b->addr);
			expect_report(KIND(MM_REPORT_FOREIGN_FREE), b->addr);
			kfree(b->addr);
		}
		break;
	case BK_EXACT:
		trace("free_pages_exact(%p, %zu) of %zu bytes", (void *)b->addr,
		      b->size + PAGE_SIZE, b->size);
		expect_report(KIND(MM_REPORT_BAD_PAGES), b->addr);
		free_pages_exact(b->addr, b->size + PAGE_SIZE);
		break;
	default:
		trace("free_pages(%p, %u) of a kmalloc block", (void *)b->addr, how % 4);
		expect_report(KIND(MM_REPORT_BAD_PAGES), b->addr);
		free_pages(b->addr, how % 4);
		break;
	}
}

/* A live object of a cache without a constructor whose next object in the pool is free. */
static bool has_free_neighbour(const struct block *b)
{
	struct kmem_cache *s = b->cache;
	struct slab *slab;
	unsigned int idx;
	bool exact;

	if (!s || s->ctor || (b->kind != BK_KMALLOC && b->kind != BK_CACHE))
		return false;
	slab = virt_to_slab(b->addr);
	idx = obj_index(s, b->addr, &exact);
	if (idx + 1 >= s->objects)
		return false;
	return idx + 1 >= slab_carved(s, slab) || slab_obj_free(s, slab, idx + 1);
}

/*
 * One byte past a live object's usable size, whose next object is free.
 * Without red zones the byte lands in that free neighbour (ksize() is the
 * stride), or, in a debug cache, in the object's own slot: nothing of the
 * allocator's is there, so nothing is reported. With red zones it is a
 * red-zone write, reported at the object's free or the next validation.
 */
static void do_overflow_neighbour(struct reader *rd)
{
	unsigned int v = get8(rd);
	int i = pick_live(rd, has_free_neighbour);
	struct kmem_cache *s;
	unsigned char *target;
	struct block *b;
	unsigned int k;

	if (i < 0)
		return;
	b = &live[i];
	s = b->cache;
	target = b->addr + ksize(b->addr);
	trace("write 1 byte past %p [%zu], at %p: its neighbour is free", (void *)b->addr,
	      ksize(b->addr), (void *)target);
	for (k = 0; k < nr_live; k++)
		if (target >= live[k].addr && target < live[k].addr + live[k].size)
			fail("the free neighbour %p of %p is live in the model", (void *)target,
			     (void *)b->addr);
	if (cache_has(s, SLAB_RED_ZONE)) {
		*target = red_zone_junk(v);
		b->dirty = true;
	} else {
		if (!cache_debug(s) && target != (unsigned char *)b->addr + s->size)
			fail("ksize(%p) is not the stride %u", (void *)b->addr, s->size);
		*target = (unsigned char)v;
	}
}

/* Whether the free object @obj of a SLAB_POISON cache holds its poison, as
 * the debug layer checks it, over the bytes the model writes: [0, object_size). */
static bool poison_intact(const struct kmem_cache *s, const unsigned char *obj)
{
	size_t area = s->offset - (cache_has(s, SLAB_RED_ZONE) ? sizeof(void *) : 0), i;

	for (i = 0; i < s->object_size; i++)
		if (obj[i] != (i == area - 1 ? POISON_END : POISON_FREE))
			return false;
	return true;
}

/*
 * Writes into a freed object that its pool still holds free, in a cache
 * without a constructor (the model expects a free object to keep what the
 * constructor made): arbitrary bytes or bit flips, mostly over its first
 * words, where a free-list link used to be. Nothing of the allocator's is
 * there; with SLAB_POISON the damage is reported once, at the object's next
 * allocation or at a validation, unless the writes so far put every byte
 * back (two flips of one bit do) or the object holds no poison yet (a pool
 * taken again makes its objects ready at their first allocation).
 */
static void do_scribble_freed(struct reader *rd)
{
	unsigned int how = get8(rd), v = get16(rd), w = get16(rd);
	const struct freed *f;
	struct kmem_cache *s;
	size_t off, n, k, span;

	if (!nr_freed)
		return;
	f = &freed_ring[(how >> 2) % nr_freed];
	s = f->cache;
	if (!s || s->ctor || stale_state(f) != STALE_FREE_OBJECT)
		return;
	if (cache_has(s, SLAB_POISON) && nr_poisoned == MAX_POISONED)
		return;
	span = (how & 2) ? s->object_size : 4 * sizeof(void *);
	if (span > s->object_size)
		span = s->object_size;
	off = v % span;
	n = 1 + (v >> 12) % 8;
	if (off + n > s->object_size)
		n = s->object_size - off;
	trace("%s %zu bytes at %p + %zu after free (scribble)",
	      (how & 1) ? "flip a bit of" : "write", n, (void *)f->addr, off);
	for (k = 0; k < n; k++) {
		if (how & 1)
			f->addr[off + k] ^= (unsigned char)(1u << ((w + k) % 8));
		else
			f->addr[off + k] = (unsigned char)(w >> (k % 2 * 8));
	}
	if (!cache_has(s, SLAB_POISON) || !stale_made_ready(f))
		return; /* never made ready here: its next allocation writes it anew */
	for (k = 0; k < nr_poisoned; k++)
		if (poisoned[k].addr == f->addr)
			break;
	if (poison_intact(s, f->addr)) {
		if (k < nr_poisoned)
			poisoned[k] = poisoned[--nr_poisoned]; /* nothing left to report */
	} else if (k == nr_poisoned) {
		poisoned[nr_poisoned].addr = f->addr;
		poisoned[nr_poisoned].cache = s;
		nr_poisoned++;
	}
}

/*
 * A cache handle where a block belongs: kfree() of a live cache's handle is
 * refused (WRONG_CACHE); kmem_cache_destroy() of a destroyed cache's handle,
 * of a kmalloc block or of static data is reported as a destroy of no cache
 * (DOUBLE_FREE). Nothing changes: the model goes on as before.
 */
static void do_cache_handle(struct reader *rd)
{
	unsigned int how = get8(rd);
	int slot = pick_ucache(rd, false), i, j;
	struct kmem_cache *dead;

	switch (how % 4) {
	case 0:
		if (slot < 0)
			return;
		trace("kfree(%s's handle %p)", ucache_names[slot], (void *)ucaches[slot].s);
		expect_report(KIND(MM_REPORT_WRONG_CACHE), ucaches[slot].s);
		kfree(ucaches[slot].s);
		break;
	case 1:
		dead = dead_handles[(how >> 2) % NR_UCACHES];
		if (!dead)
			return;
		for (j = 0; j < NR_UCACHES; j++)
			if (ucaches[j].s == dead)
				return; /* a new cache has its descriptor: destroying it is no misuse */
		trace("kmem_cache_destroy(%p) again", (void *)dead);
		expect_report(KIND(MM_REPORT_DOUBLE_FREE), dead);
		kmem_cache_destroy(dead);
		break;
	case 2:
		i = pick_live(rd, is_kmalloc);
		if (i < 0)
			return;
		trace("kmem_cache_destroy(%p), a kmalloc block", (void *)live[i].addr);
		expect_report(KIND(MM_REPORT_DOUBLE_FREE), live[i].addr);
		kmem_cache_destroy((struct kmem_cache *)(void *)live[i].addr);
		break;
	default:
		trace("kmem_cache_destroy(%p), static data", (void *)foreign_static);
		expect_report(KIND(MM_REPORT_DOUBLE_FREE), foreign_static);
		kmem_cache_destroy((struct kmem_cache *)(void *)foreign_static);
		break;
	}
}

/* Check a few live blocks in turn, so that every one is looked at now and then. */
static void check_some(void)
{
	unsigned int k;

	for (k = 0; k < 2 && nr_live; k++)
		glance(&live[check_rotor++ % nr_live], "rotating check");
}

/* Argument bytes of every operation (it reads zeroes past those it was given). */
#define OP_ARGS 7

static void run_op(struct reader *in)
{
	enum op op = (enum op)op_table[get8(in) % op_table_len];
	uint8_t args[OP_ARGS];
	struct reader arg_reader = { args, OP_ARGS }, *rd = &arg_reader;
	unsigned int k;

	for (k = 0; k < OP_ARGS; k++)
		args[k] = (uint8_t)get8(in);
	nr_ops++;
	switch (op) {
	case OP_KMALLOC:
	case OP_KZALLOC:
	case OP_KCALLOC:
		do_kmalloc(rd, op);
		break;
	case OP_KREALLOC:
		do_krealloc(rd);
		break;
	case OP_FREE:
		do_free(rd);
		break;
	case OP_CACHE_CREATE:
		do_cache_create(rd);
		break;
	case OP_CACHE_ALLOC:
		do_cache_alloc(rd);
		break;
	case OP_CACHE_DESTROY:
		do_cache_destroy(rd, false);
		break;
	case OP_PAGES_ALLOC:
		do_pages_alloc(rd, false);
		break;
	case OP_EXACT_ALLOC:
		do_pages_alloc(rd, true);
		break;
	case OP_FAIL_NTH:
		do_fail_nth(rd);
		break;
	case OP_SHRINK:
		do_shrink(rd);
		break;
	case OP_VALIDATE:
		trace("mm_validate()");
		check_all("mm_validate op", false);
		break;
	case OP_QUERY:
		do_query(rd);
		break;
	case OP_DOUBLE_FREE:
		do_double_free(rd);
		break;
	case OP_INTERIOR_FREE:
		do_interior_free(rd);
		break;
	case OP_FOREIGN_FREE:
		do_foreign_free(rd);
		break;
	case OP_WRONG_CACHE:
		do_wrong_cache(rd);
		break;
	case OP_DESTROY_BUSY:
		do_cache_destroy(rd, true);
		break;
	case OP_RED_ZONE_WRITE:
		do_red_zone_write(rd);
		break;
	case OP_USE_AFTER_FREE:
		do_use_after_free(rd);
		break;
	case OP_BAD_PAGES:
		do_bad_pages(rd);
		break;
	case OP_OVERFLOW_NEIGHBOUR:
		do_overflow_neighbour(rd);
		break;
	case OP_SCRIBBLE_FREED:
		do_scribble_freed(rd);
		break;
	case OP_CACHE_HANDLE:
		do_cache_handle(rd);
		break;
	case NR_OPS:
		break;
	}
	check_reports();
	prune_poisoned();
	check_some();
}

/* ---- set-up and the end of each input --------------------------------------------- */

/* Free everything, destroy the caches: the heap must be as after set-up. */
static void teardown(void)
{
	struct mm_stats st;
	unsigned int slot;
	int problems;

	trace("teardown");
	mm_fail_nth(0);
	model_fail = 0;
	while (nr_live)
		free_live(nr_live - 1, false);
	for (slot = 0; slot < NR_UCACHES; slot++) {
		if (ucaches[slot].s)
			kmem_cache_destroy(ucaches[slot].s);
		ucaches[slot].s = NULL;
	}
	mm_shrink();
	check_reports();
	nr_freed = 0;
	freed_next = 0;
	nr_poisoned = 0;
	memset(dead_handles, 0, sizeof(dead_handles));
	dead_next = 0;
	mm_get_stats(&st);
	if (st.free_bytes != baseline.free_bytes)
		fail("after freeing everything %zu bytes are free, %zu after set-up: %ld leaked",
		     st.free_bytes, baseline.free_bytes,
		     (long)baseline.free_bytes - (long)st.free_bytes);
	if (st.nr_free_runs != baseline.nr_free_runs ||
	    st.largest_free_bytes != baseline.largest_free_bytes)
		fail("after freeing everything: %zu free runs, largest free block %zu bytes; "
		     "%zu and %zu after set-up: not coalesced",
		     st.nr_free_runs, st.largest_free_bytes, baseline.nr_free_runs,
		     baseline.largest_free_bytes);
	if (st.live_bytes || st.nr_pools || st.nr_large || st.used_bytes)
		fail("after freeing everything: %zu live bytes, %zu pools, %zu large blocks, "
		     "%zu bytes used",
		     st.live_bytes, st.nr_pools, st.nr_large, st.used_bytes);
	problems = mm_validate();
	if (problems)
		fail("mm_validate() of the empty heap found %d problems", problems);
	check_reports();
}

static slab_flags_t parse_debug_flags(const char *s)
{
	slab_flags_t f = 0;

	if (!s)
		return SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
	for (; *s; s++) {
		if (*s == 'r')
			f |= SLAB_RED_ZONE;
		else if (*s == 'p')
			f |= SLAB_POISON;
		else if (*s == 'u')
			f |= SLAB_STORE_USER;
	}
	return f;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env;

	(void)argc;
	(void)argv;
	debug_flags = parse_debug_flags(getenv("BARESLAB_FUZZ_DEBUG"));
	env = getenv("BARESLAB_FUZZ_VALIDATE_EVERY");
	if (env && atoi(env) > 0)
		validate_every = (unsigned int)atoi(env);
	trace_ops = getenv("BARESLAB_FUZZ_TRACE") != NULL;
	if (mm_add_region(heap_small + SMALL_HEAP_SKEW, SMALL_HEAP_SIZE) ||
	    (CONFIG_MM_MAX_REGIONS > 1 && mm_add_region(heap_main, MAIN_HEAP_SIZE))) {
		fprintf(stderr, "fuzz_ops: mm_add_region failed\n");
		abort();
	}
	if (mm_debug_enable(debug_flags)) {
		fprintf(stderr, "fuzz_ops: mm_debug_enable(%#x) failed\n", debug_flags);
		abort();
	}
	mm_get_stats(&baseline);
	small_pool_order_init();
	pattern_init();
	op_table_init();
	fprintf(stderr,
		"fuzz_ops: %s, %u region(s), %zu free bytes, debug flags %#x, validate every %u "
		"ops\n",
		IS_ENABLED(CONFIG_MM_PAGE_ALLOC) ? "page allocator" : "static (runs)",
		mm_nr_regions, baseline.free_bytes, debug_flags, validate_every);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, size };
	unsigned long n = 0;

	if (nr_live || nr_seen)
		fail("the previous input left %u blocks, %u reports", nr_live, nr_seen);
	rng_state = 0x9e3779b97f4a7c15ull ^ get32(&rd);
	nr_ops = 0;
	trace_pos = 0;
	while (rd.left) {
		run_op(&rd);
		if (++n % validate_every == 0)
			check_all("periodic check", false);
	}
	check_all("end of input", true);
	teardown();
	return 0;
}
