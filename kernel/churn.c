// SPDX-License-Identifier: MIT
/*
 * kernel/churn.c - the `churn` command: a measurement, not a check. Every CPU
 * keeps CHURN_LIVE kmalloc blocks of kernel-object sizes (48, 96, 192 or 320
 * bytes, as the benchmark's kcache workloads), and each step frees a random
 * one and allocates another; with several CPUs one free in four is handed to
 * another CPU, which frees it (kernel/handoff.h). The board's counter is read
 * just before and just after every kmalloc() and kfree(): on rv64 under QEMU
 * with -icount shift=0, minstret, which counts each instruction exactly.
 *
 *   ticks of a call = counter after - counter before - an empty pair of reads
 *
 * The steps run in rounds of CHURN_ROUND, every CPU's round at once
 * (on_each_cpu()), so that the blocks handed over are taken within a round or
 * two, even where the CPUs do not really run at the same time: under -icount
 * QEMU runs the harts one after another, each for up to a slice of 100 ms of
 * virtual time. minstret then counts every hart's instructions: a slice that
 * ends between the two reads adds the other harts' slices to one call. Such
 * calls (above CHURN_OUTLIER ticks, far above any call alone) are counted
 * apart and left out of the figures. At the end the heap must validate and
 * hold what it held before.
 */
#include <stdint.h>
#include <mm/debug.h>
#include <mm/slab.h>
#include <mm/stats.h>

#include "cpu.h"
#include "handoff.h"
#include "lib.h"
#include "printk.h"
#include "stress.h"

#define CHURN_LIVE 256
#define CHURN_ROUND 64 /* steps per round: about 16 handed over, HANDOFF_SLOTS fit them */
#define CHURN_OUTLIER 100000ul /* ticks: a call alone takes far fewer */

static const size_t churn_sizes[] = { 48, 96, 192, 320 };

/* What one CPU does and measures. */
struct churn_cpu {
	unsigned char *live[CHURN_LIVE];
	unsigned int nr_live;
	uint32_t rng;
	unsigned long empty; /* ticks of an empty pair of reads */
	unsigned long allocs, frees, handed, remote_frees, failures;
	unsigned long alloc_ticks, free_ticks; /* in the calls measured */
	unsigned long alloc_calls, free_calls; /* calls measured */
	unsigned long left_out; /* calls another hart's turn ran inside */
};

static struct churn_cpu churn_cpus[STRESS_CPUS];
/* handoff[to][from], as in kernel/stress.c. */
static struct handoff handoff[STRESS_CPUS][STRESS_CPUS];

struct churn_args {
	unsigned long steps; /* on each CPU, in all */
	unsigned long seed;
	unsigned int nr; /* CPUs taking part */
	unsigned int round; /* steps of this round */
};

/* Add the @ticks of one call to @sum and @calls, or count it out. */
static void account(struct churn_cpu *c, unsigned long ticks, unsigned long *sum,
		    unsigned long *calls)
{
	if (ticks > CHURN_OUTLIER) {
		c->left_out++;
		return;
	}
	*sum += ticks > c->empty ? ticks - c->empty : 0;
	(*calls)++;
}

static void churn_alloc(struct churn_cpu *c)
{
	size_t size = churn_sizes[rand32(&c->rng) % ARRAY_SIZE(churn_sizes)];
	unsigned long t = cpu_cycles();
	unsigned char *p = kmalloc(size, GFP_KERNEL);

	account(c, cpu_cycles_since(t), &c->alloc_ticks, &c->alloc_calls);
	if (!p) {
		c->failures++;
		return;
	}
	c->allocs++;
	c->live[c->nr_live++] = p;
}

static void churn_kfree(struct churn_cpu *c, unsigned char *p)
{
	unsigned long t = cpu_cycles();

	kfree(p);
	account(c, cpu_cycles_since(t), &c->free_ticks, &c->free_calls);
}

/* Free live[@i] of CPU @me, or one time in four (several CPUs) hand it over. */
static void churn_free(struct churn_cpu *c, unsigned int me, unsigned int nr, unsigned int i)
{
	struct held h = { .p = c->live[i] };
	uint32_t r = nr > 1 ? rand32(&c->rng) : 1;

	if (r % 4 == 0 && handoff_put(&handoff[(me + 1 + (r >> 2) % (nr - 1)) % nr][me], &h)) {
		c->handed++;
	} else {
		churn_kfree(c, h.p);
		c->frees++;
	}
	c->live[i] = c->live[--c->nr_live];
}

/* Free what the other CPUs have handed CPU @me so far. */
static void churn_take(struct churn_cpu *c, unsigned int me, unsigned int nr)
{
	struct held h;
	unsigned int from;

	for (from = 0; from < nr; from++) {
		while (from != me && handoff_get(&handoff[me][from], &h)) {
			churn_kfree(c, h.p);
			c->remote_frees++;
		}
	}
}

