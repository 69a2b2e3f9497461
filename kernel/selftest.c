// SPDX-License-Identifier: MIT
/*
 * kernel/selftest.c - the allocator's tests, on the board itself: every
 * promise of <mm/slab.h> and <mm/page_alloc.h> that the board can observe,
 * checked through the public API only.
 *
 * A test is a function returning NULL when it passed, or why it failed (made
 * with fail()). The harness, run_test(), wraps each one:
 *
 *   mm_shrink(), snapshot -> test -> mm_shrink(), mm_validate(), snapshot -> compare
 *
 * and fails a test after which the validator finds a problem, that left pages,
 * live bytes or the largest free block changed, or that caused other misuse
 * reports than the ones it declares. Those declared reports are counted by the
 * report hook but not printed; each misuse test also checks that its one bad
 * call gave exactly one report of the right kind and changed no block.
 */
#include <stdint.h>
#include <mm/debug.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/stats.h>

#include "lib.h"
#include "mm_commands.h"
#include "printk.h"
#include "report.h"
#include "selftest.h"
#include "stress.h"

/* Operations of the randomized model check. */
#define MODEL_OPS 20000
/* Object size of the exhaustion test: small, so the heap fills to the last page. */
#define FILL_SIZE 64
/* Objects some tests hold at once. */
#define NR_OBJS 64

struct selftest {
	const char *name;
	const char *(*run)(void);
	unsigned int reports; /* misuse reports the test causes on purpose */
};

static char why_buf[128];
static char note_buf[80];
static unsigned long model_seed;
static void *objs[NR_OBJS];

/* The reason a test failed, formatted; returned by the test. */
static const char *fail(const char *fmt, ...) __printf(1, 2);

static const char *fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return why_buf;
}

/* A remark printed after the test's name on its "ok" line. */
static void note(const char *fmt, ...) __printf(1, 2);

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(note_buf, sizeof(note_buf), fmt, ap);
	va_end(ap);
}

static bool aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static void fill_bytes(void *p, unsigned char c, size_t n)
{
	unsigned char *b = p;

	while (n--)
		*b++ = c;
}

/* Whether the @n bytes at @p are all @c. */
static bool bytes_are(const void *p, unsigned char c, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++ != c)
			return false;
	return true;
}

/* Word-at-a-time fill and check, for whole ksize() blocks (multiples of MM_MIN_ALIGN). */
static void fill_words(void *p, uintptr_t v, size_t bytes)
{
	uintptr_t *w = p;
	size_t i;

	for (i = 0; i < bytes / sizeof(*w); i++)
		w[i] = v ^ i;
}

static bool words_are(const void *p, uintptr_t v, size_t bytes)
{
	const uintptr_t *w = p;
	size_t i;

	for (i = 0; i < bytes / sizeof(*w); i++)
		if (w[i] != (v ^ i))
			return false;
	return true;
}

/* The figures of the cache named @name. */
static bool find_cache_stats(const char *name, struct mm_cache_stats *cs)
{
	unsigned int i;

	for (i = 0; mm_get_cache_stats(i, cs); i++)
		if (!kstrcmp(cs->name, name))
			return true;
	return false;
}

/* ---- misuse reports ------------------------------------------------------------------- */

/* The figures and the report hook's count, before a misuse. */
struct snapshot {
	struct mm_stats st;
	unsigned long hooked;
};

static void snap(struct snapshot *s)
{
	mm_get_stats(&s->st);
	s->hooked = report_count();
}

/*
 * After one misuse (@what): exactly one report since @s, of @kind, seen by
 * the report hook, and no block freed or allocated. Return NULL when so.
 */
static const char *expect_report(const struct snapshot *s, enum mm_report_kind kind,
				 const char *what)
{
	struct mm_stats now;
	unsigned long all, kinds;

	mm_get_stats(&now);
	all = now.nr_reports - s->st.nr_reports;
	kinds = now.nr_reports_by_kind[kind] - s->st.nr_reports_by_kind[kind];
	if (all != 1 || kinds != 1)
		return fail("%s: %lu reports, %lu of them '%s'; expected exactly one", what, all,
			    kinds, mm_report_kind_name(kind));
	if (report_count() - s->hooked != 1)
		return fail("%s: the report hook ran %lu times", what, report_count() - s->hooked);
	if (now.live_bytes != s->st.live_bytes || now.nr_frees != s->st.nr_frees ||
	    now.nr_allocs != s->st.nr_allocs)
		return fail("%s changed the heap: %zu live bytes, %zu before", what, now.live_bytes,
			    s->st.live_bytes);
	return NULL;
}

