// SPDX-License-Identifier: MIT
/*
 * tests/libc/threads.c - a threaded stress test of whatever malloc the
 * program runs with: meant for bareslab under LD_PRELOAD.
 *
 *   threads [THREADS [OPS [SEED [FORKS]]]]   defaults: 4 threads, 1000000 ops each,
 *                                            no fork
 *
 * Each thread keeps SLOTS blocks and, OPS times, does one of: malloc, free,
 * calloc, realloc, an aligned allocation, or a hand-off. A hand-off puts one
 * of its blocks in a shared mailbox slot and takes out whatever another
 * thread left there, which it checks and frees or keeps: blocks are freed by
 * threads other than their allocator all the time.
 *
 * Every block's bytes follow a pattern of its own seed, written when it is
 * allocated and checked before it is touched again, by whichever thread
 * holds it; a calloc block is checked to be zero first. Blocks over 512
 * bytes are checked at both ends and at about 128 points between, which is
 * enough to see two blocks overlap. Sizes: mostly small, some up to 256 KiB,
 * and one in five thousand a block of 4 to 8 MiB (mapped by bareslab's port).
 *
 * With FORKS, the main thread forks that many times while the others run,
 * 10 ms apart. Each child runs two threads and its own main thread through
 * the same operations (20,000 each), handing off to each other and freeing
 * the blocks the parent's threads left in the mailbox, and exits with 0
 * when every check passed (killed after 60 s: a lock inherited held). The
 * parent fails on any other end of a child.
 *
 * Exit status 0 and a summary line when every check passed; 1 and the first
 * bad block otherwise.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xorshift.h"

#define SLOTS 1024
#define MAILBOX 256
#define MAX_THREADS 64

struct block {
	unsigned char *p;
	size_t size;
	uint32_t seed;
};

/* A block in transit between threads; itself a malloc block. */
struct parcel {
	struct block b;
	uint32_t check; /* parcel_check() of the fields above */
};

static _Atomic(struct parcel *) mailbox[MAILBOX];
static atomic_ulong nr_handoffs, nr_checked;
static atomic_int nr_running; /* workers not done yet */
static unsigned long nr_ops = 1000000;
static atomic_int failed;

static uint32_t parcel_check(const struct parcel *pc)
{
	return (uint32_t)((uintptr_t)pc->b.p * 2654435761u) ^ (uint32_t)pc->b.size * 40503u ^
	       pc->b.seed ^ 0x5eed;
}

static inline unsigned char pattern(uint32_t seed, size_t i)
{
	return (unsigned char)(seed + i * 131 + (i >> 9));
}

/* The byte after @i to fill and check in a block of @size: all of a small
 * block; both ends and about 128 bytes between of a larger one. */
static inline size_t next_checked(size_t i, size_t size)
{
	size_t step = size / 128 > 509 ? size / 128 : 509;

	if (size <= 512 || i < 64 || i + 64 >= size)
		return i + 1;
	return i + step < size - 64 ? i + step : size - 64;
}

static void fill(const struct block *b)
{
	size_t i;

	for (i = 0; i < b->size; i = next_checked(i, b->size))
		b->p[i] = pattern(b->seed, i);
}

static void fail(const char *what, const struct block *b, size_t i)
{
	if (atomic_fetch_add(&failed, 1) == 0)
		fprintf(stderr, "FAIL: %s: block %p, %zu bytes, seed %u, byte %zu\n", what,
			(void *)b->p, b->size, b->seed, i);
}

static bool check(const struct block *b)
{
	size_t i;

	atomic_fetch_add_explicit(&nr_checked, 1, memory_order_relaxed);
	for (i = 0; i < b->size; i = next_checked(i, b->size)) {
		if (b->p[i] != pattern(b->seed, i)) {
			fail("contents changed", b, i);
			return false;
		}
	}
	return true;
}

