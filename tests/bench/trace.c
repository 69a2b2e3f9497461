// SPDX-License-Identifier: MIT
/*
 * tests/bench/trace.c - the workload generator: SplitMix64, the churn driver
 * and the fixed-order workloads of shared/bench/WORKLOADS.md, one op at a time.
 *
 * Each shape is a small state machine over (phase, round, pos) in struct
 * trace_iter; trace_next() asks the shape for its next op, then updates the
 * running totals. The churn driver keeps its live ids in the caller's scratch
 * array, in the order the spec defines (a FREE moves the last id into the
 * hole), because that order decides which id the next FREE picks.
 */
#include "trace.h"

const struct trace_workload trace_workloads[NR_TRACE_WORKLOADS] = {
	{
		.name = "pair32",
		.what = "fast path",
		.shape = TRACE_PAIRS,
		.sizes = TRACE_SIZES_FIXED,
		.width = 1,
		.steps = 1000000,
		.size = 32,
		.ref_ops = 2000000,
		.ref_peak_bytes = 32,
		.ref_checksum = 0xfe03877930697625ull,
	},
	{
		.name = "lifo64",
		.what = "stack order",
		.shape = TRACE_LIFO,
		.sizes = TRACE_SIZES_FIXED,
		.width = 1000,
		.steps = 100,
		.size = 64,
		.ref_ops = 200000,
		.ref_peak_bytes = 64000,
		.ref_checksum = 0x05a96825418474c5ull,
	},
	{
		.name = "fifo64",
		.what = "queue order",
		.shape = TRACE_FIFO,
		.sizes = TRACE_SIZES_FIXED,
		.width = 1000,
		.steps = 100,
		.size = 64,
		.ref_ops = 200000,
		.ref_peak_bytes = 64000,
		.ref_checksum = 0x56098f627e7deba5ull,
	},
	{
		.name = "kcache",
		.what = "kernel objects",
		.shape = TRACE_CHURN,
		.sizes = TRACE_SIZES_KCACHE,
		.seed = 1,
		.width = 8192,
		.steps = 1000000,
		.ref_ops = 1016338,
		.ref_peak_bytes = 1355856,
		.ref_checksum = 0x9122f1b87c6be187ull,
	},
	{
		.name = "mixed",
		.what = "general use",
		.shape = TRACE_CHURN,
		.sizes = TRACE_SIZES_MIXED,
		.seed = 2,
		.width = 4096,
		.steps = 1000000,
		.ref_ops = 1007314,
		.ref_peak_bytes = 2465423,
		.ref_checksum = 0xe628385af6ff1125ull,
	},
	{
		.name = "kcache-small",
		.what = "kernel objects, small target",
		.shape = TRACE_CHURN,
		.sizes = TRACE_SIZES_KCACHE,
		.seed = 3,
		.width = 1024,
		.steps = 100000,
		.ref_ops = 101408,
		.ref_peak_bytes = 172928,
		.ref_checksum = 0x8e9040fb8ecc31cdull,
	},
	{
		.name = "mixed-small",
		.what = "general use, small target",
		.shape = TRACE_CHURN,
		.sizes = TRACE_SIZES_MIXED_SMALL,
		.seed = 4,
		.width = 256,
		.steps = 100000,
		.ref_ops = 99950,
		.ref_peak_bytes = 94859,
		.ref_checksum = 0x132d1732e8f08923ull,
	},
};

/* The phases of the churn driver. */
enum churn_phase {
	CHURN_RAMP,
	CHURN_STEADY,
	CHURN_DRAIN,
	CHURN_DONE,
};

static bool names_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct trace_workload *trace_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_TRACE_WORKLOADS; i++)
		if (names_equal(trace_workloads[i].name, name))
			return &trace_workloads[i];
	return NULL;
}

