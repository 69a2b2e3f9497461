// SPDX-License-Identifier: MIT
/*
 * mm/libc/malloc.c - the C library's allocator on top of kmalloc: malloc,
 * free, calloc, realloc, the aligned variants, and newlib's reentrant entry
 * points, so that a firmware (or, through arch/host/preload.c, a Linux
 * program) keeps nothing of its C library's own malloc.
 *
 * Hosted code: the one part of mm/ that includes libc headers (errno, memcpy).
 * It is built into its own library, libmm_libc.a, next to the freestanding
 * libmm.a. Everything is in this one object on purpose: whichever entry point
 * the link needs first (malloc from the firmware, _malloc_r from newlib's
 * printf) brings all the others, so none of the C library's is ever pulled.
 *
 * Where a block comes from:
 *
 *   request                            served by                         free() finds it by
 *   align <= MM_MIN_ALIGN              kmalloc(size)                     kfree()
 *   align, size <= KMALLOC_ALIGNED_MAX kmalloc(power of two >= size,     kfree()
 *                                      align): aligned to its size
 *   align <= PAGE_SIZE, size > page    kmalloc(size): page-aligned       kfree()
 *   (page allocator only)
 *   any other align                    a kmalloc block of size + align   its header
 *                                      bytes or more, the block placed
 *                                      inside it ("aligned")
 *   size > PAGE_SIZE << MAX_ORDER,     mm_libc_port_map() ("mapped")     its header
 *   or the heap is full for good
 *
 * Should a kmalloc block come back less aligned than mm/slab.h promises (a
 * debug layout can move objects), it is given back and the request carved
 * as an aligned block instead, with page alignment.
 *
 * Before giving up on a full heap the glue asks the port for more memory
 * (mm_libc_port_grow()) and tries again. A firmware's port has neither hook:
 * its heap is what it gave at boot, and big requests fail with ENOMEM.
 *
 * A big block (aligned or mapped) starts at an address q that is a multiple
 * of its alignment, and at least of PAGE_SIZE, with its header just below:
 *
 *   base                                   q (returned)              base + len
 *   |                                      |                                 |
 *   +------------------------+-------------+------------------------+--------+
 *   | unused (alignment)     | struct      | the caller's bytes     | unused |
 *   |                        | big_header  |                        |        |
 *   +------------------------+-------------+------------------------+--------+
 *                             magic ^ q, base, len
 *
 * base is what kmalloc() or the port returned: a block of len bytes
 * (ksize(base), or the length mapped), page-aligned but for kmalloc blocks
 * without the page allocator.
 *
 * free(p): p inside a page goes straight to kfree(): no big block starts
 * there. A page-aligned p is a kmalloc block when ksize() knows it as one
 * (a big block's q never is: it lies inside its kmalloc block, or outside
 * every region); otherwise p is a big block when the header below it holds
 * the magic of its kind XOR-ed with p itself, and anything else is passed to
 * kfree() to be reported. The header is only read where it is known to be
 * mapped: inside a region, or once the port has mapped any block at all.
 * An aligned block's header must also name the page-backed kmalloc block
 * around p. (A program could still forge a header in front of a pointer it
 * then frees; one that writes where it should not can do worse anyway.)
 *
 * Context: thread-safe as long as the port's lock is (mm/port.h); the glue
 * itself keeps no state but its counters, which it updates atomically. No
 * call here takes a lock while calling the port's hooks.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "mm_libc.h"

/* newlib (but not picolibc, which has no struct _reent) calls _malloc_r and
 * friends from its own code; the prefixed test build has no use for them. */
#if defined(_NEWLIB_VERSION) && !defined(__PICOLIBC__) && !defined(MM_LIBC_PREFIX)
#define MM_LIBC_NEWLIB_REENT 1
#include <reent.h>
#else
#define MM_LIBC_NEWLIB_REENT 0
#endif

/* The entry points stay visible when the rest is built -fvisibility=hidden
 * (the LD_PRELOAD library exports nothing else). */
#define MM_LIBC_API __attribute__((visibility("default")))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* The largest block the glue asks kmalloc() for: one buddy block of
 * MAX_ORDER (without the page allocator, as much again: a board's heap is far
 * smaller); beyond it, the port maps memory. */
#define KMALLOC_LARGEST (PAGE_SIZE << MAX_ORDER)

/* How many times a failed kmalloc() is retried after mm_libc_port_grow(). */
#define GROW_TRIES 4

/* realloc() keeps a block that shrinks unless that leaves at least this many
 * bytes, and more than half of it, unused. */
#define SHRINK_MOVE_MIN PAGE_SIZE

