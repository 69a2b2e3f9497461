// SPDX-License-Identifier: MIT
/*
 * kernel/stress.c - a randomized workload over kmalloc, krealloc and kfree
 * that checks every block it holds, on every CPU at once, and the `stress`
 * and `irqstress` commands around it.
 *
 * Each CPU holds its blocks in a static table of its own (no bookkeeping
 * allocations), kept about half full: an operation allocates with probability
 * 1 - held/STRESS_LIVE, else it frees a random held block or, one time in
 * eight, kreallocs it. Sizes run from 1 to 8192 bytes, weighted to small ones:
 *
 *   60%  1-128    25%  129-1024    12%  1025-4096    3%  4097-8192
 *
 * Byte i of a block is pattern(tag, i), the tag drawn for the block when it
 * was made, so an overlap, a bad copy or a stray write shows at the next check.
 *
 * With several CPUs (nr_cpus() > 1) each runs the same workload with a seed
 * of its own, and one free in four hands the block to another CPU instead,
 * through the ring of that pair (kernel/handoff.h): the receiver checks the
 * block and frees it, into a pool of the CPU that allocated it.
 *
 *   CPU 0: held[] --1 free in 4--> handoff[1][0] --> CPU 1: check, kfree()
 *
 * A run, from CPU 0 (on_each_cpu() runs a phase on every CPU and returns when
 * all have finished it):
 *
 *   stress_ops      every CPU: its operations, taking what it is handed as it goes
 *   (CPU 0)         no two blocks of any CPUs overlap
 *   stress_drain    every CPU: what it was handed, then everything it holds
 *   (CPU 0)         every block freed once, mm_validate(), the allocator's counts
 *
 * irqstress runs the same while a timer interrupt on CPU 0 allocates and frees
 * blocks of its own (GFP_ATOMIC, at most IRQ_HELD), checked the same way. Both
 * take sizes of 1-128 bytes only: the main loop then spends more of its time
 * inside the allocator, in the classes the handler uses, so an interrupt that
 * the allocator's lock fails to hold off finds it half-way through a change.
 * (Under QEMU -icount shift=0, with the masking taken out of the lock, runs of
 * 20000 ops with seeds 1 and 2 go wrong on both boards; a few seeds do not.)
 */
#include <stdint.h>
#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>

#include "cpu.h"
#include "handoff.h"
#include "lib.h"
#include "mm_commands.h"
#include "printk.h"
#include "stress.h"

/* Errors printed by one run; the others are only counted. */
#define STRESS_ERRORS_SHOWN 5

/* CPU c runs with the seed given plus c times this. */
#define STRESS_SEED_STEP 0x9e3779b9ul

/* irqstress: the timer's period and the blocks its handler holds at most. */
#define IRQ_PERIOD_US 10
#define IRQ_HELD 16
#define IRQ_SIZE_MAX 128

/* What one CPU holds during a run. */
struct stress_cpu {
	struct held held[STRESS_LIVE];
	unsigned int nr_held;
	uint32_t rng;
	bool small; /* sizes 1-128 only */
	struct stress_result res;
};

static struct stress_cpu stress_cpus[STRESS_CPUS];
/* handoff[to][from]: blocks CPU from hands to CPU to. */
static struct handoff handoff[STRESS_CPUS][STRESS_CPUS];
/* Errors printed so far in this run, every CPU together. */
static unsigned int errors_shown;
/* CPUs that took part in the last run. */
static unsigned int run_cpus = 1;

/* The interrupt handler's own workload (irqstress). */
static struct {
	struct held held[IRQ_HELD];
	unsigned int nr_held;
	uint32_t rng;
	unsigned long interrupts;
	struct stress_result res;
} irq;

