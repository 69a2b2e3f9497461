// SPDX-License-Identifier: MIT
/*
 * tests/bench/threads.c - the threaded churn: THREADS threads allocate and
 * free at once, each handing a quarter of its frees to another thread,
 * against the allocator linked in (bench_alloc.h). Wall clock only.
 *
 *   threads [-T THREADS] [-r RUNS | -s] [-n STEPS]   defaults: 2 threads, 1 run, 1000000 steps
 *
 * Work: thread t replays a churn of its own, generated before anything is
 * timed: the churn driver of WORKLOADS.md with kcache-small's sizes ({48,
 * 96, 192, 320}) and L = 1024 live objects, N = STEPS steps and seed
 * THREAD_SEED + t. Thread 0 does the same work whatever THREADS; a run of T
 * threads does about T times the work of one.
 *
 * Hand-off: every fourth FREE of a thread's trace is not done by the thread
 * itself: the block goes to thread (t + 1) % THREADS, which frees it (with
 * one thread, to itself: the same work on one CPU). Blocks travel in batches
 * of HANDOFF_BATCH through one ring per receiving thread (one writer, one
 * reader, C11 atomics: no lock and no allocation on the way); each thread
 * frees what its ring holds every POLL_OPS ops, and while the ring it
 * writes to is full. When its trace is done, a thread hands over its last
 * partial batch, then frees what still arrives until the thread that hands
 * to it is done too.
 *
 * Timing: each thread reads CLOCK_MONOTONIC when every thread has started
 * (a barrier) and when it has freed everything; a run lasts from the first
 * start to the last end. Throughput: the ops of every thread's trace (a
 * handed FREE counts once, where its trace has it) over that time, harness
 * included (the null allocator's figure is the harness alone). RUNS runs in
 * one process, new threads each time, the allocator warm after the first;
 * the median. Like replay.c, nothing touches the blocks.
 *
 * -s (serve): after the traces are generated, print "ready", then do one run
 * for each line read from standard input and print it, and print the
 * summary at end of input. scripts/bench.sh keeps one such process per
 * allocator and asks each for a run in turn, round after round, so that
 * every allocator meets the machine's load alike and no trace is generated
 * twice.
 *
 * Output: lines of key=value words, read by scripts/bench.sh:
 *
 *   alloc origin=libmimalloc.so.2
 *   ready                                   (-s only)
 *   trace thread=0 ops=1002314 peak_bytes=... checksum=...
 *   run index=0 ns=... ops_per_s=...
 *   threads threads=2 steps=1000000 ops=... handed=... runs=1 ops_per_s_median=...
 *          ops_per_s_min=... ops_per_s_max=...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_alloc.h"
#include "trace.h"

#define MAX_THREADS 64
#define THREAD_SEED 100
#define THREAD_LIVE 1024
#define DEFAULT_STEPS 1000000u
#define DEFAULT_HEAP_BYTES ((size_t)256 << 20)
#define MAX_RUNS 1000

/* Blocks per hand-off batch, batches per ring (a power of two), ops between two looks at the ring. */
#define HANDOFF_BATCH 64
#define RING_BATCHES 64
#define POLL_OPS 32
#define CACHE_LINE 64

/* One op of the replay, as in replay.c: FREE when ROP_FREE is set in @slot. */
struct rop {
	uint32_t slot;
	uint32_t size;
};

#define ROP_FREE 0x80000000u

struct batch {
	unsigned int n;
	void *blocks[HANDOFF_BATCH];
};

/*
 * The blocks handed to one thread. The writer fills slot[head % RING_BATCHES]
 * and then moves head on (release); the reader frees the blocks of every slot
 * from tail to head (acquire) and then moves tail on. Empty when head ==
 * tail, full when head - tail == RING_BATCHES.
 */
struct ring {
	_Alignas(CACHE_LINE) _Atomic unsigned int head;
	_Alignas(CACHE_LINE) _Atomic unsigned int tail;
	_Alignas(CACHE_LINE) struct batch slot[RING_BATCHES];
};

struct worker {
	_Alignas(CACHE_LINE) unsigned int index;
	struct rop *ops;
	uint64_t nr_ops;
	void **slots; /* the live blocks, one per slot */
	struct ring *in; /* what the thread before hands to this one */
	struct ring *out; /* what this one hands to the next */
	const struct worker *from; /* the thread that writes to in */
	struct batch outbox; /* blocks handed, not yet in out */
	uint64_t handed;
	uint64_t start_ns, end_ns;
	_Atomic bool done; /* its trace done and its last batch handed */
};