/* ---- kmalloc -------------------------------------------------------------------------- */

/* The alignment kmalloc(@size) promises. */
static size_t kmalloc_align(size_t size)
{
	if (size > PAGE_SIZE)
		return PAGE_SIZE;
	if (!(size & (size - 1)) && size > MM_MIN_ALIGN)
		return size;
	return MM_MIN_ALIGN;
}

/* Sizes above every size class that the size tests try. */
static const size_t large_sizes[] = { 3 * PAGE_SIZE + 1, 16 * PAGE_SIZE, 100000 };

/* Every size from 1 to two pages and a bit, then the large ones; 0 after the last. */
static size_t next_size(size_t size)
{
	size_t i;

	if (size < 2 * PAGE_SIZE + MM_MIN_ALIGN)
		return size + 1;
	for (i = 0; i < ARRAY_SIZE(large_sizes); i++)
		if (large_sizes[i] > size)
			return large_sizes[i];
	return 0;
}

static const char *test_kmalloc_alignment(void)
{
	size_t size;
	void *a, *b;

	for (size = 1; size; size = next_size(size)) {
		size_t al = kmalloc_align(size);

		a = kmalloc(size, GFP_KERNEL);
		b = kmalloc(size, GFP_KERNEL);
		if (!a || !b || !aligned(a, al) || !aligned(b, al)) {
			kfree(a);
			kfree(b);
			return fail("kmalloc(%zu) gave %p and %p; expected both aligned to %zu",
				    size, a, b, al);
		}
		kfree(a);
		kfree(b);
	}
	return NULL;
}

/* Most bytes kmalloc(@size) may take: the size-class table's worst loss. */
static size_t ksize_limit(size_t size)
{
	if (size <= 128)
		return size + MM_MIN_ALIGN - 1;
	if (size <= PAGE_SIZE)
		return size + size / 4;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return 2 * size;
	return (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static const char *test_size_classes(void)
{
	size_t size, na, nb;
	void *a, *b;

	for (size = 1; size; size = next_size(size)) {
		a = kmalloc(size, GFP_KERNEL);
		b = kmalloc(size, GFP_KERNEL);
		na = ksize(a);
		nb = ksize(b);
		if (!a || !b || na < size || na > ksize_limit(size)) {
			kfree(a);
			kfree(b);
			return fail("kmalloc(%zu): ksize %zu, expected %zu to %zu", size, na, size,
				    ksize_limit(size));
		}
		/* Every byte ksize() promises is usable, and two blocks do not meet. */
		fill_words(a, 0xa5a5a5a5u, na);
		fill_words(b, 0x5a5a5a5au, nb);
		if (!words_are(a, 0xa5a5a5a5u, na) || !words_are(b, 0x5a5a5a5au, nb)) {
			kfree(a);
			kfree(b);
			return fail("kmalloc(%zu): two blocks of ksize %zu overlap", size, na);
		}
		kfree(a);
		kfree(b);
	}
	return NULL;
}

static const char *test_zero_size(void)
{
	struct mm_stats before, after;
	void *p;

	mm_get_stats(&before);
	if (kmalloc(0, GFP_KERNEL) != ZERO_SIZE_PTR || kzalloc(0, GFP_KERNEL) != ZERO_SIZE_PTR ||
	    kcalloc(0, 8, GFP_KERNEL) != ZERO_SIZE_PTR)
		return fail("kmalloc(0), kzalloc(0) or kcalloc(0, 8) is not ZERO_SIZE_PTR");
	if (ksize(ZERO_SIZE_PTR) != 0 || ksize(NULL) != 0)
		return fail("ksize(ZERO_SIZE_PTR) or ksize(NULL) is not 0");
	kfree(ZERO_SIZE_PTR); /* both ignored, without a report */
	kfree(NULL);
	mm_get_stats(&after);
	if (after.nr_allocs != before.nr_allocs || after.live_bytes != before.live_bytes)
		return fail("size 0 allocated something");
	p = kmalloc(10, GFP_KERNEL);
	if (!p)
		return fail("kmalloc(10) failed");
	if (krealloc(p, 0, GFP_KERNEL) != ZERO_SIZE_PTR)
		return fail("krealloc(p, 0) is not ZERO_SIZE_PTR");
	mm_get_stats(&after);
	if (after.live_bytes != before.live_bytes)
		return fail("krealloc(p, 0) did not free p");
	return NULL;
}

static const char *test_kzalloc_kcalloc(void)
{
	static const size_t sizes[] = { 8, 300, 3 * PAGE_SIZE + 5 };
	struct mm_stats before, after;
	unsigned char *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* Dirty a block, free it: kzalloc() of the size likely gets it back. */
		p = kmalloc(sizes[i], GFP_KERNEL);
		if (!p)
			return fail("kmalloc(%zu) failed", sizes[i]);
		fill_bytes(p, 0xee, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i], GFP_KERNEL);
		if (!p || !bytes_are(p, 0, sizes[i])) {
			kfree(p);
			return fail("kzalloc(%zu) is not zeroed", sizes[i]);
		}
		kfree(p);
	}
	p = kcalloc(7, 40, GFP_KERNEL);
	if (!p || !bytes_are(p, 0, 280) || ksize(p) < 280) {
		kfree(p);
		return fail("kcalloc(7, 40) is not 280 zeroed bytes");
	}
	kfree(p);
	mm_get_stats(&before);
	if (kcalloc(SIZE_MAX / 8 + 1, 8, GFP_KERNEL) || kcalloc(SIZE_MAX, SIZE_MAX, GFP_KERNEL))
		return fail("kcalloc() whose product overflows did not fail");
	mm_get_stats(&after);
	if (after.nr_failures != before.nr_failures + 2 || after.live_bytes != before.live_bytes)
		return fail("overflowing kcalloc(): %lu failures counted, not 2",
			    after.nr_failures - before.nr_failures);
	return NULL;
}

