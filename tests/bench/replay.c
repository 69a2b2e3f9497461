// SPDX-License-Identifier: MIT
/*
 * tests/bench/replay.c - replay one workload of WORKLOADS.md against the
 * allocator linked in (bench_alloc.h).
 *
 *   replay [-t RUNS] [-H] [-m HEAP_BYTES] WORKLOAD
 *
 * The trace is generated into memory first and checked against the spec's
 * reference figures; then replay_run() replays it. Only replay_run() and the
 * allocator calls it makes are meant to be measured: under callgrind, pass
 * --toggle-collect=replay_run. The harness takes its own memory with mmap(),
 * so the allocator under test sees only the trace's requests (and whatever
 * the C library itself asks for before main).
 *
 * Ids are mapped to dense slots before the replay (a FREE gives its slot to
 * the next ALLOC), so the table of live pointers has as many entries as the
 * most objects live at once and the replay never touches the blocks.
 *
 * Modes:
 *   (default)  one replay, for callgrind;
 *   -t RUNS    RUNS timed replays, wall-clock nanoseconds per op;
 *   -H         heap needed: the smallest region (on a 1% grid) above which
 *              every size tried runs the whole trace (run_heap_search()),
 *              one forked process per try (for allocators that take a
 *              region: bareslab).
 *
 * Output: lines of key=value words, read by scripts/bench.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_alloc.h"
#include "trace.h"

/* One op of the replay: FREE when ROP_FREE is set in @slot, else ALLOC(@size). */
struct rop {
	uint32_t slot;
	uint32_t size;
};

#define ROP_FREE 0x80000000u
#define DEFAULT_HEAP_BYTES ((size_t)256 << 20)

uint64_t replay_run(const struct rop *ops, uint64_t n, void **slots);

/**
 * replay_run - replay @n ops; the function callgrind counts.
 * @ops: the ops.
 * @n: how many.
 * @slots: the table of live blocks, one entry per slot.
 * Return: @n, or the index of the first ALLOC that got NULL.
 */
__attribute__((noinline, noclone)) uint64_t replay_run(const struct rop *ops, uint64_t n,
						       void **slots)
{
	uint64_t i;
	void *p;

	for (i = 0; i < n; i++) {
		if (ops[i].slot & ROP_FREE) {
			bench_free(slots[ops[i].slot & ~ROP_FREE]);
		} else {
			p = bench_alloc(ops[i].size);
			if (!p)
				return i;
			slots[ops[i].slot] = p;
		}
	}
	return n;
}

static void *map_or_die(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "replay: mmap of %zu bytes: %s\n", bytes, strerror(errno));
		exit(1);
	}
	return p;
}

/* The trace of one workload, ready to replay. */
struct replay {
	const struct trace_workload *w;
	struct trace_stats stats;
	struct rop *ops;
	void **slots;
};

