/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/churn.h - several threads, each a CPU of its own (test_cpu),
 * allocating, handing objects to each other and freeing what the others
 * allocated; optionally one more thread meddling meanwhile (statistics,
 * validation, draining CPUs, shrinking). Shared by tests/unit/test_smp.c and
 * the ThreadSanitizer run (tests/tsan), which cannot use Criterion.
 */
#ifndef TESTS_CHURN_H
#define TESTS_CHURN_H

#include <stdbool.h>
#include <mm/slab.h>

#define CHURN_MAX_THREADS 8

struct churn {
	/* what to run */
	unsigned int threads; /* at most CHURN_MAX_THREADS; thread t is CPU t */
	unsigned int ops; /* allocations per thread */
	struct kmem_cache *cache; /* a quarter of the objects come from it; or NULL */
	bool meddle; /* run the meddling thread too */
	/* what happened */
	unsigned long bad; /* objects whose bytes changed while their holder had them */
	unsigned long failed; /* allocations that failed */
	unsigned long problems; /* mm_validate() problems the meddler saw */
	unsigned long meddles; /* rounds the meddler ran */
};

/* Run @c to the end: every object allocated is freed (by some thread). */
void churn_run(struct churn *c);

#endif