/* magic of a big block's header, before it is XOR-ed with the block's address. */
#define BIG_ALIGNED_MAGIC ((uintptr_t)0xa119bed5u)
#define BIG_MAPPED_MAGIC ((uintptr_t)0x3a99ed5bu)

struct big_header {
	uintptr_t magic; /* BIG_*_MAGIC ^ the block's address */
	void *base; /* what kmalloc() or mm_libc_port_map() returned */
	size_t len; /* bytes at base */
};

_Static_assert(sizeof(struct big_header) <= PAGE_SIZE, "a header fits in the page below q");
_Static_assert(KMALLOC_LARGEST <= PTRDIFF_MAX / 4, "request sizes below cannot overflow");

static struct mm_libc_stats libc_stats;

/* Set once the port has mapped a block: from then on, a page-aligned pointer
 * outside every region may be a mapped block with a header to read. */
static bool mapping_used;

static inline void stat_add(unsigned long *counter, long n)
{
	__atomic_fetch_add(counter, (unsigned long)n, __ATOMIC_RELAXED);
}

static inline void stat_add_bytes(size_t *counter, size_t n, bool add)
{
	if (add)
		__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
	else
		__atomic_fetch_sub(counter, n, __ATOMIC_RELAXED);
}

static inline bool is_power_of_2(size_t x)
{
	return x && !(x & (x - 1));
}

static inline bool page_aligned(const void *p)
{
	return ((uintptr_t)p & (PAGE_SIZE - 1)) == 0;
}

/* The smallest power of two >= @x, for 1 <= x <= PAGE_SIZE. */
static inline size_t roundup_pow_of_2(size_t x)
{
	size_t r = 1;

	while (r < x)
		r <<= 1;
	return r;
}

static inline struct big_header *big_header_of(const void *q)
{
	return (struct big_header *)(uintptr_t)q - 1;
}

/* ---- allocation ------------------------------------------------------------------- */

/* kmalloc(@size) has just failed: ask the port for memory and retry. */
static void *kmalloc_retry(size_t size)
{
	void *p = NULL;
	int tries;

	for (tries = 0; !p && tries < GROW_TRIES; tries++) {
		if (!mm_libc_port_grow(size))
			break;
		stat_add(&libc_stats.nr_grows, 1);
		p = kmalloc(size, GFP_KERNEL);
	}
	return p;
}

/* kmalloc(@size), growing the heap when it is full. */
static void *kmalloc_grow(size_t size)
{
	void *p = kmalloc(size, GFP_KERNEL);

	return p ? p : kmalloc_retry(size);
}

/* Lay out a big block in the @len bytes at @base, aligned to @align
 * (a power of two, at least PAGE_SIZE), and return its address. */
static void *big_place(void *base, size_t len, size_t align, uintptr_t magic)
{
	uintptr_t q = ((uintptr_t)base + sizeof(struct big_header) + align - 1) & ~(align - 1);
	struct big_header *h = big_header_of((void *)q);

	h->magic = magic ^ q;
	h->base = base;
	h->len = len;
	return (void *)q;
}