uint64_t trace_hash_op(uint64_t hash, const struct trace_op *op)
{
	unsigned char bytes[9];
	unsigned int i;

	bytes[0] = op->kind;
	for (i = 0; i < 4; i++) {
		bytes[1 + i] = (unsigned char)(op->id >> (8 * i));
		bytes[5 + i] = (unsigned char)(op->size >> (8 * i));
	}
	for (i = 0; i < sizeof(bytes); i++) {
		hash ^= bytes[i];
		hash *= TRACE_FNV_PRIME;
	}
	return hash;
}

size_t trace_scratch_len(const struct trace_workload *w)
{
	return w->shape == TRACE_CHURN ? w->width : 0;
}

uint32_t trace_max_ids(const struct trace_workload *w)
{
	return w->shape == TRACE_CHURN ? w->width + w->steps : w->width;
}

/* SplitMix64, as WORKLOADS.md gives it. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t rng_uniform(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rng_next(s) % (hi - lo + 1));
}

/* Size of the next ALLOC; draws from the generator after the step's own r. */
static uint32_t next_size(struct trace_iter *it)
{
	static const uint32_t kcache_sizes[4] = { 48, 96, 192, 320 };
	uint64_t *s = &it->rng;
	uint32_t u;

	switch (it->w->sizes) {
	case TRACE_SIZES_KCACHE:
		return kcache_sizes[rng_next(s) % 4];
	case TRACE_SIZES_MIXED:
	case TRACE_SIZES_MIXED_SMALL:
		u = (uint32_t)(rng_next(s) % 100);
		if (u < 60)
			return rng_uniform(s, 1, 64);
		if (u < 90)
			return rng_uniform(s, 65, 512);
		if (it->w->sizes == TRACE_SIZES_MIXED)
			return u < 99 ? rng_uniform(s, 513, 4096) : rng_uniform(s, 4097, 32768);
		return u < 99 ? rng_uniform(s, 513, 2048) : rng_uniform(s, 2049, 8192);
	case TRACE_SIZES_FIXED:
	default:
		return it->w->size;
	}
}

static void set_alloc(struct trace_op *op, uint32_t id, uint32_t size)
{
	op->kind = TRACE_ALLOC;
	op->id = id;
	op->size = size;
}

static void set_free(struct trace_iter *it, struct trace_op *op, uint32_t id, uint32_t size)
{
	op->kind = TRACE_FREE;
	op->id = id;
	op->size = 0;
	it->freed_size = size;
}

/* pair32: pos counts the ops; even ones allocate id 0, odd ones free it. */
static bool next_pairs(struct trace_iter *it, struct trace_op *op)
{
	const struct trace_workload *w = it->w;

	if (it->pos >= 2 * w->steps)
		return false;
	if (it->pos++ % 2 == 0)
		set_alloc(op, 0, w->size);
	else
		set_free(it, op, 0, w->size);
	return true;
}

/* lifo64, fifo64: each round allocates ids 0..width-1, then frees them all. */
static bool next_rounds(struct trace_iter *it, struct trace_op *op)
{
	const struct trace_workload *w = it->w;
	uint32_t j;

	if (it->pos == 2 * w->width) {
		it->round++;
		it->pos = 0;
	}
	if (it->round >= w->steps)
		return false;
	j = it->pos++;
	if (j < w->width) {
		set_alloc(op, j, w->size);
	} else {
		j -= w->width;
		set_free(it, op, w->shape == TRACE_LIFO ? w->width - 1 - j : j, w->size);
	}
	return true;
}

static void churn_alloc(struct trace_iter *it, struct trace_op *op)
{
	struct trace_slot *slot = &it->live[it->nr_live++];

	slot->id = it->next_id++;
	slot->size = next_size(it);
	set_alloc(op, slot->id, slot->size);
}

