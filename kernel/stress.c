// SPDX-License-Identifier: MIT
/*
 * kernel/stress.c - a randomized workload over kmalloc, krealloc and kfree
 * that checks every block it holds, and the `stress` command around it.
 *
 * The blocks held are a static table (no bookkeeping allocations), kept
 * about half full: an operation allocates with probability 1 - held/STRESS_LIVE,
 * else it frees a random held block or, one time in eight, kreallocs it.
 * Sizes run from 1 to 8192 bytes, weighted to small ones:
 *
 *   60%  1-128    25%  129-1024    12%  1025-4096    3%  4097-8192
 *
 * Byte i of a block is pattern(tag, i), the tag drawn for the block when it
 * was made, so an overlap, a bad copy or a stray write shows at the next check.
 */
#include <stdint.h>
#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>

#include "lib.h"
#include "mm_commands.h"
#include "printk.h"
#include "stress.h"

/* Errors printed by one run; the others are only counted. */
#define STRESS_ERRORS_SHOWN 5

/* One held block: where, how many bytes asked for, and its pattern's tag. */
struct held {
	unsigned char *p;
	size_t size;
	uint32_t tag;
};

static struct held held[STRESS_LIVE];
static unsigned int nr_held;
static uint32_t rng_state;

/* xorshift32: small, no multiplication, good enough to pick sizes and victims. */
static uint32_t rand32(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static void seed_rand(unsigned long seed)
{
	uint32_t x = (uint32_t)seed ^ (uint32_t)((seed >> 16) >> 16);
	int i;

	x = (x ^ 0x7f4a7c15u) * 0x9e3779b9u; /* one-to-one: seeds stay apart */
	rng_state = x ? x : 1; /* xorshift never leaves 0 */
	for (i = 0; i < 8; i++)
		rand32();
}

static size_t random_size(void)
{
	uint32_t pick = rand32() % 100, r = rand32();

	if (pick < 60)
		return 1 + r % 128;
	if (pick < 85)
		return 129 + r % 896;
	if (pick < 97)
		return 1025 + r % 3072;
	return 4097 + r % 4096;
}

static inline unsigned char pattern(uint32_t tag, size_t i)
{
	return (unsigned char)((tag >> ((i & 3) * 8)) + (i >> 2));
}

static void stress_error(struct stress_result *res, const char *fmt, ...) __printf(2, 3);

static void stress_error(struct stress_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->errors++ >= STRESS_ERRORS_SHOWN)
		return;
	printk("stress: error: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

/* Bytes @from to h->size of @h get their pattern. */
static void fill(const struct held *h, size_t from)
{
	size_t i;

	for (i = from; i < h->size; i++)
		h->p[i] = pattern(h->tag, i);
}

/* The first @len bytes of @h must hold their pattern; @when says at which check. */
static void check_contents(struct stress_result *res, const struct held *h, size_t len,
			   const char *when)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (h->p[i] != pattern(h->tag, i)) {
			stress_error(res,
				     "%s: block %p (%zu bytes): byte %zu is 0x%02x, not 0x%02x\n",
				     when, (void *)h->p, h->size, i, h->p[i], pattern(h->tag, i));
			return;
		}
	}
}

/*
 * A block just returned for @size bytes: alignment, ksize, and no overlap with
 * a held block other than held[@self]. A block krealloc() kept in place
 * (@self < STRESS_LIVE) keeps the alignment of its old size, not of @size.
 */
static void check_new(struct stress_result *res, const unsigned char *p, size_t size,
		      unsigned int self)
{
	uintptr_t a = (uintptr_t)p;
	size_t n = ksize(p);
	unsigned int i;

	if (a & (MM_MIN_ALIGN - 1))
		stress_error(res, "%p (%zu bytes) is not aligned to %d\n", (void *)p, size,
			     MM_MIN_ALIGN);
	if (self == STRESS_LIVE && size <= KMALLOC_ALIGNED_MAX && !(size & (size - 1)) &&
	    (a & (size - 1)))
		stress_error(res, "%p (%zu bytes) is not aligned to its size\n", (void *)p, size);
	if (n < size)
		stress_error(res, "%p: ksize %zu, below the %zu bytes asked for\n", (void *)p, n,
			     size);
	for (i = 0; i < nr_held; i++) {
		const struct held *h = &held[i];

		if (i != self && p < h->p + h->size && h->p < p + size)
			stress_error(res, "%p (%zu bytes) overlaps %p (%zu bytes)\n", (void *)p,
				     size, (void *)h->p, h->size);
	}
}