static struct worker *workers;
static struct ring *rings;
static unsigned int nr_threads = 2;
static pthread_barrier_t start_barrier;

static void *map_or_die(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "threads: mmap of %zu bytes: %s\n", bytes, strerror(errno));
		exit(1);
	}
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Generate thread @w's churn of @steps steps and turn its ids into slots (replay.c: prepare()). */
static void prepare(struct worker *w, uint32_t steps)
{
	const struct trace_workload wl = {
		.name = "threads",
		.what = "threaded churn",
		.shape = TRACE_CHURN,
		.sizes = TRACE_SIZES_KCACHE,
		.seed = THREAD_SEED + w->index,
		.width = THREAD_LIVE,
		.steps = steps,
	};
	/* A churn has at most L ops of ramp, N steps and L ops of drain. */
	const uint64_t max_ops = (uint64_t)steps + 2 * THREAD_LIVE;
	struct trace_slot *scratch = map_or_die(trace_scratch_len(&wl) * sizeof(*scratch));
	struct trace_op *tops = map_or_die(max_ops * sizeof(*tops));
	uint32_t *id_slot, *free_slots, nr_free = 0, nr_slots = 0;
	struct trace_stats stats;
	uint64_t i, n;

	n = trace_generate(&wl, tops, max_ops, scratch, &stats);
	printf("trace thread=%u ops=%" PRIu64 " peak_bytes=%" PRIu64 " checksum=%016" PRIx64 "\n",
	       w->index, stats.nr_ops, stats.peak_bytes, stats.checksum);

	w->nr_ops = n;
	w->ops = map_or_die(n * sizeof(*w->ops));
	w->slots = map_or_die(stats.max_live * sizeof(*w->slots));
	id_slot = map_or_die(stats.nr_ids * sizeof(*id_slot));
	free_slots = map_or_die(stats.max_live * sizeof(*free_slots));
	for (i = 0; i < n; i++) {
		if (tops[i].kind == TRACE_ALLOC) {
			id_slot[tops[i].id] = nr_free ? free_slots[--nr_free] : nr_slots++;
			w->ops[i].slot = id_slot[tops[i].id];
			w->ops[i].size = tops[i].size;
		} else {
			free_slots[nr_free++] = id_slot[tops[i].id];
			w->ops[i].slot = id_slot[tops[i].id] | ROP_FREE;
			w->ops[i].size = 0;
		}
	}
	munmap(free_slots, stats.max_live * sizeof(*free_slots));
	munmap(id_slot, stats.nr_ids * sizeof(*id_slot));
	munmap(tops, max_ops * sizeof(*tops));
	munmap(scratch, trace_scratch_len(&wl) * sizeof(*scratch));
}

/* Free every block handed to @w so far. */
static void drain(struct worker *w)
{
	struct ring *r = w->in;
	unsigned int tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	unsigned int head = atomic_load_explicit(&r->head, memory_order_acquire);
	struct batch *b;
	unsigned int i;

	for (; tail != head; tail++) {
		b = &r->slot[tail % RING_BATCHES];
		for (i = 0; i < b->n; i++)
			bench_free(b->blocks[i]);
		atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	}
}

/* Move @w's outbox into the ring of the next thread, freeing what @w is handed while it is full. */
static void flush(struct worker *w)
{
	struct ring *r = w->out;
	unsigned int head = atomic_load_explicit(&r->head, memory_order_relaxed);

	while (head - atomic_load_explicit(&r->tail, memory_order_acquire) == RING_BATCHES) {
		drain(w);
		sched_yield();
	}
	r->slot[head % RING_BATCHES] = w->outbox;
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	w->outbox.n = 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct rop *ops = w->ops;
	void **slots = w->slots;
	unsigned int frees = 0;
	uint64_t i;
	void *p;

	bench_thread_start(w->index);
	pthread_barrier_wait(&start_barrier);
	w->start_ns = now_ns();
	for (i = 0; i < w->nr_ops; i++) {
		if (ops[i].slot & ROP_FREE) {
			p = slots[ops[i].slot & ~ROP_FREE];
			if (++frees % 4 == 0) {
				w->outbox.blocks[w->outbox.n++] = p;
				if (w->outbox.n == HANDOFF_BATCH)
					flush(w);
			} else {
				bench_free(p);
			}
		} else {
			p = bench_alloc(ops[i].size);
			if (!p) {
				fprintf(stderr,
					"threads: thread %u: allocation %" PRIu64 " failed\n",
					w->index, i);
				exit(1);
			}
			slots[ops[i].slot] = p;
		}
		if (i % POLL_OPS == 0)
			drain(w);
	}
	w->handed = frees / 4;
	if (w->outbox.n)
		flush(w);
	atomic_store_explicit(&w->done, true, memory_order_release);
	while (!atomic_load_explicit(&w->from->done, memory_order_acquire)) {
		drain(w);
		sched_yield();
	}
	drain(w);
	w->end_ns = now_ns();
	return NULL;
}