/* Generate @w, check it against the spec, and turn ids into slots. */
static void prepare(struct replay *rp, const struct trace_workload *w)
{
	struct trace_slot *scratch = map_or_die(trace_scratch_len(w) * sizeof(*scratch));
	struct trace_op *tops;
	uint32_t *id_slot, *free_slots, nr_free = 0, nr_slots = 0;
	uint64_t i, n;
	bool match;

	rp->w = w;
	n = trace_generate(w, NULL, 0, scratch, &rp->stats);
	tops = map_or_die(n * sizeof(*tops));
	trace_generate(w, tops, n, scratch, NULL);

	match = rp->stats.nr_ops == w->ref_ops && rp->stats.peak_bytes == w->ref_peak_bytes &&
		rp->stats.checksum == w->ref_checksum;
	printf("trace name=%s ops=%" PRIu64 " peak_bytes=%" PRIu64 " checksum=%016" PRIx64
	       " reference=%s\n",
	       w->name, rp->stats.nr_ops, rp->stats.peak_bytes, rp->stats.checksum,
	       match ? "match" : "MISMATCH");
	if (!match) {
		fprintf(stderr,
			"replay: %s differs from WORKLOADS.md (ops %" PRIu64 ", peak %" PRIu64
			", checksum %016" PRIx64 ")\n",
			w->name, w->ref_ops, w->ref_peak_bytes, w->ref_checksum);
		exit(1);
	}

	rp->ops = map_or_die(n * sizeof(*rp->ops));
	rp->slots = map_or_die(rp->stats.max_live * sizeof(*rp->slots));
	id_slot = map_or_die(rp->stats.nr_ids * sizeof(*id_slot));
	free_slots = map_or_die(rp->stats.max_live * sizeof(*free_slots));
	for (i = 0; i < n; i++) {
		if (tops[i].kind == TRACE_ALLOC) {
			id_slot[tops[i].id] = nr_free ? free_slots[--nr_free] : nr_slots++;
			rp->ops[i].slot = id_slot[tops[i].id];
			rp->ops[i].size = tops[i].size;
		} else {
			free_slots[nr_free++] = id_slot[tops[i].id];
			rp->ops[i].slot = id_slot[tops[i].id] | ROP_FREE;
			rp->ops[i].size = 0;
		}
	}
	munmap(free_slots, rp->stats.max_live * sizeof(*free_slots));
	munmap(id_slot, rp->stats.nr_ids * sizeof(*id_slot));
	munmap(tops, n * sizeof(*tops));
	munmap(scratch, trace_scratch_len(w) * sizeof(*scratch));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run_once(struct replay *rp)
{
	uint64_t done = replay_run(rp->ops, rp->stats.nr_ops, rp->slots);

	printf("replay name=%s ops=%" PRIu64 " completed=%" PRIu64 "\n", rp->w->name,
	       rp->stats.nr_ops, done);
	return done == rp->stats.nr_ops ? 0 : 1;
}

static int run_timed(struct replay *rp, unsigned int runs)
{
	double *ns = calloc(runs, sizeof(*ns));
	unsigned int i;

	if (!ns)
		return 1;
	for (i = 0; i < runs; i++) {
		uint64_t t0 = now_ns();
		uint64_t done = replay_run(rp->ops, rp->stats.nr_ops, rp->slots);

		ns[i] = (double)(now_ns() - t0) / (double)rp->stats.nr_ops;
		if (done != rp->stats.nr_ops) {
			fprintf(stderr, "replay: %s: allocation %" PRIu64 " failed\n", rp->w->name,
				done);
			free(ns);
			return 1;
		}
	}
	qsort(ns, runs, sizeof(*ns), cmp_double);
	printf("time name=%s runs=%u ns_per_op_median=%.2f ns_per_op_min=%.2f ns_per_op_max=%.2f\n",
	       rp->w->name, runs, ns[runs / 2], ns[0], ns[runs - 1]);
	free(ns);
	return 0;
}

/* One try of the heap search, in a child process: 1 when the trace runs. */
static int heap_try(struct replay *rp, size_t bytes)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("replay: fork");
		exit(1);
	}
	if (pid == 0) {
		if (bench_init(bytes) != 0)
			_exit(2);
		if (replay_run(rp->ops, rp->stats.nr_ops, rp->slots) != rp->stats.nr_ops)
			_exit(3);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("replay: waitpid");
		exit(1);
	}
	if (!WIFEXITED(status)) {
		fprintf(stderr, "replay: %s in a region of %zu bytes crashed (signal %d)\n",
			rp->w->name, bytes, WTERMSIG(status));
		exit(1);
	}
	return WEXITSTATUS(status) == 0;
}

/*
 * Heap needed. Success is not monotonic in the region's size (a size may run
 * the trace and a slightly larger one fail), so a plain binary search reports
 * one size that happened to run. The figure is defined on a grid of 1% steps,
 * g(0) = peak live bytes, g(k + 1) = g(k) + ceil(g(k) / 100):
 *
 *   1. bracket: try g(0), g(HEAP_BRACKET), g(2 * HEAP_BRACKET), ... until
 *      one runs: g(K);
 *   2. binary search between the last index that failed and K, down to two
 *      adjacent indices: b runs, b - 1 fails (g(b) is what a plain search
 *      reports: search_bytes);
 *   3. scan: try every index between b and K not tried yet.
 *
 * The figure is g(f + 1), f the largest index that failed (-1 when none
 * did): every grid size from it up to g(K) was tried and ran. The same
 * search runs on the boards (tests/bench/heap-target.sh).
 */