static const char *test_krealloc(void)
{
	unsigned char *p, *q;
	size_t old;

	p = krealloc(NULL, 24, GFP_KERNEL); /* kmalloc() */
	if (!p || ksize(p) < 24)
		return fail("krealloc(NULL, 24) gave %p", (void *)p);
	old = ksize(p);
	fill_bytes(p, 0x11, old);
	if (krealloc(p, 20, GFP_KERNEL) != p || krealloc(p, old, GFP_KERNEL) != p) {
		kfree(p);
		return fail("krealloc() within ksize %zu moved the block", old);
	}
	q = krealloc(p, 1000, GFP_KERNEL | __GFP_ZERO);
	if (!q || ksize(q) < 1000 || !bytes_are(q, 0x11, old) ||
	    !bytes_are(q + old, 0, 1000 - old)) {
		kfree(q ? q : p);
		return fail("krealloc(%zu -> 1000, __GFP_ZERO): lost contents or not zeroed", old);
	}
	fill_bytes(q, 0x22, 1000);
	p = krealloc(q, 5 * PAGE_SIZE, GFP_KERNEL); /* into page-backed memory */
	if (!p || !aligned(p, PAGE_SIZE) || !bytes_are(p, 0x22, 1000)) {
		kfree(p ? p : q);
		return fail("krealloc(1000 -> 5 pages) lost contents");
	}
	q = krealloc(p, (PAGE_SIZE << MAX_ORDER) + 1, GFP_KERNEL); /* cannot be served */
	if (q || !bytes_are(p, 0x22, 1000)) {
		kfree(q ? q : p);
		return fail("a krealloc() that cannot be served did not fail or hurt the block");
	}
	q = krealloc(p, 100, GFP_KERNEL);
	if (q != p) {
		kfree(q ? q : p);
		return fail("shrinking a page-backed block moved it");
	}
	kfree(p);
	return NULL;
}

/* ---- caches --------------------------------------------------------------------------- */

#define CTOR_SIZE 100
#define CTOR_ALIGN 128
#define CTOR_BYTE 0xc7

static unsigned long ctor_calls;

static void selftest_ctor(void *obj)
{
	fill_bytes(obj, CTOR_BYTE, CTOR_SIZE);
	ctor_calls++;
}

/* Take @n objects of @s into objs[], each with the @al alignment; false when not. */
static bool take_objects(struct kmem_cache *s, unsigned int n, size_t al)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!objs[i] || !aligned(objs[i], al))
			return false;
	}
	return true;
}

static void give_objects(struct kmem_cache *s, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		kmem_cache_free(s, objs[i]);
		objs[i] = NULL;
	}
}