/* One run: every thread from the start of its trace; return the nanoseconds it took. */
static uint64_t run_once(void)
{
	pthread_t tid[MAX_THREADS];
	uint64_t start = UINT64_MAX, end = 0;
	unsigned int t;
	int err;

	for (t = 0; t < nr_threads; t++) {
		atomic_store(&rings[t].head, 0);
		atomic_store(&rings[t].tail, 0);
		workers[t].outbox.n = 0;
		atomic_store(&workers[t].done, false);
	}
	for (t = 0; t < nr_threads; t++) {
		err = pthread_create(&tid[t], NULL, work, &workers[t]);
		if (err) {
			fprintf(stderr, "threads: pthread_create: %s\n", strerror(err));
			exit(1);
		}
	}
	for (t = 0; t < nr_threads; t++) {
		pthread_join(tid[t], NULL);
		if (workers[t].start_ns < start)
			start = workers[t].start_ns;
		if (workers[t].end_ns > end)
			end = workers[t].end_ns;
	}
	return end - start;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: threads [-T THREADS] [-r RUNS | -s] [-n STEPS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static double rate[MAX_RUNS];
	uint32_t steps = DEFAULT_STEPS;
	unsigned int runs = 1, t, i;
	uint64_t ops = 0, handed = 0, ns;
	bool serve = false;
	char line[64];
	int opt;

	while ((opt = getopt(argc, argv, "T:r:sn:")) != -1) {
		switch (opt) {
		case 'T':
			nr_threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			runs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			serve = true;
			break;
		case 'n':
			steps = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || nr_threads < 1 || nr_threads > MAX_THREADS || runs < 1 ||
	    runs > MAX_RUNS || steps < 1)
		usage();

	workers = map_or_die(nr_threads * sizeof(*workers));
	rings = map_or_die(nr_threads * sizeof(*rings));
	for (t = 0; t < nr_threads; t++) {
		workers[t].index = t;
		workers[t].in = &rings[t];
		workers[t].out = &rings[(t + 1) % nr_threads];
		workers[t].from = &workers[(t + nr_threads - 1) % nr_threads];
		prepare(&workers[t], steps);
		ops += workers[t].nr_ops;
	}
	if (bench_init(DEFAULT_HEAP_BYTES) != 0) {
		fprintf(stderr, "threads: the allocator refused a region of %zu bytes\n",
			DEFAULT_HEAP_BYTES);
		return 1;
	}
	printf("alloc origin=%s\n", bench_alloc_origin());
	pthread_barrier_init(&start_barrier, NULL, nr_threads);

	if (serve) {
		printf("ready\n");
		fflush(stdout);
	}
	for (i = 0; serve ? i < MAX_RUNS && fgets(line, sizeof(line), stdin) : i < runs; i++) {
		ns = run_once();
		rate[i] = (double)ops * 1e9 / (double)ns;
		printf("run index=%u ns=%" PRIu64 " ops_per_s=%.0f\n", i, ns, rate[i]);
		fflush(stdout);
	}
	runs = i;
	if (runs == 0) {
		fprintf(stderr, "threads: no run\n");
		return 1;
	}
	for (t = 0; t < nr_threads; t++)
		handed += workers[t].handed;
	qsort(rate, runs, sizeof(*rate), cmp_double);
	printf("threads threads=%u steps=%" PRIu32 " ops=%" PRIu64 " handed=%" PRIu64
	       " runs=%u ops_per_s_median=%.0f ops_per_s_min=%.0f ops_per_s_max=%.0f\n",
	       nr_threads, steps, ops, handed, runs, rate[runs / 2], rate[0], rate[runs - 1]);
	return 0;
}