#define HEAP_BRACKET 16
#define HEAP_MAX_TRIES 256

static size_t heap_grid(size_t peak, unsigned int k)
{
	size_t g = peak;

	while (k--)
		g += (g + 99) / 100;
	return g;
}

struct heap_search {
	struct replay *rp;
	unsigned int tries;
	unsigned int index[HEAP_MAX_TRIES];
	bool ran[HEAP_MAX_TRIES];
};

/* Whether grid size @k runs the trace: tried once, remembered. */
static bool heap_runs(struct heap_search *hs, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < hs->tries; i++)
		if (hs->index[i] == k)
			return hs->ran[i];
	if (hs->tries == HEAP_MAX_TRIES) {
		fprintf(stderr, "replay: %s: more than %d tries\n", hs->rp->w->name,
			HEAP_MAX_TRIES);
		exit(1);
	}
	hs->index[hs->tries] = k;
	hs->ran[hs->tries] = heap_try(hs->rp, heap_grid(hs->rp->stats.peak_bytes, k));
	return hs->ran[hs->tries++];
}

static int run_heap_search(struct replay *rp)
{
	static struct heap_search hs;
	size_t peak = rp->stats.peak_bytes;
	int lo = -1, hi = 0, worst = -1, mid, k;
	unsigned int i;

	hs.rp = rp;
	hs.tries = 0;
	while (!heap_runs(&hs, (unsigned int)hi)) {
		lo = hi;
		hi += HEAP_BRACKET;
		if (heap_grid(peak, (unsigned int)hi) > ((size_t)1 << 40)) {
			fprintf(stderr, "replay: %s does not fit in %zu bytes\n", rp->w->name,
				heap_grid(peak, (unsigned int)hi));
			return 1;
		}
	}
	k = hi;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (heap_runs(&hs, (unsigned int)mid))
			hi = mid;
		else
			lo = mid;
	}
	for (mid = hi + 1; mid < k; mid++)
		heap_runs(&hs, (unsigned int)mid);
	for (i = 0; i < hs.tries; i++)
		if (!hs.ran[i] && (int)hs.index[i] > worst)
			worst = (int)hs.index[i];
	printf("heap name=%s bytes=%zu ratio=%.3f tries=%u search_bytes=%zu\n", rp->w->name,
	       heap_grid(peak, (unsigned int)(worst + 1)),
	       (double)heap_grid(peak, (unsigned int)(worst + 1)) / (double)peak, hs.tries,
	       heap_grid(peak, (unsigned int)hi));
	return 0;
}

static void usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: replay [-t RUNS] [-H] [-m HEAP_BYTES] WORKLOAD\nworkloads:");
	for (i = 0; i < NR_TRACE_WORKLOADS; i++)
		fprintf(stderr, " %s", trace_workloads[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t heap_bytes = DEFAULT_HEAP_BYTES;
	const struct trace_workload *w;
	unsigned int runs = 0;
	bool heap_search = false;
	struct replay rp;
	int opt;

	while ((opt = getopt(argc, argv, "t:Hm:")) != -1) {
		switch (opt) {
		case 't':
			runs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'H':
			heap_search = true;
			break;
		case 'm':
			heap_bytes = (size_t)strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	w = trace_find(argv[optind]);
	if (!w) {
		fprintf(stderr, "replay: no workload named %s\n", argv[optind]);
		usage();
	}

	prepare(&rp, w);
	if (heap_search)
		return run_heap_search(&rp);
	if (bench_init(heap_bytes) != 0) {
		fprintf(stderr, "replay: the allocator refused a region of %zu bytes\n",
			heap_bytes);
		return 1;
	}
	printf("alloc origin=%s\n", bench_alloc_origin());
	if (runs)
		return run_timed(&rp, runs);
	return run_once(&rp);
}
