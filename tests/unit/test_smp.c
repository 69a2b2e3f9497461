// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_smp.c - several CPUs at once: threads, each saying it is a
 * CPU of its own (test_cpu), allocate, hand objects to each other and free
 * what others allocated. With CONFIG_MM_NR_CPUS > 1 each has its own part of
 * every cache and frees into the others' active pools; with one CPU they all
 * share CPU 0 behind the port's mutex. Either way nothing may be lost,
 * counted twice or reported, and misuse from another CPU is still caught.
 * tests/tsan runs the churn of churn.c under ThreadSanitizer.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <mm/slab.h>
#include <mm/debug.h>
#include <mm/stats.h>
#include "churn.h"
#include "helpers.h"
#include "internal.h"

#define HEAP_SIZE (8u << 20)
#define NR_THREADS 4

static void heap(void)
{
	setup_heap(HEAP_SIZE);
}

TestSuite(smp, .init = heap);

/* Churn on NR_THREADS CPUs (with a meddler or not), then check the books:
 * nothing reported, lost or counted twice; everything goes back. */
static void churn_and_check(bool meddle)
{
	struct mm_stats empty, before, after;
	struct churn c = { .threads = NR_THREADS, .ops = 20000, .meddle = meddle };

	if (!CONFIG_MM_LOCKING)
		cr_skip_test("threads at once need CONFIG_MM_LOCKING");
	mm_get_stats(&empty);
	c.cache = kmem_cache_create("smp48", 48, 0, 0, NULL);
	cr_assert_not_null(c.cache);
	mm_get_stats(&before);
	churn_run(&c);
	cr_assert_eq(c.bad, 0, "%lu objects came back with other bytes", c.bad);
	cr_assert_eq(c.failed, 0, "%lu allocations failed", c.failed);
	cr_assert_eq(c.problems, 0, "mm_validate() found %lu problems meanwhile", c.problems);
	cr_assert_eq(nr_recorded_reports, 0, "a report: %s",
		     nr_recorded_reports ? mm_report_kind_name(recorded_reports[0].kind) : "");
	cr_assert_eq(mm_validate(), 0);
	mm_get_stats(&after);
	cr_assert_eq(after.nr_allocs - before.nr_allocs, after.nr_frees - before.nr_frees,
		     "every allocation freed once: %lu allocations, %lu frees",
		     after.nr_allocs - before.nr_allocs, after.nr_frees - before.nr_frees);
	cr_assert_geq(after.nr_allocs - before.nr_allocs, (unsigned long)NR_THREADS * c.ops);
	cr_assert_eq(after.live_bytes, before.live_bytes, "%zu bytes more counted live",
		     after.live_bytes - before.live_bytes);
	/* Everything the CPUs held and every empty pool goes back. */
	kmem_cache_destroy(c.cache);
	mm_shrink();
	mm_get_stats(&after);
	cr_assert_eq(after.used_bytes, empty.used_bytes, "%zu bytes of pools left after shrinking",
		     after.used_bytes - empty.used_bytes);
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

Test(smp, cross_cpu_frees_lose_nothing)
{
	churn_and_check(false);
}

/* The same while another thread reads statistics, validates, drains CPUs
 * and shrinks caches all along. */
Test(smp, statistics_and_draining_meanwhile_lose_nothing)
{
	churn_and_check(true);
}

struct handoff {
	unsigned int cpu;
	void *p;
};

static void *free_on(void *arg)
{
	struct handoff *h = arg;

	test_cpu = h->cpu % CONFIG_MM_NR_CPUS;
	kfree(h->p);
	return NULL;
}

static void free_on_cpu(unsigned int cpu, void *p)
{
	struct handoff h = { cpu, p };
	pthread_t th;

	cr_assert_eq(pthread_create(&th, NULL, free_on, &h), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
}

static void *alloc_on(void *arg)
{
	struct handoff *h = arg;

	test_cpu = h->cpu % CONFIG_MM_NR_CPUS;
	h->p = kmalloc(64, GFP_KERNEL);
	return NULL;
}

static void *alloc_on_cpu(unsigned int cpu)
{
	struct handoff h = { cpu, NULL };
	pthread_t th;

	cr_assert_eq(pthread_create(&th, NULL, alloc_on, &h), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
	return h.p;
}

/* A free on another CPU of an object freed already is a double free there too. */
Test(smp, a_double_free_from_another_cpu_is_reported)
{
	void *a = alloc_on_cpu(1), *b = alloc_on_cpu(1);

	cr_assert(a && b);
	free_on_cpu(2, a);
	cr_assert_eq(nr_recorded_reports, 0);
	free_on_cpu(3, a);
	cr_assert_eq(count_reports(MM_REPORT_DOUBLE_FREE), 1);
	cr_assert_eq(recorded_reports[0].addr, a);
	/* The neighbour is untouched and frees cleanly. */
	free_on_cpu(0, b);
	cr_assert_eq(nr_recorded_reports, 1);
	cr_assert_eq(mm_validate(), 0);
}

/* A foreign pointer, an interior pointer and a cache handle freed from any CPU:
 * each reported once, and nothing the CPUs hold changes. */
Test(smp, bad_frees_from_every_cpu_are_reported_once_and_change_nothing)
{
	static char not_heap[64];
	struct mm_stats before, after;
	unsigned int cpu, n = 0;
	char *a = alloc_on_cpu(1);

	cr_assert_not_null(a);
	mm_get_stats(&before);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		free_on_cpu(cpu, not_heap);
		cr_assert_eq(nr_recorded_reports, ++n, "CPU %u: foreign free", cpu);
		cr_assert_eq(recorded_reports[n - 1].kind, MM_REPORT_FOREIGN_FREE);
		free_on_cpu(cpu, a + 8);
		cr_assert_eq(nr_recorded_reports, ++n, "CPU %u: interior free", cpu);
		cr_assert_eq(recorded_reports[n - 1].kind, MM_REPORT_INTERIOR_FREE);
	}
	mm_get_stats(&after);
	cr_assert_eq(after.nr_frees, before.nr_frees, "a bad free freed something");
	cr_assert_eq(after.live_bytes, before.live_bytes);
	cr_assert_eq(mm_validate(), 0);
	free_on_cpu(NR_CPUS - 1, a); /* the block itself is still live */
	cr_assert_eq(nr_recorded_reports, n);
	cr_assert_eq(mm_validate(), 0);
}

/* mm_cpu_drain() gives back what a CPU holds: its pool goes to the lists and
 * the other CPUs allocate from it. */
Test(smp, drain_gives_a_cpus_pool_back)
{
	struct kmem_cache *s = mm_state->size_cache[(64 - 1) / 8];
	unsigned int cpu = 1 % NR_CPUS;
	void *p = alloc_on_cpu(1);

	cr_assert_not_null(p);
	cr_assert_not_null(s->cpu[cpu].slab, "the allocating CPU has an active pool");
	free_on_cpu(2, p);
	mm_cpu_drain(cpu);
	cr_assert_null(s->cpu[cpu].slab, "drained: no active pool");
	cr_assert_eq(s->cpu[cpu].bits | s->cpu[cpu].held, 0, "drained: nothing reserved");
	cr_assert_eq(s->nr_empty, 1, "its pool is kept empty for any CPU");
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(cache_nr_active(s), 0);
	mm_cpu_drain(NR_CPUS); /* no such CPU: nothing happens */
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

/* Each CPU allocates from a pool of its own: no two CPUs share an active pool. */
Test(smp, each_cpu_has_its_own_active_pool)
{
	struct kmem_cache *s = mm_state->size_cache[(64 - 1) / 8];
	void *p[NR_THREADS];
	unsigned int t, u;

	for (t = 0; t < NR_THREADS; t++)
		p[t] = alloc_on_cpu(t);
	for (t = 0; t < NR_THREADS && t < NR_CPUS; t++) {
		cr_assert_not_null(s->cpu[t].slab);
		for (u = 0; u < t; u++)
			cr_assert_neq(s->cpu[t].slab, s->cpu[u].slab, "cpus %u and %u share a pool",
				      t, u);
		cr_assert_eq(virt_to_slab(p[t]), s->cpu[t].slab);
	}
	for (t = 0; t < NR_THREADS; t++)
		free_on_cpu((t + 1) % NR_THREADS, p[t]);
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}

/* mm_get_cpu_stats(): an allocation counts on the CPU that made it, a free on
 * the CPU that did it, and over all CPUs they add up to what is handed out. */
Test(smp, each_cpu_counts_its_own_allocations_and_frees)
{
	struct mm_cpu_stats before[NR_CPUS], after[NR_CPUS], st;
	unsigned long allocs[NR_CPUS] = { 0 }, frees[NR_CPUS] = { 0 };
	struct mm_cache_stats cs;
	unsigned long sum = 0, active = 0;
	unsigned int cpu, i;
	void *p[8];

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		cr_assert(mm_get_cpu_stats(cpu, &before[cpu]));
	cr_assert_not(mm_get_cpu_stats(NR_CPUS, &st), "no CPU %d", NR_CPUS);
	/* Thread t is CPU t % NR_CPUS: with one CPU, every thread is CPU 0. */
	for (i = 0; i < 8; i++)
		p[i] = alloc_on_cpu(1);
	allocs[1 % NR_CPUS] += 8;
	for (i = 0; i < 8; i++)
		free_on_cpu(i < 3 ? 1 : 2, p[i]);
	frees[1 % NR_CPUS] += 3;
	frees[2 % NR_CPUS] += 5;
	p[0] = alloc_on_cpu(3);
	allocs[3 % NR_CPUS] += 1;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		cr_assert(mm_get_cpu_stats(cpu, &after[cpu]));
		cr_assert_eq(after[cpu].nr_allocs - before[cpu].nr_allocs, allocs[cpu], "cpu %u",
			     cpu);
		cr_assert_eq(after[cpu].nr_frees - before[cpu].nr_frees, frees[cpu], "cpu %u", cpu);
	}
	cr_assert_geq(after[3 % NR_CPUS].active_pools, 1, "CPU 3 allocates from a pool");
	cr_assert_geq(after[3 % NR_CPUS].reserved_objs, 1, "and holds the rest of a word");
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		sum += after[cpu].nr_allocs - after[cpu].nr_frees;
	for (i = 0; mm_get_cache_stats(i, &cs); i++)
		active += cs.active_objs;
	cr_assert_eq(sum, active, "allocations less frees on every CPU: %lu; handed out: %lu", sum,
		     active);
	free_on_cpu(0, p[0]);
	cr_assert_eq(mm_validate(), 0);
	cr_assert_eq(nr_recorded_reports, 0);
}
