// SPDX-License-Identifier: MIT
/*
 * tests/libc/exits.c - many short-lived threads, each allocating from every
 * size class: meant for bareslab under LD_PRELOAD, where each thread takes a
 * slot of per-thread caches at its first allocation and gives the slot and
 * what it cached back when it exits.
 *
 *   exits [ROUNDS [THREADS [BLOCKS]]]     defaults: 20 rounds, 40 threads, 200 blocks
 *
 * Each round starts THREADS threads at once (more than the library's slots:
 * some share one) and joins them. Each thread allocates BLOCKS blocks of 1
 * byte to 16 KiB, in steps that meet every size class, fills them with a
 * pattern, and checks and frees three in four itself; it returns the others,
 * which the main thread checks and frees. One thread in eight never
 * allocates.
 *
 * When every block is freed and every thread gone, what the threads cached
 * must be back: run with BARESLAB_STATS=1, the pools left ("Pools:") are
 * what each cache keeps empty and the main thread's own (tests/libc/run.sh
 * checks the bound), however many threads ran. Exit status 0 and a summary
 * line when every check passed; 1 otherwise.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 256
#define MAX_SIZE (16u << 10)

static unsigned long nr_blocks = 200;

struct kept {
	unsigned long n;
	unsigned char *p[];
};

static unsigned char pattern(uintptr_t id, size_t i)
{
	return (unsigned char)(id * 131 + i * 7 + 1);
}

/* Block @i of thread @id: its size, from 1 byte to MAX_SIZE in steps that
 * meet every size class. */
static size_t block_size(uintptr_t id, unsigned long i)
{
	size_t step = (id * 977 + i * 2654435761u) % 64;

	return i % 2 ? 1 + step * 16 : 1 + (size_t)((id + i) % 128) * (MAX_SIZE / 128);
}

static void fill(unsigned char *p, size_t size, uintptr_t id)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = pattern(id, i);
}

static bool intact(const unsigned char *p, size_t size, uintptr_t id)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != pattern(id, i))
			return false;
	return true;
}

/* Allocate, check, free 3/4; return the rest (a struct kept), or NULL for a
 * thread that never allocates, or (void *)1 on a failed check. */
static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	unsigned char **blocks;
	struct kept *kept;
	unsigned long i;

	if (id % 8 == 7)
		return NULL;
	blocks = malloc(nr_blocks * sizeof(*blocks));
	kept = malloc(sizeof(*kept) + (nr_blocks / 4 + 1) * sizeof(kept->p[0]));
	if (!blocks || !kept)
		return (void *)1;
	kept->n = 0;
	for (i = 0; i < nr_blocks; i++) {
		blocks[i] = malloc(block_size(id, i));
		if (!blocks[i])
			return (void *)1;
		fill(blocks[i], block_size(id, i), id + i);
	}
	for (i = 0; i < nr_blocks; i++) {
		if (!intact(blocks[i], block_size(id, i), id + i))
			return (void *)1;
		if (i % 4 == 3)
			kept->p[kept->n++] = blocks[i];
		else
			free(blocks[i]);
	}
	free(blocks);
	return kept;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 20;
	unsigned long nr_threads = argc > 2 ? strtoul(argv[2], NULL, 0) : 40;
	pthread_t threads[MAX_THREADS];
	unsigned long r, t, i, started = 0, allocating = 0;

	if (argc > 3)
		nr_blocks = strtoul(argv[3], NULL, 0);
	if (nr_threads < 1 || nr_threads > MAX_THREADS || nr_blocks < 4) {
		fprintf(stderr, "usage: %s [ROUNDS [THREADS (1-%d) [BLOCKS (4-)]]]\n", argv[0],
			MAX_THREADS);
		return 2;
	}
	for (r = 0; r < rounds; r++) {
		for (t = 0; t < nr_threads; t++) {
			uintptr_t id = r * nr_threads + t;

			if (pthread_create(&threads[t], NULL, worker, (void *)id) != 0) {
				fprintf(stderr, "FAIL: pthread_create\n");
				return 1;
			}
		}
		for (t = 0; t < nr_threads; t++) {
			uintptr_t id = r * nr_threads + t;
			struct kept *kept;

			pthread_join(threads[t], (void **)&kept);
			started++;
			if (kept == (void *)1) {
				fprintf(stderr, "FAIL: thread %lu: a block failed or changed\n",
					(unsigned long)id);
				return 1;
			}
			if (!kept)
				continue;
			allocating++;
			for (i = 0; i < kept->n; i++) {
				unsigned long b = i * 4 + 3;

				if (!intact(kept->p[i], block_size(id, b), id + b)) {
					fprintf(stderr, "FAIL: thread %lu's block %lu changed\n",
						(unsigned long)id, b);
					return 1;
				}
				free(kept->p[i]);
			}
			free(kept);
		}
	}
	printf("exits: ok: %lu threads in %lu rounds of %lu, %lu of them allocated %lu blocks "
	       "each\n",
	       started, rounds, nr_threads, allocating, nr_blocks);
	return 0;
}