static void stress_alloc(struct stress_result *res)
{
	size_t size = random_size();
	unsigned char *p = kmalloc(size, GFP_KERNEL);
	struct held *h;

	if (!p) {
		res->failures++;
		return;
	}
	res->allocs++;
	check_new(res, p, size, STRESS_LIVE);
	h = &held[nr_held++];
	h->p = p;
	h->size = size;
	h->tag = rand32();
	fill(h, 0);
}

static void stress_realloc(struct stress_result *res, struct held *h)
{
	size_t size = random_size(), old = h->size;
	unsigned char *p;

	check_contents(res, h, old, "before krealloc");
	p = krealloc(h->p, size, GFP_KERNEL);
	if (!p) {
		res->failures++;
		check_contents(res, h, old, "after a failed krealloc");
		return;
	}
	res->reallocs++;
	check_new(res, p, size, (unsigned int)(h - held));
	h->p = p;
	h->size = size < old ? size : old;
	check_contents(res, h, h->size, "after krealloc");
	h->size = size;
	fill(h, old);
}

static void stress_free(struct stress_result *res, unsigned int i)
{
	check_contents(res, &held[i], held[i].size, "before kfree");
	kfree(held[i].p);
	res->frees++;
	held[i] = held[--nr_held];
}

unsigned long stress_run(unsigned long ops, unsigned long seed, struct stress_result *res)
{
	struct mm_stats before, after;
	unsigned long i;

	res->allocs = res->reallocs = res->frees = res->failures = res->errors = 0;
	res->peak_live = 0;
	mm_get_stats(&before);
	seed_rand(seed);
	nr_held = 0;
	for (i = 0; i < ops; i++) {
		uint32_t r = rand32() % STRESS_LIVE;

		if (r >= nr_held)
			stress_alloc(res);
		else if (rand32() % 8 == 0)
			stress_realloc(res, &held[r]);
		else
			stress_free(res, r);
		if (nr_held > res->peak_live)
			res->peak_live = nr_held;
	}
	while (nr_held)
		stress_free(res, nr_held - 1);

	if (mm_validate())
		stress_error(res, "mm_validate() found problems after the run\n");
	mm_get_stats(&after);
	if (after.nr_allocs - after.nr_frees != before.nr_allocs - before.nr_frees ||
	    after.live_bytes != before.live_bytes)
		stress_error(res,
			     "after freeing everything: %lu blocks and %zu bytes live, "
			     "%lu and %zu before\n",
			     after.nr_allocs - after.nr_frees, after.live_bytes,
			     before.nr_allocs - before.nr_frees, before.live_bytes);
	return res->errors;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_result res;
	unsigned long ops, seed = 1;

	if (!parse_ulong(argv[1], &ops) || ops == 0) {
		printk("stress: bad op count '%s' (1 or more, decimal or 0x hex)\n", argv[1]);
		return 1;
	}
	if (argc > 2 && !parse_ulong(argv[2], &seed)) {
		printk("stress: bad seed '%s' (decimal or 0x hex)\n", argv[2]);
		return 1;
	}
	printk("stress: %lu ops, seed %lu\n", ops, seed);
	stress_run(ops, seed, &res);
	printk("stress: %lu kmalloc, %lu krealloc, %lu kfree, %lu failed; at most %u blocks "
	       "held\n",
	       res.allocs, res.reallocs, res.frees, res.failures, res.peak_live);
	printk("stress: %lu errors\n", res.errors);
	mm_print_meminfo(&console_printer);
	mm_print_slabinfo(&console_printer);
	return res.errors ? 1 : 0;
}