static size_t random_size(uint32_t *rng)
{
	uint32_t r = xorshift(rng) % 5000;

	if (r == 0)
		return (4u << 20) + xorshift(rng) % (4u << 20);
	if (r < 250)
		return 4097 + xorshift(rng) % (256u << 10);
	if (r < 1500)
		return 129 + xorshift(rng) % 3968;
	return xorshift(rng) % 129; /* 0 too */
}

/* A new block of @size in @b by one of the allocation calls, checked and filled. */
static void allocate(struct block *b, size_t size, uint32_t *rng)
{
	uint32_t how = xorshift(rng) % 10;
	size_t align = 0;
	void *p = NULL;

	if (how < 6) {
		p = malloc(size);
	} else if (how < 8) {
		p = calloc(1, size);
		for (size_t i = 0; p && i < size; i += (size > 4096 ? 4093 : 1))
			if (((unsigned char *)p)[i]) {
				struct block z = { p, size, 0 };

				fail("calloc block not zeroed", &z, i);
				break;
			}
	} else {
		align = (size_t)1 << (xorshift(rng) % 17); /* 1 B .. 64 KiB */
		if (how == 8) {
			p = aligned_alloc(align, size);
		} else if (posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align,
					  size)) {
			p = NULL;
		}
	}
	b->p = p;
	b->size = size;
	b->seed = xorshift(rng);
	if (!p) {
		fail("allocation failed", b, 0);
		return;
	}
	if (align && (uintptr_t)p % align)
		fail("misaligned", b, align);
	if (malloc_usable_size(p) < size)
		fail("usable size too small", b, malloc_usable_size(p));
	fill(b);
}

static void release(struct block *b)
{
	if (b->p && check(b))
		free(b->p);
	b->p = NULL;
}

static void grow_or_shrink(struct block *b, uint32_t *rng)
{
	size_t size = random_size(rng);
	size_t keep = size < b->size ? size : b->size;
	unsigned char *p;
	size_t i;

	if (!check(b))
		return;
	p = realloc(b->p, size);
	if (!p) {
		if (size)
			fail("realloc failed", b, size);
		b->p = NULL; /* realloc(p, 0) freed it */
		return;
	}
	b->p = p;
	for (i = 0; i < keep; i = next_checked(i, b->size)) {
		if (p[i] != pattern(b->seed, i)) {
			fail("realloc lost contents", b, i);
			return;
		}
	}
	b->size = size;
	b->seed = xorshift(rng);
	fill(b);
}

/* Swap one of our blocks (or nothing) with a random mailbox slot. */
static void hand_off(struct block *b, uint32_t *rng)
{
	struct parcel *out = NULL, *in;

	if (b->p && check(b)) {
		out = malloc(sizeof(*out));
		if (!out) {
			fail("parcel allocation failed", b, 0);
			return;
		}
		out->b = *b;
		out->check = parcel_check(out);
		b->p = NULL;
	}
	in = atomic_exchange(&mailbox[xorshift(rng) % MAILBOX], out);
	if (!in)
		return;
	atomic_fetch_add_explicit(&nr_handoffs, 1, memory_order_relaxed);
	if (in->check != parcel_check(in)) {
		fail("parcel corrupted", &in->b, 0);
		return;
	}
	if (!b->p && xorshift(rng) % 2)
		*b = in->b; /* keep it: this thread frees it later */
	else
		release(&in->b);
	free(in);
}

static void *worker(void *arg)
{
	struct block slots[SLOTS];
	uint32_t rng = (uint32_t)(uintptr_t)arg | 1;
	unsigned long op;

	memset(slots, 0, sizeof(slots));
	for (op = 0; op < nr_ops && !atomic_load_explicit(&failed, memory_order_relaxed); op++) {
		struct block *b = &slots[xorshift(&rng) % SLOTS];
		uint32_t r = xorshift(&rng) % 100;

		if (r < 35) {
			release(b);
			allocate(b, random_size(&rng), &rng);
		} else if (r < 55) {
			release(b);
		} else if (r < 70) {
			if (b->p)
				grow_or_shrink(b, &rng);
			else
				allocate(b, random_size(&rng), &rng);
		} else {
			hand_off(b, &rng);
		}
	}
	for (op = 0; op < SLOTS; op++)
		release(&slots[op]);
	atomic_fetch_sub(&nr_running, 1);
	return NULL;
}