/* Each of the @n objects in objs[] still holds what the constructor wrote. */
static bool objects_constructed(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!bytes_are(objs[i], CTOR_BYTE, CTOR_SIZE))
			return false;
	return true;
}

static const char *test_cache_ctor_align(void)
{
	struct kmem_cache *s;
	struct mm_cache_stats cs;
	const char *why = NULL;

	if (kmem_cache_create("selftest_bad", 0, 0, 0, NULL) ||
	    kmem_cache_create("selftest_bad", 64, 48, 0, NULL) ||
	    kmem_cache_create(NULL, 64, 0, 0, NULL))
		return fail("kmem_cache_create() took size 0, alignment 48 or no name");
	ctor_calls = 0;
	s = kmem_cache_create("selftest_ctor", CTOR_SIZE, CTOR_ALIGN, 0, selftest_ctor);
	if (!s || kmem_cache_size(s) < CTOR_SIZE)
		return fail("kmem_cache_create(%d bytes, align %d, ctor) failed", CTOR_SIZE,
			    CTOR_ALIGN);
	if (!take_objects(s, NR_OBJS, CTOR_ALIGN))
		why = fail("an object is missing or not aligned to %d", CTOR_ALIGN);
	else if (!objects_constructed(NR_OBJS))
		why = fail("an object does not hold what its constructor wrote");
	give_objects(s, NR_OBJS);
	/* Reused objects come back as freed, constructed; the constructor runs only on new ones. */
	if (!why && !take_objects(s, NR_OBJS, CTOR_ALIGN))
		why = fail("allocating again failed");
	else if (!why && !objects_constructed(NR_OBJS))
		why = fail("a reused object lost its constructed state");
	else if (!why && (!find_cache_stats("selftest_ctor", &cs) || ctor_calls < NR_OBJS ||
			  ctor_calls > cs.total_objs))
		why = fail("the constructor ran %lu times for %d objects", ctor_calls, NR_OBJS);
	give_objects(s, NR_OBJS);
	kmem_cache_destroy(s);
	if (why)
		return why;

	s = kmem_cache_create("selftest_hwalign", 72, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!s)
		return fail("kmem_cache_create(72, SLAB_HWCACHE_ALIGN) failed");
	if (!take_objects(s, NR_OBJS, MM_CACHE_LINE))
		why = fail("SLAB_HWCACHE_ALIGN object not aligned to %d", MM_CACHE_LINE);
	else
		fill_bytes(objs[NR_OBJS - 1], 0xff, 72);
	give_objects(s, NR_OBJS - 1);
	kmem_cache_free(s, objs[NR_OBJS - 1]);
	objs[NR_OBJS - 1] = NULL;
	objs[0] = why ? NULL : kmem_cache_zalloc(s, GFP_KERNEL); /* the dirty one, LIFO */
	if (!why && (!objs[0] || !bytes_are(objs[0], 0, 72)))
		why = fail("kmem_cache_zalloc() object not zeroed");
	kmem_cache_free(s, objs[0]);
	objs[0] = NULL;
	kmem_cache_destroy(s);
	return why;
}

/* ---- pages ---------------------------------------------------------------------------- */

static size_t free_pages_now(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	return st.pages_free;
}

static const char *test_page_allocator(void)
{
	size_t before = free_pages_now(), used;
	unsigned int order;
	void *p;

	for (order = 0; order <= 4; order++) {
		p = get_free_pages(GFP_KERNEL, order);
		used = before - free_pages_now();
		if (!p || !aligned(p, PAGE_SIZE << order) || used != (size_t)1 << order) {
			free_pages(p, order);
			return fail("get_free_pages(order %u) gave %p using %zu pages", order, p,
				    used);
		}
		fill_bytes(p, 0x33, PAGE_SIZE << order);
		free_pages(p, order);
	}
	p = get_free_pages(GFP_KERNEL | __GFP_ZERO, 4);
	if (!p || !bytes_are(p, 0, PAGE_SIZE << 4)) {
		free_pages(p, 4);
		return fail("get_free_pages(__GFP_ZERO, 4) is not zeroed");
	}
	free_pages(p, 4);
	if (get_free_pages(GFP_KERNEL, MAX_ORDER + 1))
		return fail("get_free_pages(MAX_ORDER + 1) did not fail");
	/* Exact runs take just the pages needed, not a power of two of them. */
	p = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);
	used = before - free_pages_now();
	free_pages_exact(p, 5 * PAGE_SIZE);
	if (!p || !aligned(p, PAGE_SIZE) || used != 5)
		return fail("alloc_pages_exact(5 pages) gave %p using %zu pages", p, used);
	p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	used = before - free_pages_now();
	kfree(p);
	if (!p || used != 5)
		return fail("kmalloc(5 pages) gave %p using %zu pages", p, used);
	if (free_pages_now() != before)
		return fail("%zu free pages at the end, %zu at the start", free_pages_now(),
			    before);
	return NULL;
}

