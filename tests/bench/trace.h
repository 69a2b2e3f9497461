/* SPDX-License-Identifier: MIT */
/*
 * tests/bench/trace.h - the allocator workloads of shared/bench/WORKLOADS.md,
 * generated as a list of ALLOC(id, size) and FREE(id) operations.
 *
 * Portable C with no library calls (only <stdbool.h>, <stddef.h>, <stdint.h>),
 * so the same generator runs in the host benchmark, in the unit tests and in
 * the bare-metal bench images. Two ways to get a trace:
 *
 * - trace_generate() writes every op into an array the caller provides
 *   (generate first, then replay: generation is never timed);
 * - trace_iter_init() + trace_next() yield the ops one at a time and store
 *   none of them, for a target with too little RAM to hold the whole trace.
 *
 * Either way the generator keeps running totals (struct trace_stats): the op
 * count, the peak of live requested bytes and the FNV-1a 64 checksum that two
 * harnesses compare to show they replayed the same work.
 *
 * The churn workloads (kcache, mixed and their small variants) need a scratch
 * array of trace_scratch_len() slots for the ids they hold live; the others
 * need none (pass NULL). Nothing here allocates memory.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an op does; the values are the `kind` byte of the checksum. */
enum trace_op_kind {
	TRACE_ALLOC = 0,
	TRACE_FREE = 1,
};

/**
 * struct trace_op - one operation of a trace.
 * @id: the object. Ids count up from 0 in allocation order (churn), or are
 *      reused round after round (pair32, lifo64, fifo64).
 * @size: bytes requested for TRACE_ALLOC; 0 for TRACE_FREE.
 * @kind: TRACE_ALLOC or TRACE_FREE.
 */
struct trace_op {
	uint32_t id;
	uint32_t size;
	uint8_t kind;
};

/* The order in which a workload allocates and frees. */
enum trace_shape {
	TRACE_PAIRS, /* ALLOC(0), FREE(0), again and again */
	TRACE_LIFO, /* rounds: ALLOC 0..n-1, FREE n-1..0 */
	TRACE_FIFO, /* rounds: ALLOC 0..n-1, FREE 0..n-1 */
	TRACE_CHURN, /* ramp to L live, N random steps, drain (the churn driver) */
};

/* How a workload picks the size of each ALLOC. */
enum trace_sizes {
	TRACE_SIZES_FIXED, /* always trace_workload.size */
	TRACE_SIZES_KCACHE, /* {48, 96, 192, 320}[next() % 4] */
	TRACE_SIZES_MIXED, /* 60% 1-64, 30% 65-512, 9% 513-4096, 1% 4097-32768 */
	TRACE_SIZES_MIXED_SMALL, /* 60% 1-64, 30% 65-512, 9% 513-2048, 1% 2049-8192 */
};

/**
 * struct trace_workload - one workload of WORKLOADS.md.
 * @name: its name there, e.g. "kcache".
 * @what: a few words on what it models.
 * @shape: the order of the ops.
 * @sizes: how sizes are drawn.
 * @seed: first state of the SplitMix64 generator (churn only).
 * @width: ids per round (lifo, fifo), L (churn), 1 (pairs).
 * @steps: rounds (lifo, fifo), pairs (pairs), N (churn).
 * @size: the size of every object for TRACE_SIZES_FIXED.
 * @ref_ops: reference op count, from WORKLOADS.md.
 * @ref_peak_bytes: reference peak of live requested bytes, from WORKLOADS.md.
 * @ref_checksum: reference checksum, from WORKLOADS.md.
 */
struct trace_workload {
	const char *name;
	const char *what;
	enum trace_shape shape;
	enum trace_sizes sizes;
	uint64_t seed;
	uint32_t width;
	uint32_t steps;
	uint32_t size;
	uint64_t ref_ops;
	uint64_t ref_peak_bytes;
	uint64_t ref_checksum;
};

#define NR_TRACE_WORKLOADS 7

/* Every workload, in the order of WORKLOADS.md: the five host workloads,
 * then kcache-small and mixed-small. */
extern const struct trace_workload trace_workloads[NR_TRACE_WORKLOADS];

/**
 * trace_find - look a workload up by name.
 * @name: e.g. "mixed-small".
 * Return: the workload, or NULL when there is none of that name.
 */