/* A child of fork(): this thread and two new ones run a short worker each,
 * on the heap as the fork left it. Its exit status: 0 when all went well. */
static int child(uint32_t seed)
{
	pthread_t threads[2];
	int i;

	alarm(60);
	nr_ops = 20000;
	for (i = 0; i < 2; i++)
		if (pthread_create(&threads[i], NULL, worker,
				   (void *)(uintptr_t)(seed * 2654435761u + i * 977 + 1)) != 0)
			return 3;
	worker((void *)(uintptr_t)(seed | 1));
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	return atomic_load(&failed) ? 1 : 0;
}

/* Fork @n times, 10 ms apart, while the workers run; return how many
 * forks found them still running. */
static unsigned long fork_children(unsigned long n, uint32_t seed)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	unsigned long i, busy = 0;

	for (i = 0; i < n && !atomic_load(&failed); i++) {
		int status;
		bool running;
		pid_t pid;

		nanosleep(&pause, NULL);
		running = atomic_load(&nr_running) > 0;
		pid = fork();
		if (pid == 0)
			_exit(child(seed + (uint32_t)i * 7919));
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			fprintf(stderr, "FAIL: fork or waitpid\n");
			atomic_fetch_add(&failed, 1);
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "FAIL: child %lu: %s %d\n", i,
				WIFEXITED(status) ? "exit status" : "killed by signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			atomic_fetch_add(&failed, 1);
			break;
		}
		busy += running && atomic_load(&nr_running) > 0;
	}
	return busy;
}

int main(int argc, char **argv)
{
	unsigned long nr_threads = argc > 1 ? strtoul(argv[1], NULL, 0) : 4;
	uint32_t seed = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : (uint32_t)time(NULL);
	unsigned long nr_forks = argc > 4 ? strtoul(argv[4], NULL, 0) : 0, forks_busy = 0;
	pthread_t threads[MAX_THREADS];
	unsigned long i;

	if (argc > 2)
		nr_ops = strtoul(argv[2], NULL, 0);
	if (nr_threads < 1 || nr_threads > MAX_THREADS) {
		fprintf(stderr, "usage: %s [THREADS (1-%d) [OPS [SEED [FORKS]]]]\n", argv[0],
			MAX_THREADS);
		return 2;
	}
	printf("threads: %lu threads x %lu operations, seed %u\n", nr_threads, nr_ops, seed);
	fflush(stdout);
	atomic_store(&nr_running, (int)nr_threads);
	for (i = 0; i < nr_threads; i++)
		if (pthread_create(&threads[i], NULL, worker,
				   (void *)(uintptr_t)(seed * 2654435761u + i * 977 + 1)) != 0) {
			fprintf(stderr, "FAIL: pthread_create\n");
			return 1;
		}
	forks_busy = fork_children(nr_forks, seed);
	for (i = 0; i < nr_threads; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < MAILBOX; i++) {
		struct parcel *pc = atomic_exchange(&mailbox[i], NULL);

		if (pc) {
			if (pc->check != parcel_check(pc))
				fail("parcel corrupted", &pc->b, 0);
			else
				release(&pc->b);
			free(pc);
		}
	}
	if (atomic_load(&failed)) {
		printf("threads: FAIL (seed %u)\n", seed);
		return 1;
	}
	printf("threads: ok: %lu cross-thread hand-offs, %lu blocks checked",
	       atomic_load(&nr_handoffs), atomic_load(&nr_checked));
	if (nr_forks)
		printf("; %lu children exited 0, %lu forked while the threads ran", nr_forks,
		       forks_busy);
	printf("\n");
	return 0;
}