/* ---- figures -------------------------------------------------------------------------- */

static const char *test_stats_counting(void)
{
	struct mm_stats a, b;
	struct mm_cache_stats cs;
	struct kmem_cache *s;
	void *p, *o;
	size_t n;

	mm_get_stats(&a);
	p = kmalloc(100, GFP_KERNEL);
	n = ksize(p);
	mm_get_stats(&b);
	if (!p || b.nr_allocs != a.nr_allocs + 1 || b.live_bytes != a.live_bytes + n) {
		kfree(p);
		return fail("kmalloc(100): %lu allocations and %zu live bytes more, not 1 and %zu",
			    b.nr_allocs - a.nr_allocs, b.live_bytes - a.live_bytes, n);
	}
	kfree(p);
	mm_get_stats(&b);
	if (b.nr_frees != a.nr_frees + 1 || b.live_bytes != a.live_bytes)
		return fail("kfree(): %lu frees more, live bytes %zu, was %zu",
			    b.nr_frees - a.nr_frees, b.live_bytes, a.live_bytes);

	s = kmem_cache_create("selftest_stats", 50, 0, 0, NULL);
	mm_get_stats(&a); /* after the cache's descriptor was allocated */
	o = s ? kmem_cache_alloc(s, GFP_KERNEL) : NULL;
	mm_get_stats(&b);
	if (!o || !find_cache_stats("selftest_stats", &cs)) {
		kmem_cache_destroy(s);
		return fail("kmem_cache_create() or kmem_cache_alloc() failed");
	}
	if (cs.active_objs != 1 || cs.object_size != 50 || cs.nr_allocs != 1 ||
	    cs.total_pools != 1 || b.live_requested_bytes != a.live_requested_bytes + 50) {
		kmem_cache_free(s, o);
		kmem_cache_destroy(s);
		return fail("one 50-byte object: %lu active of size %zu, %lu allocs, %lu pools, "
			    "%zu requested bytes more",
			    cs.active_objs, cs.object_size, cs.nr_allocs, cs.total_pools,
			    b.live_requested_bytes - a.live_requested_bytes);
	}
	kmem_cache_free(s, o);
	kmem_cache_destroy(s);
	return NULL;
}

/* ---- misuse --------------------------------------------------------------------------- */

static const char *test_double_free(void)
{
	struct snapshot s;
	const char *why;
	void *p = kmalloc(64, GFP_KERNEL), *a, *b;

	if (!p)
		return fail("kmalloc(64) failed");
	kfree(p);
	snap(&s);
	kfree(p);
	why = expect_report(&s, MM_REPORT_DOUBLE_FREE, "kfree() twice");
	/* The free list survived: two allocations give two blocks. */
	a = kmalloc(64, GFP_KERNEL);
	b = kmalloc(64, GFP_KERNEL);
	if (!why && (!a || !b || a == b))
		why = fail("after the double free kmalloc(64) gave %p and %p", a, b);
	kfree(a);
	kfree(b);
	return why;
}

static int selftest_static[16];

static const char *test_foreign_free(void)
{
	int on_stack[4] = { 0 };
	struct snapshot s;
	struct kmem_cache *c;
	const char *why;
	void *p = kmalloc(32, GFP_KERNEL);

	if (!p || !mm_owns(p) || mm_owns(selftest_static) || mm_owns(on_stack) ||
	    ksize(selftest_static) != 0) {
		kfree(p);
		return fail("mm_owns() or ksize() wrong about heap, static or stack memory");
	}
	kfree(p);
	snap(&s);
	kfree(selftest_static);
	why = expect_report(&s, MM_REPORT_FOREIGN_FREE, "kfree(static data)");
	if (why)
		return why;
	snap(&s);
	kfree(on_stack);
	why = expect_report(&s, MM_REPORT_FOREIGN_FREE, "kfree(stack)");
	if (why)
		return why;
	c = kmem_cache_create("selftest_foreign", 32, 0, 0, NULL);
	if (!c)
		return fail("kmem_cache_create() failed");
	snap(&s);
	kmem_cache_free(c, &selftest_static[4]);
	why = expect_report(&s, MM_REPORT_FOREIGN_FREE, "kmem_cache_free(static data)");
	kmem_cache_destroy(c);
	return why;
}

