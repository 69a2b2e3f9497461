// SPDX-License-Identifier: MIT
/*
 * tests/libc/churn.c - a larson-like benchmark of whatever malloc the program
 * runs with: threads that replace small blocks at random, nothing else.
 *
 *   churn [THREADS [OPS [SEED]]]     defaults: 4 threads, 10000000 ops each
 *
 * Each thread keeps SLOTS blocks of 16 to 512 bytes (7 in 8 at most 128) and, OPS
 * times, frees a random one and allocates another in its place. One
 * operation in sixteen hands the new block to a shared mailbox instead and
 * takes out whatever another thread left there, so that blocks are freed by
 * threads other than their allocator. Each block carries its own address and
 * size in its first bytes, checked before it is freed. Exit status 0 and a
 * summary line when every check passed; 1 otherwise. Time it from outside
 * (tests/libc/bench.sh).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

#define SLOTS 2000
#define MAILBOX 64
#define MAX_THREADS 64

struct head {
	uintptr_t self;
	size_t size;
};

static _Atomic(struct head *) mailbox[MAILBOX];
static unsigned long nr_ops = 10000000;
static atomic_int failed;

static struct head *get(uint32_t *rng)
{
	uint32_t r = xorshift(rng);
	size_t size = r % 8 ? 16 + r % 113 : 16 + r % 497;
	struct head *h = malloc(size);

	if (h) {
		h->self = (uintptr_t)h;
		h->size = size;
	} else {
		atomic_store(&failed, 1);
	}
	return h;
}

static void put(struct head *h)
{
	if (!h)
		return;
	if (h->self != (uintptr_t)h || h->size < 16 || h->size > 512)
		atomic_store(&failed, 1);
	free(h);
}

static void *worker(void *arg)
{
	struct head *blocks[SLOTS];
	uint32_t rng = (uint32_t)(uintptr_t)arg | 1;
	unsigned long op;
	unsigned int i;

	for (i = 0; i < SLOTS; i++)
		blocks[i] = get(&rng);
	for (op = 0; op < nr_ops; op++) {
		uint32_t r = xorshift(&rng);
		struct head **b = &blocks[r % SLOTS];

		put(*b);
		*b = get(&rng);
		if (r % 16 == 0) {
			*b = atomic_exchange(&mailbox[(r >> 16) % MAILBOX], *b);
			if (!*b)
				*b = get(&rng);
		}
	}
	for (i = 0; i < SLOTS; i++)
		put(blocks[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long nr_threads = argc > 1 ? strtoul(argv[1], NULL, 0) : 4;
	uint32_t seed = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;
	pthread_t threads[MAX_THREADS];
	unsigned long i;

	if (argc > 2)
		nr_ops = strtoul(argv[2], NULL, 0);
	if (nr_threads < 1 || nr_threads > MAX_THREADS) {
		fprintf(stderr, "usage: %s [THREADS (1-%d) [OPS [SEED]]]\n", argv[0], MAX_THREADS);
		return 2;
	}
	for (i = 0; i < nr_threads; i++)
		if (pthread_create(&threads[i], NULL, worker,
				   (void *)(uintptr_t)(seed * 2654435761u + i * 977 + 1)) != 0) {
			fprintf(stderr, "FAIL: pthread_create\n");
			return 1;
		}
	for (i = 0; i < nr_threads; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < MAILBOX; i++)
		put(atomic_exchange(&mailbox[i], NULL));
	if (atomic_load(&failed)) {
		printf("churn: FAIL\n");
		return 1;
	}
	printf("churn: ok: %lu threads x %lu operations\n", nr_threads, nr_ops);
	return 0;
}