/* On every CPU: measure an empty pair of reads, ramp up to CHURN_LIVE blocks. */
static void churn_ramp(void *arg)
{
	const struct churn_args *a = arg;
	unsigned int me = cpu_id(), i;
	struct churn_cpu *c = &churn_cpus[me];
	unsigned long t, d;

	*c = (struct churn_cpu){ .empty = ~0ul };
	seed_rand(&c->rng, a->seed + me * 0x9e3779b9ul);
	for (i = 0; i < 16; i++) {
		t = cpu_cycles();
		d = cpu_cycles_since(t);
		if (d < c->empty)
			c->empty = d;
	}
	while (c->nr_live < CHURN_LIVE && c->failures < CHURN_LIVE)
		churn_alloc(c);
}

/* On every CPU: one round of steps. */
static void churn_round(void *arg)
{
	const struct churn_args *a = arg;
	unsigned int me = cpu_id(), step;
	struct churn_cpu *c = &churn_cpus[me];

	for (step = 0; step < a->round && c->nr_live; step++) {
		if (a->nr > 1)
			churn_take(c, me, a->nr);
		churn_free(c, me, a->nr, rand32(&c->rng) % c->nr_live);
		churn_alloc(c);
	}
}

/* On every CPU, once every CPU has stopped handing blocks over: free everything. */
static void churn_drain(void *arg)
{
	const struct churn_args *a = arg;
	unsigned int me = cpu_id();
	struct churn_cpu *c = &churn_cpus[me];

	churn_take(c, me, a->nr);
	while (c->nr_live)
		churn_free(c, me, 1, c->nr_live - 1);
}

/* "; N.NN <counter> per kmalloc, N.NN per kfree, N.NN per call": ticks over calls. */
static void print_per_call(const char *counter, unsigned long alloc_ticks,
			   unsigned long alloc_calls, unsigned long free_ticks,
			   unsigned long free_calls)
{
	const unsigned long t[3] = { alloc_ticks, free_ticks, alloc_ticks + free_ticks };
	const unsigned long n[3] = { alloc_calls, free_calls, alloc_calls + free_calls };
	static const char *const what[3] = { "kmalloc", "kfree", "call" };
	unsigned long hundredths;
	int i;

	for (i = 0; i < 3; i++) {
		hundredths = n[i] ? (t[i] * 100 + n[i] / 2) / n[i] : 0;
		printk("%s%lu.%02lu%s%s per %s", i ? ", " : "; ", hundredths / 100,
		       hundredths % 100, i ? "" : " ", i ? "" : counter, what[i]);
	}
}

int cmd_churn(int argc, char **argv)
{
	struct churn_args a = { .seed = 1 };
	const char *counter = cpu_cycles_name();
	unsigned long at = 0, ac = 0, ft = 0, fc = 0, allocs = 0, frees = 0, left = 0;
	struct mm_stats before, after;
	unsigned long done;
	unsigned int cpu;
	int problems;

	if (!parse_ulong(argv[1], &a.steps) || a.steps == 0) {
		printk("churn: bad step count '%s' (1 or more, decimal or 0x hex)\n", argv[1]);
		return 1;
	}
	if (argc > 2 && !parse_ulong(argv[2], &a.seed)) {
		printk("churn: bad seed '%s' (decimal or 0x hex)\n", argv[2]);
		return 1;
	}
	a.nr = nr_cpus() < STRESS_CPUS ? nr_cpus() : STRESS_CPUS;
	printk("churn: %lu steps on each of %u CPU%s, seed %lu: %d blocks of 48-320 bytes live "
	       "on each%s\n",
	       a.steps, a.nr, a.nr == 1 ? "" : "s", a.seed, CHURN_LIVE,
	       a.nr == 1 ? "" : ", 1 free in 4 handed to another CPU");
	mm_get_stats(&before);
	on_each_cpu(churn_ramp, &a);
	for (done = 0; done < a.steps; done += a.round) {
		a.round =
			a.steps - done < CHURN_ROUND ? (unsigned int)(a.steps - done) : CHURN_ROUND;
		on_each_cpu(churn_round, &a);
	}
	on_each_cpu(churn_drain, &a);
	problems = mm_validate();
	mm_get_stats(&after);

	for (cpu = 0; cpu < a.nr; cpu++) {
		const struct churn_cpu *c = &churn_cpus[cpu];

		printk("churn: cpu %u: %lu kmalloc, %lu kfree (%lu for other CPUs), %lu failed",
		       cpu, c->allocs, c->frees + c->remote_frees, c->remote_frees, c->failures);
		if (counter)
			print_per_call(counter, c->alloc_ticks, c->alloc_calls, c->free_ticks,
				       c->free_calls);
		printk("\n");
		at += c->alloc_ticks;
		ac += c->alloc_calls;
		ft += c->free_ticks;
		fc += c->free_calls;
		allocs += c->allocs;
		frees += c->frees + c->remote_frees;
		left += c->left_out;
	}
	printk("churn: all: %lu kmalloc, %lu kfree", allocs, frees);
	if (counter) {
		print_per_call(counter, at, ac, ft, fc);
		printk(" (%lu calls left out: another hart ran between the reads)", left);
	} else {
		printk("; no counter on this board");
	}
	printk("\n");
	if (problems || allocs != frees ||
	    after.nr_allocs - after.nr_frees != before.nr_allocs - before.nr_frees) {
		printk("churn: error: %d problems in the heap, %lu blocks made, %lu freed\n",
		       problems, allocs, frees);
		return 1;
	}
	return 0;
}