static const char *test_interior_free(void)
{
	unsigned char *p = kmalloc(64, GFP_KERNEL), *q = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	struct snapshot s;
	const char *why = NULL;

	if (!p || !q)
		why = fail("kmalloc() failed");
	else if (ksize(p + 8) != 0 || ksize(q + PAGE_SIZE) != 0)
		why = fail("ksize() of a pointer inside a block is not 0");
	if (!why) {
		snap(&s);
		kfree(p + 8);
		why = expect_report(&s, MM_REPORT_INTERIOR_FREE, "kfree(inside a slab block)");
	}
	if (!why) {
		snap(&s);
		kfree(q + PAGE_SIZE);
		why = expect_report(&s, MM_REPORT_INTERIOR_FREE, "kfree(inside a page block)");
	}
	kfree(p);
	kfree(q);
	return why;
}

static const char *test_wrong_cache(void)
{
	struct kmem_cache *a = kmem_cache_create("selftest_a", 96, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("selftest_b", 96, 0, 0, NULL);
	void *o = a ? kmem_cache_alloc(a, GFP_KERNEL) : NULL;
	void *k = kmalloc(96, GFP_KERNEL);
	struct snapshot s;
	const char *why = NULL;

	if (!b || !o || !k)
		why = fail("kmem_cache_create(), kmem_cache_alloc() or kmalloc() failed");
	if (!why) {
		snap(&s);
		kmem_cache_free(b, o);
		why = expect_report(&s, MM_REPORT_WRONG_CACHE,
				    "object of one cache freed to another");
	}
	if (!why) {
		snap(&s);
		kmem_cache_free(a, k);
		why = expect_report(&s, MM_REPORT_WRONG_CACHE, "kmalloc block freed to a cache");
	}
	kmem_cache_free(a, o); /* the right way; both are still live */
	kfree(k);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
	return why;
}

static const char *test_busy_destroy(void)
{
	struct kmem_cache *c = kmem_cache_create("selftest_busy", 200, 0, 0, NULL);
	void *o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL, *o2;
	struct snapshot s;
	const char *why;

	if (!o) {
		kmem_cache_destroy(c);
		return fail("kmem_cache_create() or kmem_cache_alloc() failed");
	}
	snap(&s);
	kmem_cache_destroy(c);
	why = expect_report(&s, MM_REPORT_CACHE_BUSY, "kmem_cache_destroy() with a live object");
	o2 = kmem_cache_alloc(c, GFP_KERNEL); /* refused, so the cache still works */
	if (!why && !o2)
		why = fail("the cache stopped working after a refused destroy");
	kmem_cache_free(c, o2);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	return why;
}

static const char *test_bad_free_pages(void)
{
	unsigned char *p = get_free_pages(GFP_KERNEL, 2);
	struct snapshot s;
	const char *why;

	if (!p)
		return fail("get_free_pages(order 2) failed");
	snap(&s);
	free_pages(p + PAGE_SIZE, 0);
	why = expect_report(&s, MM_REPORT_BAD_PAGES, "free_pages(the second page of a block)");
	free_pages(p, 2);
	return why;
}

/* ---- exhaustion and shrinking --------------------------------------------------------- */

/*
 * The exhaustion test fills the heap to its last byte with small objects.
 * Filling 128 MiB object by object would take seconds under QEMU, so whole
 * page blocks take all but FILL_FREE_PAGES pages first; small objects then
 * take the rest, down to the last free page.
 */
#define FILL_FREE_PAGES 256

/* Page blocks held: word 0 links to the next block, word 1 is the order. */
static void **held_pages;
/* Objects held, linked through their first word. */
static void *fill_chain;

/* Take page blocks, largest first, until at most @keep pages are free. */
static void hold_pages(size_t keep)
{
	int order;
	void **b;

	for (order = MAX_ORDER; order >= 0; order--) {
		while (free_pages_now() >= keep + ((size_t)1 << order)) {
			b = get_free_pages(GFP_KERNEL, (unsigned int)order);
			if (!b)
				break;
			b[0] = held_pages;
			b[1] = (void *)(uintptr_t)order;
			held_pages = b;
		}
	}
}

static void release_pages(void)
{
	while (held_pages) {
		void **b = held_pages;

		held_pages = b[0];
		free_pages(b, (unsigned int)(uintptr_t)b[1]);
	}
}

/* Allocate from @s until it fails; return how many objects it gave. */
static unsigned long fill_cache(struct kmem_cache *s)
{
	unsigned long n = 0;
	void **obj;

	while ((obj = kmem_cache_alloc(s, GFP_KERNEL))) {
		*obj = fill_chain;
		fill_chain = obj;
		n++;
	}
	return n;
}

static void empty_cache(struct kmem_cache *s)
{
	while (fill_chain) {
		void **obj = fill_chain;

		fill_chain = *obj;
		kmem_cache_free(s, obj);
	}
}

static const char *test_exhaustion(void)
{
	struct kmem_cache *s = kmem_cache_create("selftest_fill", FILL_SIZE, 0, 0, NULL);
	struct mm_stats full, st;
	unsigned long first, second;
	void *big, *page;

	if (!s)
		return fail("kmem_cache_create() failed");
	hold_pages(FILL_FREE_PAGES);
	first = fill_cache(s);
	mm_get_stats(&full);
	big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	mm_get_stats(&st);
	page = get_free_pages(GFP_KERNEL, 0);
	empty_cache(s);
	second = fill_cache(s); /* the same memory again */
	empty_cache(s);
	release_pages();
	kmem_cache_destroy(s);
	if (full.pages_free != 0 || big || page || st.nr_failures != full.nr_failures + 1) {
		kfree(big);
		free_pages(page, 0);
		return fail("full after %lu objects with %zu pages free; then kmalloc(3 pages) "
			    "gave %p, get_free_pages(0) %p",
			    first, full.pages_free, big, page);
	}
	if (second != first)
		return fail("after freeing all: %lu objects the second time, %lu the first", second,
			    first);
	big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL); /* recovered */
	kfree(big);
	if (!big)
		return fail("kmalloc(3 pages) failed after everything was freed");
	note("%lu objects of %d bytes to the last page, twice", first, FILL_SIZE);
	return NULL;
}