const struct trace_workload *trace_find(const char *name);

/**
 * struct trace_stats - running totals of the ops generated so far.
 * @nr_ops: ops generated.
 * @peak_bytes: the largest sum of the sizes of live objects seen so far.
 * @checksum: FNV-1a 64 over every op, each as 9 bytes (kind, id, size;
 *            little-endian), TRACE_FNV_BASIS before the first op.
 * @nr_ids: one more than the largest id seen (0 before the first ALLOC): how
 *          many entries an id-indexed table of the replay needs.
 * @max_live: the largest number of objects live at once.
 */
struct trace_stats {
	uint64_t nr_ops;
	uint64_t peak_bytes;
	uint64_t checksum;
	uint32_t nr_ids;
	uint32_t max_live;
};

#define TRACE_FNV_BASIS 0xcbf29ce484222325ull
#define TRACE_FNV_PRIME 0x100000001b3ull

/**
 * trace_hash_op - fold one op into an FNV-1a 64 checksum.
 * @hash: the checksum so far (TRACE_FNV_BASIS for an empty trace).
 * @op: the op.
 * Return: the checksum with @op's 9 bytes added.
 */
uint64_t trace_hash_op(uint64_t hash, const struct trace_op *op);

/**
 * struct trace_slot - one live object of a churn workload, in the scratch
 * array the caller provides. Opaque to callers: they only size the array.
 */
struct trace_slot {
	uint32_t id;
	uint32_t size;
};

/**
 * trace_scratch_len - slots of scratch @w needs.
 * Return: L for a churn workload, 0 for the others (they need no scratch).
 */
size_t trace_scratch_len(const struct trace_workload *w);

/**
 * trace_max_ids - how many ids @w uses at most, known without generating it:
 * its width for the fixed orders, L + N for a churn (the ramp and every step
 * may each allocate a new id).
 * Return: a bound on trace_stats.nr_ids of the whole trace: an id-indexed
 * table of that many entries holds every op.
 */
uint32_t trace_max_ids(const struct trace_workload *w);

/**
 * struct trace_iter - the state of a trace being generated. Fill it with
 * trace_iter_init(); read @stats at any time; touch nothing else.
 */
struct trace_iter {
	const struct trace_workload *w;
	struct trace_slot *live; /* churn: the live ids, live[0..nr_live) */
	uint64_t rng; /* SplitMix64 state */
	uint64_t live_bytes; /* sum of the sizes of the live objects */
	uint32_t phase; /* where the generator is, per shape */
	uint32_t round; /* rounds (lifo, fifo) or steps (churn) done */
	uint32_t pos; /* position inside the round or phase */
	uint32_t next_id; /* churn: the id of the next ALLOC */
	uint32_t nr_live; /* objects live now */
	uint32_t freed_size; /* size of the object the last FREE released */
	struct trace_stats stats;
};

/**
 * trace_iter_init - start generating @w from its first op.
 * @it: the state to fill.
 * @w: the workload.
 * @scratch: trace_scratch_len(@w) slots, owned by the iterator until it is
 *           done; NULL when that length is 0.
 */
void trace_iter_init(struct trace_iter *it, const struct trace_workload *w,
		     struct trace_slot *scratch);

/**
 * trace_next - the next op of the trace.
 * @it: the state from trace_iter_init().
 * @op: filled with the op.
 * Return: true with @op filled, false when the trace has ended (then @op is
 * untouched and it->stats holds the totals of the whole trace).
 */
bool trace_next(struct trace_iter *it, struct trace_op *op);

/**
 * trace_generate - write the whole trace of @w into an array.
 * @w: the workload.
 * @ops: room for @max_ops ops, or NULL to only count them.
 * @max_ops: how many ops fit in @ops.
 * @scratch: as for trace_iter_init().
 * @stats: filled with the totals of the whole trace, or NULL.
 *
 * Ops past @max_ops are generated (and counted in @stats) but not stored, so
 * a call with @ops NULL tells how big the array must be.
 * Return: the number of ops of the trace; the array holds all of them only
 * when this is at most @max_ops.
 */
uint64_t trace_generate(const struct trace_workload *w, struct trace_op *ops, uint64_t max_ops,
			struct trace_slot *scratch, struct trace_stats *stats);

#endif /* BENCH_TRACE_H */