/* The churn driver: ramp to L live objects, N random steps, then drain. */
static bool next_churn(struct trace_iter *it, struct trace_op *op)
{
	const struct trace_workload *w = it->w;
	struct trace_slot *slot;

	switch (it->phase) {
	case CHURN_RAMP:
		churn_alloc(it, op);
		if (++it->pos == w->width) {
			it->phase = CHURN_STEADY;
			it->pos = 0;
		}
		return true;
	case CHURN_STEADY:
		while (it->round < w->steps) {
			it->round++;
			uint64_t r = rng_next(&it->rng);

			if ((r & 1) == 0 && it->nr_live < w->width) {
				churn_alloc(it, op);
				return true;
			}
			if (it->nr_live > 0) {
				slot = &it->live[(r >> 8) % it->nr_live];
				set_free(it, op, slot->id, slot->size);
				*slot = it->live[--it->nr_live];
				return true;
			}
		}
		it->phase = CHURN_DRAIN;
		it->pos = 0;
		/* fall through */
	case CHURN_DRAIN:
		/* In array order, live[0] first: nr_live is left as it was and
		 * pos walks the array; trace_next() keeps the live count. */
		if (it->pos < it->nr_live) {
			slot = &it->live[it->pos++];
			set_free(it, op, slot->id, slot->size);
			return true;
		}
		it->phase = CHURN_DONE;
		return false;
	default:
		return false;
	}
}

/*
 * Structs are filled field by field in this file: gcc may turn a struct
 * assignment into a call to memset or memcpy, which a freestanding image
 * need not have.
 */
void trace_iter_init(struct trace_iter *it, const struct trace_workload *w,
		     struct trace_slot *scratch)
{
	it->w = w;
	it->live = scratch;
	it->rng = w->seed;
	it->live_bytes = 0;
	it->phase = CHURN_RAMP;
	it->round = 0;
	it->pos = 0;
	it->next_id = 0;
	it->nr_live = 0;
	it->freed_size = 0;
	it->stats.nr_ops = 0;
	it->stats.peak_bytes = 0;
	it->stats.checksum = TRACE_FNV_BASIS;
	it->stats.nr_ids = 0;
	it->stats.max_live = 0;
}

bool trace_next(struct trace_iter *it, struct trace_op *op)
{
	struct trace_stats *st = &it->stats;
	bool more;

	switch (it->w->shape) {
	case TRACE_PAIRS:
		more = next_pairs(it, op);
		break;
	case TRACE_LIFO:
	case TRACE_FIFO:
		more = next_rounds(it, op);
		break;
	case TRACE_CHURN:
		more = next_churn(it, op);
		break;
	default:
		more = false;
		break;
	}
	if (!more)
		return false;

	st->nr_ops++;
	st->checksum = trace_hash_op(st->checksum, op);
	if (op->kind == TRACE_ALLOC) {
		it->live_bytes += op->size;
		if (it->live_bytes > st->peak_bytes)
			st->peak_bytes = it->live_bytes;
		if (op->id >= st->nr_ids)
			st->nr_ids = op->id + 1;
		/* The churn driver counts its own live objects in nr_live. */
		if (it->w->shape != TRACE_CHURN)
			it->nr_live++;
		if (it->nr_live > st->max_live)
			st->max_live = it->nr_live;
	} else {
		it->live_bytes -= it->freed_size;
		if (it->w->shape != TRACE_CHURN)
			it->nr_live--;
	}
	return true;
}

uint64_t trace_generate(const struct trace_workload *w, struct trace_op *ops, uint64_t max_ops,
			struct trace_slot *scratch, struct trace_stats *stats)
{
	struct trace_iter it;
	struct trace_op op;
	uint64_t n = 0;

	trace_iter_init(&it, w, scratch);
	while (trace_next(&it, &op)) {
		if (ops && n < max_ops) {
			ops[n].id = op.id;
			ops[n].size = op.size;
			ops[n].kind = op.kind;
		}
		n++;
	}
	if (stats) {
		stats->nr_ops = it.stats.nr_ops;
		stats->peak_bytes = it.stats.peak_bytes;
		stats->checksum = it.stats.checksum;
		stats->nr_ids = it.stats.nr_ids;
		stats->max_live = it.stats.max_live;
	}
	return n;
}