static const char *test_shrink_to_initial(void)
{
	static const size_t sizes[] = { 8, 24, 40, 100, 192, 256, 700, 1500, 4096, 6000, 20000 };
	struct kmem_cache *a, *b;
	struct mm_stats start, busy, end;
	unsigned int i, n = 0;

	mm_shrink();
	mm_get_stats(&start);
	a = kmem_cache_create("selftest_small", 40, 0, 0, NULL);
	b = kmem_cache_create("selftest_big", 700, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!a || !b) {
		kmem_cache_destroy(a);
		kmem_cache_destroy(b);
		return fail("kmem_cache_create() failed");
	}
	for (i = 0; i < NR_OBJS; i++) {
		struct kmem_cache *c = i % 3 == 0 ? a : i % 3 == 1 ? b : NULL;

		objs[i] = c ? kmem_cache_alloc(c, GFP_KERNEL)
			    : kmalloc(sizes[i % ARRAY_SIZE(sizes)], GFP_KERNEL);
		n += objs[i] != NULL;
	}
	mm_get_stats(&busy);
	/* Free in a scattered order: 37 and NR_OBJS have no common factor. */
	for (i = 0; i < NR_OBJS; i++) {
		unsigned int j = i * 37 % NR_OBJS;
		struct kmem_cache *c = j % 3 == 0 ? a : j % 3 == 1 ? b : NULL;

		if (c)
			kmem_cache_free(c, objs[j]);
		else
			kfree(objs[j]);
		objs[j] = NULL;
	}
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	mm_shrink();
	mm_get_stats(&end);
	if (n != NR_OBJS || busy.pages_free >= start.pages_free)
		return fail("%u of %d allocations worked, using %zu pages", n, NR_OBJS,
			    start.pages_free - busy.pages_free);
	if (end.pages_free != start.pages_free ||
	    end.largest_free_bytes != start.largest_free_bytes ||
	    end.used_bytes != start.used_bytes || end.nr_pools != start.nr_pools)
		return fail("after freeing all and mm_shrink(): %zu free pages, largest free %zu; "
			    "%zu and %zu at the start",
			    end.pages_free, end.largest_free_bytes, start.pages_free,
			    start.largest_free_bytes);
	note("%zu pages used, all given back", start.pages_free - busy.pages_free);
	return NULL;
}