/* A mapped block of @size bytes aligned to @align; NULL when the port has none. */
static void *alloc_mapped(size_t size, size_t align)
{
	size_t len;
	void *base;

	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (align > PTRDIFF_MAX / 2 || size > PTRDIFF_MAX - align - PAGE_SIZE)
		return NULL;
	len = (size + align + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	base = mm_libc_port_map(len);
	if (!base)
		return NULL;
	if (!__atomic_load_n(&mapping_used, __ATOMIC_RELAXED))
		__atomic_store_n(&mapping_used, true, __ATOMIC_RELAXED);
	stat_add(&libc_stats.nr_mapped, 1);
	stat_add_bytes(&libc_stats.mapped_bytes, len, true);
	return big_place(base, len, align, BIG_MAPPED_MAGIC);
}

/*
 * A block of @size bytes aligned to @align (a power of two, at least
 * PAGE_SIZE) carved from a page-backed kmalloc block: one of at least
 * KMALLOC_MAX_CACHE_SIZE + 1 bytes is whole pages, so page-aligned.
 */
static void *alloc_big_aligned(size_t size, size_t align)
{
	size_t want;
	void *base;

	if (align > KMALLOC_LARGEST / 2 || size > KMALLOC_LARGEST - align)
		return NULL;
	/* Room for q at the first multiple of align past a header, wherever the
	 * block starts (page-aligned with the page allocator, not without). */
	want = size + align + (CONFIG_MM_PAGE_ALLOC ? 0 : sizeof(struct big_header));
	if (want <= KMALLOC_MAX_CACHE_SIZE)
		want = KMALLOC_MAX_CACHE_SIZE + 1;
	base = kmalloc_grow(want);
	if (!base)
		return NULL;
	stat_add(&libc_stats.nr_aligned, 1);
	return big_place(base, ksize(base), align, BIG_ALIGNED_MAGIC);
}

/*
 * alloc_block - the one allocation path behind every entry point.
 * @size: bytes wanted; 0 is served as 1.
 * @align: a power of two.
 * @fresh: set to true when the block is fresh mapped memory, known zero.
 *
 * Return: the block, or NULL when out of memory. errno is not touched.
 */
static void *alloc_block(size_t size, size_t align, bool *fresh)
{
	void *p = NULL;

	*fresh = false;
	if (size == 0)
		size = 1;
	if (size > PTRDIFF_MAX)
		return NULL;
	if (align <= KMALLOC_ALIGNED_MAX || (CONFIG_MM_PAGE_ALLOC && align <= PAGE_SIZE)) {
		/* Power-of-two kmalloc sizes up to KMALLOC_ALIGNED_MAX are aligned
		 * to their size; with the page allocator, larger blocks are
		 * page-aligned (mm/slab.h). */
		if (align > MM_MIN_ALIGN && size <= KMALLOC_ALIGNED_MAX)
			size = roundup_pow_of_2(size > align ? size : align);
		if (size <= KMALLOC_LARGEST)
			p = kmalloc_grow(size);
		if (unlikely((uintptr_t)p & (align - 1))) {
			/* Not aligned as promised (a debug layout may move objects). */
			kfree(p);
			p = alloc_big_aligned(size, PAGE_SIZE);
		}
	} else {
		p = alloc_big_aligned(size, align > PAGE_SIZE ? align : PAGE_SIZE);
	}
	if (!p) {
		p = alloc_mapped(size, align);
		*fresh = p != NULL;
	}
	return p;
}

/* malloc's fast path: a kmalloc() hit; everything else in alloc_block(). */
static inline void *do_malloc(size_t size, int *err)
{
	bool fresh;
	void *p;

	if (likely(size - 1 < KMALLOC_LARGEST)) {
		p = kmalloc(size, GFP_KERNEL);
		if (likely(p))
			return p;
		p = kmalloc_retry(size);
		if (!p)
			p = alloc_mapped(size, MM_MIN_ALIGN);
	} else {
		p = alloc_block(size, MM_MIN_ALIGN, &fresh);
	}
	if (!p)
		*err = ENOMEM;
	return p;
}

static void *do_calloc(size_t n, size_t size, int *err)
{
	size_t total;
	bool fresh;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		*err = ENOMEM;
		return NULL;
	}
	p = alloc_block(total, MM_MIN_ALIGN, &fresh);
	if (!p)
		*err = ENOMEM;
	else if (!fresh)
		memset(p, 0, total);
	return p;
}

static void *do_aligned(size_t align, size_t size, int *err)
{
	bool fresh;
	void *p;

	if (!is_power_of_2(align)) {
		*err = EINVAL;
		return NULL;
	}
	p = alloc_block(size, align, &fresh);
	if (!p)
		*err = ENOMEM;
	return p;
}

/* ---- freeing ---------------------------------------------------------------------- */

/*
 * big_lookup - the header of the big block at @q, or NULL when @q is not one.
 * @q: a page-aligned pointer, not NULL.
 */
static struct big_header *big_lookup(const void *q)
{
	struct big_header *h;
	bool owned;

	if (ksize(q))
		return NULL; /* a kmalloc block */
	owned = mm_owns(q);
	if (!owned && !__atomic_load_n(&mapping_used, __ATOMIC_RELAXED))
		return NULL; /* nothing to read below q */
	h = big_header_of(q);
	if (h->magic == (BIG_ALIGNED_MAGIC ^ (uintptr_t)q)) {
		/* It must name the kmalloc block around q. */
		if (!owned || (uintptr_t)q - (uintptr_t)h->base >= h->len)
			return NULL;
		return ksize(h->base) == h->len ? h : NULL;
	}
	if (h->magic == (BIG_MAPPED_MAGIC ^ (uintptr_t)q))
		return owned ? NULL : h;
	return NULL;
}

static void big_free(struct big_header *h, const void *q)
{
	uintptr_t magic = h->magic ^ (uintptr_t)q;
	void *base = h->base;
	size_t len = h->len;

	h->magic = 0; /* a second free() of q finds no header */
	if (magic == BIG_MAPPED_MAGIC) {
		stat_add(&libc_stats.nr_mapped, -1);
		stat_add_bytes(&libc_stats.mapped_bytes, len, false);
		mm_libc_port_unmap(base, len);
	} else {
		stat_add(&libc_stats.nr_aligned, -1);
		kfree(base);
	}
}