static size_t random_size(uint32_t *state, bool small)
{
	uint32_t pick = rand32(state) % 100, r = rand32(state);

	if (pick < 60 || small)
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

	res->errors++;
	if (__atomic_fetch_add(&errors_shown, 1, __ATOMIC_RELAXED) >= STRESS_ERRORS_SHOWN)
		return;
	console_lock(); /* one line, whichever CPU prints */
	printk("stress: error: ");
	if (nr_cpus() > 1)
		printk("cpu %u: ", cpu_id());
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	console_unlock();
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

/* Whether blocks @a and @b share a byte. */
static bool overlap(const struct held *a, const struct held *b)
{
	return a->p < b->p + b->size && b->p < a->p + a->size;
}

/*
 * A block just returned for @size bytes: alignment, ksize, and no overlap with
 * a block of @held[0..@nr) other than held[@self]. A block krealloc() kept in
 * place (@self < @nr) keeps the alignment of its old size, not of @size.
 */
static void check_new(struct stress_result *res, unsigned char *p, size_t size,
		      const struct held *held, unsigned int nr, unsigned int self)
{
	const struct held new = { .p = p, .size = size };
	uintptr_t a = (uintptr_t)p;
	size_t n = ksize(p);
	unsigned int i;

	if (a & (MM_MIN_ALIGN - 1))
		stress_error(res, "%p (%zu bytes) is not aligned to %d\n", (void *)p, size,
			     MM_MIN_ALIGN);
	if (self >= nr && size <= KMALLOC_ALIGNED_MAX && !(size & (size - 1)) && (a & (size - 1)))
		stress_error(res, "%p (%zu bytes) is not aligned to its size\n", (void *)p, size);
	if (n < size)
		stress_error(res, "%p: ksize %zu, below the %zu bytes asked for\n", (void *)p, n,
			     size);
	for (i = 0; i < nr; i++) {
		if (i != self && overlap(&new, &held[i]))
			stress_error(res, "%p (%zu bytes) overlaps %p (%zu bytes)\n", (void *)p,
				     size, (void *)held[i].p, held[i].size);
	}
}

static void stress_alloc(struct stress_cpu *c)
{
	size_t size = random_size(&c->rng, c->small);
	unsigned char *p = kmalloc(size, GFP_KERNEL);
	struct held *h;

	if (!p) {
		c->res.failures++;
		return;
	}
	c->res.allocs++;
	check_new(&c->res, p, size, c->held, c->nr_held, STRESS_LIVE);
	h = &c->held[c->nr_held++];
	h->p = p;
	h->size = size;
	h->tag = rand32(&c->rng);
	fill(h, 0);
}

static void stress_realloc(struct stress_cpu *c, struct held *h)
{
	size_t size = random_size(&c->rng, c->small), old = h->size;
	unsigned char *p;

	check_contents(&c->res, h, old, "before krealloc");
	p = krealloc(h->p, size, GFP_KERNEL);
	if (!p) {
		c->res.failures++;
		check_contents(&c->res, h, old, "after a failed krealloc");
		return;
	}
	c->res.reallocs++;
	check_new(&c->res, p, size, c->held, c->nr_held, (unsigned int)(h - c->held));
	h->p = p;
	h->size = size < old ? size : old;
	check_contents(&c->res, h, h->size, "after krealloc");
	h->size = size;
	fill(h, old);
}

/*
 * Free held[@i] of CPU @me, after checking it; with several CPUs, one time
 * in four hand it to another one to free instead (when its ring has room).
 */
static void stress_free(struct stress_cpu *c, unsigned int me, unsigned int nr, unsigned int i)
{
	const struct held *h = &c->held[i];
	uint32_t r = nr > 1 ? rand32(&c->rng) : 1;

	check_contents(&c->res, h, h->size, "before kfree");
	if (r % 4 == 0 && handoff_put(&handoff[(me + 1 + (r >> 2) % (nr - 1)) % nr][me], h)) {
		c->res.handed++;
	} else {
		kfree(h->p);
		c->res.frees++;
	}
	c->held[i] = c->held[--c->nr_held];
}

/* Check and free every block the other CPUs have handed CPU @me so far. */
static void stress_take(struct stress_cpu *c, unsigned int me, unsigned int nr)
{
	struct held h;
	unsigned int from;

	for (from = 0; from < nr; from++) {
		while (from != me && handoff_get(&handoff[me][from], &h)) {
			check_contents(&c->res, &h, h.size, "before a kfree for another CPU");
			kfree(h.p);
			c->res.remote_frees++;
		}
	}
}

/* What every CPU of a run is told. */
struct stress_args {
	unsigned long ops;
	unsigned long seed;
	unsigned int nr; /* CPUs taking part: nr_cpus(), at most STRESS_CPUS */
	bool small; /* sizes 1-128 only */
};

/* Phase 1, on every CPU: its operations. */
static void stress_ops(void *arg)
{
	const struct stress_args *a = arg;
	unsigned int me = cpu_id();
	struct stress_cpu *c = &stress_cpus[me];
	unsigned long i;

	c->res = (struct stress_result){ 0 };
	c->nr_held = 0;
	c->small = a->small;
	seed_rand(&c->rng, a->seed + me * STRESS_SEED_STEP);
	for (i = 0; i < a->ops; i++) {
		uint32_t r = rand32(&c->rng) % STRESS_LIVE;

		if (a->nr > 1)
			stress_take(c, me, a->nr);
		if (r >= c->nr_held)
			stress_alloc(c);
		else if (rand32(&c->rng) % 8 == 0)
			stress_realloc(c, &c->held[r]);
		else
			stress_free(c, me, a->nr, r);
		if (c->nr_held > c->res.peak_live)
			c->res.peak_live = c->nr_held;
	}
}

/* Phase 2, on every CPU: what it was handed (every CPU has stopped handing
 * blocks), then everything it holds. */
static void stress_drain(void *arg)
{
	const struct stress_args *a = arg;
	unsigned int me = cpu_id();
	struct stress_cpu *c = &stress_cpus[me];

	stress_take(c, me, a->nr);
	while (c->nr_held)
		stress_free(c, me, 1, c->nr_held - 1);
}

/* Between the phases, on CPU 0: no block of one CPU overlaps a block of another. */
static void check_across(struct stress_result *res, unsigned int nr)
{
	unsigned int a, b, i, j;

	for (a = 0; a < nr; a++)
		for (b = a + 1; b < nr; b++)
			for (i = 0; i < stress_cpus[a].nr_held; i++)
				for (j = 0; j < stress_cpus[b].nr_held; j++)
					if (overlap(&stress_cpus[a].held[i],
						    &stress_cpus[b].held[j]))
						stress_error(res,
							     "cpu %u's %p (%zu bytes) overlaps cpu "
							     "%u's %p (%zu bytes)\n",
							     a, (void *)stress_cpus[a].held[i].p,
							     stress_cpus[a].held[i].size, b,
							     (void *)stress_cpus[b].held[j].p,
							     stress_cpus[b].held[j].size);
}

/* ---- the interrupt handler's workload (irqstress) ---------------------------------- */

/* Every timer interrupt: allocate a block, or check and free one. */
static void irq_tick(void)
{
	uint32_t r = rand32(&irq.rng);
	struct held *h;
	unsigned char *p;
	size_t size;

	irq.interrupts++;
	if (r % IRQ_HELD >= irq.nr_held) {
		size = 1 + (r >> 8) % IRQ_SIZE_MAX;
		p = kmalloc(size, GFP_ATOMIC);
		if (!p) {
			irq.res.failures++;
			return;
		}
		irq.res.allocs++;
		check_new(&irq.res, p, size, irq.held, irq.nr_held, IRQ_HELD);
		h = &irq.held[irq.nr_held++];
		h->p = p;
		h->size = size;
		h->tag = rand32(&irq.rng);
		fill(h, 0);
	} else {
		h = &irq.held[r % IRQ_HELD];
		check_contents(&irq.res, h, h->size, "before kfree in an interrupt");
		kfree(h->p);
		irq.res.frees++;
		*h = irq.held[--irq.nr_held];
	}
}

/* After the timer stops: the handler's blocks, checked and freed. */
static void irq_drain(void)
{
	struct held *h;

	while (irq.nr_held) {
		h = &irq.held[--irq.nr_held];
		check_contents(&irq.res, h, h->size, "after the interrupts");
		kfree(h->p);
		irq.res.frees++;
	}
}

/* ---- a run ------------------------------------------------------------------------- */

/* @res += @add. */
static void result_add(struct stress_result *res, const struct stress_result *add)
{
	res->allocs += add->allocs;
	res->reallocs += add->reallocs;
	res->frees += add->frees;
	res->handed += add->handed;
	res->remote_frees += add->remote_frees;
	res->failures += add->failures;
	res->errors += add->errors;
	if (add->peak_live > res->peak_live)
		res->peak_live = add->peak_live;
}

/* Before a run: no error shown yet, and the allocator's counts to compare with after. */
static void run_begin(struct stress_args *a, struct mm_stats *before)
{
	a->nr = nr_cpus() < STRESS_CPUS ? nr_cpus() : STRESS_CPUS;
	run_cpus = a->nr;
	errors_shown = 0;
	mm_get_stats(before);
}

/*
 * After the operations: no overlap across CPUs, every block freed (each by
 * the CPU it was handed to, if it was), the heap validates, reported no
 * misuse and holds what it held @before. @res gets the sums of every CPU and its own errors.
 */
static unsigned long run_end(struct stress_args *a, const struct mm_stats *before,
			     struct stress_result *res)
{
	struct mm_stats after;
	unsigned int cpu;

	*res = (struct stress_result){ 0 };
	if (a->nr > 1)
		check_across(res, a->nr);
	on_each_cpu(stress_drain, a);
	for (cpu = 0; cpu < a->nr; cpu++)
		result_add(res, &stress_cpus[cpu].res);
	if (res->allocs != res->frees + res->remote_frees || res->handed != res->remote_frees)
		stress_error(res,
			     "%lu blocks made, %lu freed by their CPU and %lu by another; %lu "
			     "handed over\n",
			     res->allocs, res->frees, res->remote_frees, res->handed);
	if (mm_validate())
		stress_error(res, "mm_validate() found problems after the run\n");
	mm_get_stats(&after);
	if (after.nr_reports != before->nr_reports)
		stress_error(res, "%lu misuse reports during the run\n",
			     after.nr_reports - before->nr_reports);
	if (after.nr_allocs - after.nr_frees != before->nr_allocs - before->nr_frees ||
	    after.live_bytes != before->live_bytes)
		stress_error(res,
			     "after freeing everything: %lu blocks and %zu bytes live, "
			     "%lu and %zu before\n",
			     after.nr_allocs - after.nr_frees, after.live_bytes,
			     before->nr_allocs - before->nr_frees, before->live_bytes);
	return res->errors;
}

unsigned long stress_run(unsigned long ops, unsigned long seed, struct stress_result *res)
{
	struct stress_args a = { .ops = ops, .seed = seed };
	struct mm_stats before;

	run_begin(&a, &before);
	on_each_cpu(stress_ops, &a);
	return run_end(&a, &before, res);
}

/* ---- the commands ------------------------------------------------------------------- */

/* Parse `<ops> [seed]` for command @name; print its error when they are bad. */
static bool parse_args(const char *name, int argc, char **argv, unsigned long *ops,
		       unsigned long *seed)
{
	*seed = 1;
	if (!parse_ulong(argv[1], ops) || *ops == 0) {
		printk("%s: bad op count '%s' (1 or more, decimal or 0x hex)\n", name, argv[1]);
		return false;
	}
	if (argc > 2 && !parse_ulong(argv[2], seed)) {
		printk("%s: bad seed '%s' (decimal or 0x hex)\n", name, argv[2]);
		return false;
	}
	return true;
}

/* What the last run did: one line, or with several CPUs a line per CPU and the sums. */
static void print_result(const char *name, const struct stress_result *res)
{
	unsigned int cpu, n = run_cpus;
	const struct stress_result *r;

	if (n == 1) {
		printk("%s: %lu kmalloc, %lu krealloc, %lu kfree, %lu failed; at most %u blocks "
		       "held\n",
		       name, res->allocs, res->reallocs, res->frees, res->failures, res->peak_live);
		return;
	}
	for (cpu = 0; cpu < n; cpu++) {
		r = &stress_cpus[cpu].res;
		printk("%s: cpu %u: %lu kmalloc, %lu krealloc, %lu kfree, %lu handed to other "
		       "CPUs, %lu freed for them, %lu failed; at most %u blocks held\n",
		       name, cpu, r->allocs, r->reallocs, r->frees, r->handed, r->remote_frees,
		       r->failures, r->peak_live);
	}
	printk("%s: %u CPUs: %lu kmalloc, %lu krealloc, %lu kfree (%lu of them on another "
	       "CPU than the block's), %lu failed\n",
	       name, n, res->allocs, res->reallocs, res->frees + res->remote_frees,
	       res->remote_frees, res->failures);
}

int cmd_stress(int argc, char **argv)
{
	struct stress_result res;
	unsigned long ops, seed;

	if (!parse_args("stress", argc, argv, &ops, &seed))
		return 1;
	if (nr_cpus() == 1)
		printk("stress: %lu ops, seed %lu\n", ops, seed);
	else
		printk("stress: %lu ops on each of %u CPUs, seed %lu\n", ops, nr_cpus(), seed);
	stress_run(ops, seed, &res);
	print_result("stress", &res);
	printk("stress: %lu errors\n", res.errors);
	mm_print_meminfo(&console_printer);
	mm_print_slabinfo(&console_printer);
	return res.errors ? 1 : 0;
}

int cmd_irqstress(int argc, char **argv)
{
	struct stress_args a = { .small = true };
	struct stress_result res;
	struct mm_stats before;

	if (!parse_args("irqstress", argc, argv, &a.ops, &a.seed))
		return 1;
	irq.nr_held = 0;
	irq.interrupts = 0;
	irq.res = (struct stress_result){ 0 };
	seed_rand(&irq.rng, ~a.seed);
	run_begin(&a, &before);
	if (!cpu_timer_start(IRQ_PERIOD_US, irq_tick)) {
		printk("irqstress: this board has no timer interrupt\n");
		return 1;
	}
	printk("irqstress: %lu ops on each of %u CPU%s, seed %lu; a timer interrupt on CPU 0 "
	       "every %d us allocates and frees too\n",
	       a.ops, a.nr, a.nr == 1 ? "" : "s", a.seed, IRQ_PERIOD_US);
	on_each_cpu(stress_ops, &a);
	cpu_timer_stop();
	irq_drain();
	run_end(&a, &before, &res);
	print_result("irqstress", &res);
	printk("irqstress: %lu interrupts: %lu kmalloc, %lu kfree, %lu failed in them\n",
	       irq.interrupts, irq.res.allocs, irq.res.frees, irq.res.failures);
	if (!irq.interrupts)
		stress_error(&res, "no timer interrupt came during the run\n");
	if (irq.res.allocs != irq.res.frees)
		stress_error(&res, "the interrupts made %lu blocks and freed %lu\n", irq.res.allocs,
			     irq.res.frees);
	res.errors += irq.res.errors;
	printk("irqstress: %lu errors\n", res.errors);
	return res.errors ? 1 : 0;
}