static const char *test_random_model(void)
{
	struct stress_result res;

	if (stress_run(MODEL_OPS, model_seed, &res))
		return fail("%lu errors with seed %lu (repeat: stress %d %lu)", res.errors,
			    model_seed, MODEL_OPS, model_seed);
	if (res.failures)
		return fail("%lu allocations failed with seed %lu", res.failures, model_seed);
	note("seed %lu, %d ops: %lu kmalloc, %lu krealloc, %lu kfree", model_seed, MODEL_OPS,
	     res.allocs, res.reallocs, res.frees);
	return NULL;
}

/* ---- the harness ---------------------------------------------------------------------- */

static const struct selftest selftests[] = {
	{ "kmalloc_alignment", test_kmalloc_alignment, 0 },
	{ "size_classes", test_size_classes, 0 },
	{ "zero_size", test_zero_size, 0 },
	{ "kzalloc_kcalloc", test_kzalloc_kcalloc, 0 },
	{ "krealloc", test_krealloc, 0 },
	{ "cache_ctor_align", test_cache_ctor_align, 0 },
	{ "page_allocator", test_page_allocator, 0 },
	{ "stats_counting", test_stats_counting, 0 },
	{ "double_free", test_double_free, 1 },
	{ "foreign_free", test_foreign_free, 3 },
	{ "interior_free", test_interior_free, 2 },
	{ "wrong_cache", test_wrong_cache, 2 },
	{ "busy_destroy", test_busy_destroy, 1 },
	{ "bad_free_pages", test_bad_free_pages, 1 },
	{ "exhaustion", test_exhaustion, 0 },
	{ "shrink_to_initial", test_shrink_to_initial, 0 },
	{ "random_model", test_random_model, 0 },
};

/* What a test left behind that it should not have; NULL when nothing. */
static const char *check_aftermath(const struct selftest *t, const struct snapshot *before)
{
	struct mm_stats after;
	unsigned long reports, hooked;
	int problems;

	mm_shrink();
	problems = mm_validate();
	if (problems)
		return fail("mm_validate() found %d problems", problems);
	hooked = report_count() - before->hooked;
	mm_get_stats(&after);
	reports = after.nr_reports - before->st.nr_reports;
	if (reports != t->reports || hooked != t->reports)
		return fail("%lu misuse reports (%lu through the hook), expected %u", reports,
			    hooked, t->reports);
	if (after.pages_free != before->st.pages_free ||
	    after.largest_free_bytes != before->st.largest_free_bytes ||
	    after.live_bytes != before->st.live_bytes)
		return fail("left the heap changed: %zu free pages, %zu live bytes; %zu and %zu "
			    "before",
			    after.pages_free, after.live_bytes, before->st.pages_free,
			    before->st.live_bytes);
	return NULL;
}

static bool run_test(const struct selftest *t)
{
	struct snapshot before;
	const char *why;

	note_buf[0] = '\0';
	mm_shrink();
	snap(&before);
	report_mute(t->reports > 0);
	why = t->run();
	report_mute(false);
	if (!why)
		why = check_aftermath(t, &before);
	if (why)
		printk("FAIL %s: %s\n", t->name, why);
	else if (note_buf[0])
		printk("ok   %s (%s)\n", t->name, note_buf);
	else
		printk("ok   %s\n", t->name);
	return !why;
}

unsigned int selftest_run(unsigned long seed)
{
	unsigned int i, failed = 0;

	model_seed = seed;
	printk("selftest: %u tests\n", (unsigned int)ARRAY_SIZE(selftests));
	for (i = 0; i < ARRAY_SIZE(selftests); i++)
		failed += !run_test(&selftests[i]);
	printk("%u passed, %u failed\n", (unsigned int)ARRAY_SIZE(selftests) - failed, failed);
	mm_print_meminfo(&console_printer);
	return failed;
}

int cmd_selftest(int argc, char **argv)
{
	unsigned long seed = SELFTEST_SEED;

	if (argc > 1 && !parse_ulong(argv[1], &seed)) {
		printk("selftest: bad seed '%s' (decimal or 0x hex)\n", argv[1]);
		return 1;
	}
	return selftest_run(seed) ? 1 : 0;
}