static inline size_t big_usable(const struct big_header *h, const void *q)
{
	return (uintptr_t)h->base + h->len - (uintptr_t)q;
}

static void do_free(void *p)
{
	struct big_header *h;

	if (likely(!page_aligned(p))) {
		kfree(p);
		return;
	}
	if (!p)
		return;
	h = big_lookup(p);
	if (h)
		big_free(h, p);
	else
		kfree(p); /* a kmalloc block, or reported */
}

/* Bytes usable at @p; 0 when it is not a block bareslab handed out. */
static size_t usable_size(const void *p)
{
	struct big_header *h;

	if (!p)
		return 0;
	if (page_aligned(p)) {
		h = big_lookup(p);
		if (h)
			return big_usable(h, p);
	}
	return ksize(p);
}

static void *do_realloc(void *p, size_t size, int *err)
{
	size_t old;
	bool fresh;
	void *n;

	if (!p)
		return do_malloc(size, err);
	if (size == 0) {
		do_free(p);
		return NULL;
	}
	old = usable_size(p);
	if (!old) {
		kfree(p); /* reported; nothing is freed */
		*err = EINVAL;
		return NULL;
	}
	if (size <= old && (size >= old / 2 || old - size < SHRINK_MOVE_MIN))
		return p;
	n = alloc_block(size, MM_MIN_ALIGN, &fresh);
	if (!n) {
		*err = ENOMEM;
		return NULL;
	}
	memcpy(n, p, size < old ? size : old);
	do_free(p);
	return n;
}

static inline void count_error(int err)
{
	stat_add(err == EINVAL ? &libc_stats.nr_einval : &libc_stats.nr_enomem, 1);
}

/* Return @p; when @err is set, count it and put it in errno. */
static inline void *with_errno(void *p, int err)
{
	if (unlikely(err)) {
		count_error(err);
		errno = err;
	}
	return p;
}

static void *do_reallocarray(void *p, size_t n, size_t size, int *err)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		*err = ENOMEM;
		return NULL;
	}
	return do_realloc(p, total, err);
}

/* valloc() of @size rounded up to whole pages, one page for 0. */
static void *do_pvalloc(size_t size, int *err)
{
	if (size > PTRDIFF_MAX) {
		*err = ENOMEM;
		return NULL;
	}
	size = size ? (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : PAGE_SIZE;
	return do_aligned(PAGE_SIZE, size, err);
}

/* ---- ISO C and POSIX ------------------------------------------------------------------ */

/*
 * The entry points call the do_ functions above, never each other: in the
 * LD_PRELOAD library a call to an exported function would go through the
 * PLT and could be interposed.
 */

MM_LIBC_API void *MM_LIBC_NAME(malloc)(size_t size)
{
	int err = 0;
	void *p = do_malloc(size, &err);

	return with_errno(p, err);
}

MM_LIBC_API void MM_LIBC_NAME(free)(void *p)
{
	do_free(p);
}

MM_LIBC_API void *MM_LIBC_NAME(calloc)(size_t n, size_t size)
{
	int err = 0;
	void *p = do_calloc(n, size, &err);

	return with_errno(p, err);
}

MM_LIBC_API void *MM_LIBC_NAME(realloc)(void *p, size_t size)
{
	int err = 0;
	void *n = do_realloc(p, size, &err);

	return with_errno(n, err);
}

MM_LIBC_API void *MM_LIBC_NAME(reallocarray)(void *p, size_t n, size_t size)
{
	int err = 0;
	void *r = do_reallocarray(p, n, size, &err);

	return with_errno(r, err);
}

MM_LIBC_API void *MM_LIBC_NAME(aligned_alloc)(size_t align, size_t size)
{
	int err = 0;
	void *p = do_aligned(align, size, &err);

	return with_errno(p, err);
}

MM_LIBC_API void *MM_LIBC_NAME(memalign)(size_t align, size_t size)
{
	int err = 0;
	void *p = do_aligned(align, size, &err);

	return with_errno(p, err);
}

/* POSIX: errors are returned, errno is left alone, *memptr is set on success only. */
MM_LIBC_API int MM_LIBC_NAME(posix_memalign)(void **memptr, size_t align, size_t size)
{
	int err = 0;
	void *p = NULL;

	if (align % sizeof(void *))
		err = EINVAL;
	else
		p = do_aligned(align, size, &err);
	if (err) {
		count_error(err);
		return err;
	}
	*memptr = p;
	return 0;
}

MM_LIBC_API void *MM_LIBC_NAME(valloc)(size_t size)
{
	int err = 0;
	void *p = do_aligned(PAGE_SIZE, size, &err);

	return with_errno(p, err);
}

MM_LIBC_API void *MM_LIBC_NAME(pvalloc)(size_t size)
{
	int err = 0;
	void *p = do_pvalloc(size, &err);

	return with_errno(p, err);
}

MM_LIBC_API size_t MM_LIBC_NAME(malloc_usable_size)(void *p)
{
	return usable_size(p);
}

/* C23: the size and alignment are hints bareslab does not need. */
MM_LIBC_API void MM_LIBC_NAME(free_sized)(void *p, size_t size)
{
	(void)size;
	do_free(p);
}

MM_LIBC_API void MM_LIBC_NAME(free_aligned_sized)(void *p, size_t align, size_t size)
{
	(void)align;
	(void)size;
	do_free(p);
}

/* ---- newlib's reentrant entry points ---------------------------------------------------- */

#if MM_LIBC_NEWLIB_REENT
/*
 * newlib's own code (stdio buffers, printf's conversions, strdup, ...) calls
 * these rather than malloc(); errors go to the caller's r->_errno.
 */
void *_malloc_r(struct _reent *r, size_t size);
void _free_r(struct _reent *r, void *p);
void *_calloc_r(struct _reent *r, size_t n, size_t size);
void *_realloc_r(struct _reent *r, void *p, size_t size);
void *_memalign_r(struct _reent *r, size_t align, size_t size);
size_t _malloc_usable_size_r(struct _reent *r, void *p);

static inline void set_reent_errno(struct _reent *r, int err)
{
	count_error(err);
	r->_errno = err;
}

MM_LIBC_API void *_malloc_r(struct _reent *r, size_t size)
{
	int err = 0;
	void *p = do_malloc(size, &err);

	if (unlikely(err))
		set_reent_errno(r, err);
	return p;
}

MM_LIBC_API void _free_r(struct _reent *r, void *p)
{
	(void)r;
	do_free(p);
}

MM_LIBC_API void *_calloc_r(struct _reent *r, size_t n, size_t size)
{
	int err = 0;
	void *p = do_calloc(n, size, &err);

	if (unlikely(err))
		set_reent_errno(r, err);
	return p;
}

MM_LIBC_API void *_realloc_r(struct _reent *r, void *p, size_t size)
{
	int err = 0;
	void *n = do_realloc(p, size, &err);

	if (unlikely(err))
		set_reent_errno(r, err);
	return n;
}

MM_LIBC_API void *_memalign_r(struct _reent *r, size_t align, size_t size)
{
	int err = 0;
	void *p = do_aligned(align, size, &err);

	if (unlikely(err))
		set_reent_errno(r, err);
	return p;
}

MM_LIBC_API size_t _malloc_usable_size_r(struct _reent *r, void *p)
{
	(void)r;
	return usable_size(p);
}
#endif /* MM_LIBC_NEWLIB_REENT */

/* ---- figures -------------------------------------------------------------------------- */

void mm_libc_get_stats(struct mm_libc_stats *st)
{
	st->nr_aligned = __atomic_load_n(&libc_stats.nr_aligned, __ATOMIC_RELAXED);
	st->nr_mapped = __atomic_load_n(&libc_stats.nr_mapped, __ATOMIC_RELAXED);
	st->mapped_bytes = __atomic_load_n(&libc_stats.mapped_bytes, __ATOMIC_RELAXED);
	st->nr_grows = __atomic_load_n(&libc_stats.nr_grows, __ATOMIC_RELAXED);
	st->nr_enomem = __atomic_load_n(&libc_stats.nr_enomem, __ATOMIC_RELAXED);
	st->nr_einval = __atomic_load_n(&libc_stats.nr_einval, __ATOMIC_RELAXED);
}

/* No printf: the glue may not allocate while printing. */
void mm_libc_print_stats(const struct mm_printer *p)
{
	struct mm_libc_stats st;

	mm_libc_get_stats(&st);
	mm_print_meminfo_line(p, "MallocAligned:", st.nr_aligned, false);
	mm_print_meminfo_line(p, "MallocMapped:", st.nr_mapped, false);
	mm_print_meminfo_line(p, "MallocMappedMem:", st.mapped_bytes, true);
	mm_print_meminfo_line(p, "MallocGrows:", st.nr_grows, false);
	mm_print_meminfo_line(p, "MallocENOMEM:", st.nr_enomem, false);
	mm_print_meminfo_line(p, "MallocEINVAL:", st.nr_einval, false);
}
