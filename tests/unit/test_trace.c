// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_trace.c - the benchmark's workload generator
 * (tests/bench/trace.c) against shared/bench/WORKLOADS.md: every workload's
 * op count, peak of live requested bytes and checksum equal the reference
 * table there, and every trace is well formed (each FREE frees a live id,
 * no id is allocated twice while live, nothing is live at the end).
 *
 * The checksum is recomputed here from the ops with its own byte encoding,
 * so a mistake in trace_hash_op() cannot hide behind itself.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/trace.h"

/* The reference table of WORKLOADS.md, copied by hand. */
static const struct {
	const char *name;
	uint64_t ops;
	uint64_t peak_bytes;
	uint64_t checksum;
} reference[] = {
	{ "pair32", 2000000, 32, 0xfe03877930697625ull },
	{ "lifo64", 200000, 64000, 0x05a96825418474c5ull },
	{ "fifo64", 200000, 64000, 0x56098f627e7deba5ull },
	{ "kcache", 1016338, 1355856, 0x9122f1b87c6be187ull },
	{ "mixed", 1007314, 2465423, 0xe628385af6ff1125ull },
	{ "kcache-small", 101408, 172928, 0x8e9040fb8ecc31cdull },
	{ "mixed-small", 99950, 94859, 0x132d1732e8f08923ull },
};

#define NR_REFERENCE (sizeof(reference) / sizeof(reference[0]))

/* FNV-1a 64 over one op, as the spec lays it out: kind, id LE, size LE. */
static uint64_t fnv_op(uint64_t h, uint8_t kind, uint32_t id, uint32_t size)
{
	uint8_t b[9] = { kind,	    id & 0xff,	 (id >> 8) & 0xff,   (id >> 16) & 0xff,
			 id >> 24,  size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff,
			 size >> 24 };
	size_t i;

	for (i = 0; i < sizeof(b); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static struct trace_slot *scratch_for(const struct trace_workload *w)
{
	size_t n = trace_scratch_len(w);
	struct trace_slot *s = n ? calloc(n, sizeof(*s)) : NULL;

	cr_assert(n == 0 || s, "out of memory");
	return s;
}

static const struct trace_workload *find(const char *name)
{
	const struct trace_workload *w = trace_find(name);

	cr_assert_not_null(w, "no workload named %s", name);
	return w;
}

Test(trace, every_workload_is_listed_once)
{
	size_t i, j;

	cr_assert_eq(NR_TRACE_WORKLOADS, NR_REFERENCE);
	for (i = 0; i < NR_REFERENCE; i++) {
		cr_assert_str_eq(trace_workloads[i].name, reference[i].name);
		cr_assert_eq(trace_find(reference[i].name), &trace_workloads[i]);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(trace_workloads[i].name, trace_workloads[j].name);
	}
	cr_assert_null(trace_find("kcache-"));
	cr_assert_null(trace_find("pair"));
	cr_assert_null(trace_find(""));
}

Test(trace, embedded_reference_values_match_the_spec)
{
	size_t i;

	for (i = 0; i < NR_REFERENCE; i++) {
		const struct trace_workload *w = &trace_workloads[i];

		cr_expect_eq(w->ref_ops, reference[i].ops, "%s", w->name);
		cr_expect_eq(w->ref_peak_bytes, reference[i].peak_bytes, "%s", w->name);
		cr_expect_eq(w->ref_checksum, reference[i].checksum, "%s", w->name);
	}
}

Test(trace, hash_of_one_op_follows_the_byte_layout)
{
	struct trace_op op = { .kind = TRACE_ALLOC, .id = 0x04030201, .size = 0x08070605 };
	uint64_t h = TRACE_FNV_BASIS;

	cr_assert_eq(trace_hash_op(h, &op), fnv_op(h, 0, 0x04030201, 0x08070605));
	op = (struct trace_op){ .kind = TRACE_FREE, .id = 7, .size = 0 };
	cr_assert_eq(trace_hash_op(h, &op), fnv_op(h, 1, 7, 0));
	cr_assert_eq(TRACE_FNV_BASIS, 0xcbf29ce484222325ull);
}

/*
 * Walk a whole trace through the iterator and check it op by op: the spec's
 * three numbers (recomputed here), the well-formedness rules, and that the
 * iterator's own totals agree.
 */
static void check_workload(const char *name, uint64_t ops, uint64_t peak, uint64_t checksum)
{
	const struct trace_workload *w = find(name);
	struct trace_slot *scratch = scratch_for(w);
	struct trace_stats first;
	struct trace_iter it;
	struct trace_op op;
	uint32_t *live_size, nr_ids, next_new_id = 0;
	uint64_t n = 0, h = TRACE_FNV_BASIS, live_bytes = 0, peak_bytes = 0, nr_live = 0;

	/* A first pass only counts, to size the id table of the second. */
	cr_assert_eq(trace_generate(w, NULL, 0, scratch, &first), ops, "%s: op count", name);
	nr_ids = first.nr_ids;
	cr_assert_leq(nr_ids, trace_max_ids(w), "%s: %lu ids, more than trace_max_ids()", name,
		      (unsigned long)nr_ids);
	live_size = calloc(nr_ids ? nr_ids : 1, sizeof(*live_size));
	cr_assert_not_null(live_size);

	trace_iter_init(&it, w, scratch);
	while (trace_next(&it, &op)) {
		cr_assert(op.kind == TRACE_ALLOC || op.kind == TRACE_FREE, "%s: op %llu kind %u",
			  name, (unsigned long long)n, op.kind);
		cr_assert_lt(op.id, nr_ids, "%s: op %llu id %u", name, (unsigned long long)n,
			     (unsigned int)op.id);
		h = fnv_op(h, op.kind, op.id, op.size);
		if (op.kind == TRACE_ALLOC) {
			cr_assert_eq(live_size[op.id], 0, "%s: op %llu allocates live id %u", name,
				     (unsigned long long)n, (unsigned int)op.id);
			cr_assert_gt(op.size, 0, "%s: op %llu: ALLOC of 0 bytes", name,
				     (unsigned long long)n);
			/* Churn ids are fresh and count up in allocation order. */
			if (w->shape == TRACE_CHURN)
				cr_assert_eq(op.id, next_new_id++, "%s: op %llu", name,
					     (unsigned long long)n);
			live_size[op.id] = op.size;
			live_bytes += op.size;
			nr_live++;
			if (live_bytes > peak_bytes)
				peak_bytes = live_bytes;
		} else {
			cr_assert_neq(live_size[op.id], 0, "%s: op %llu frees id %u, not live",
				      name, (unsigned long long)n, (unsigned int)op.id);
			cr_assert_eq(op.size, 0, "%s: op %llu: FREE with a size", name,
				     (unsigned long long)n);
			live_bytes -= live_size[op.id];
			live_size[op.id] = 0;
			nr_live--;
		}
		n++;
	}
	cr_assert_eq(nr_live, 0, "%s: %llu objects live at the end", name,
		     (unsigned long long)nr_live);
	cr_assert_eq(live_bytes, 0);

	cr_expect_eq(n, ops, "%s: %llu ops, want %llu", name, (unsigned long long)n,
		     (unsigned long long)ops);
	cr_expect_eq(peak_bytes, peak, "%s: peak %llu bytes, want %llu", name,
		     (unsigned long long)peak_bytes, (unsigned long long)peak);
	cr_expect_eq(h, checksum, "%s: checksum %016llx, want %016llx", name, (unsigned long long)h,
		     (unsigned long long)checksum);

	/* The iterator's totals agree, and so do those of the counting pass. */
	cr_expect_eq(it.stats.nr_ops, n, "%s", name);
	cr_expect_eq(it.stats.peak_bytes, peak_bytes, "%s", name);
	cr_expect_eq(it.stats.checksum, h, "%s", name);
	cr_expect_eq(first.checksum, h, "%s", name);
	cr_expect_eq(first.peak_bytes, peak_bytes, "%s", name);
	if (w->shape == TRACE_CHURN) {
		cr_expect_eq(first.max_live, w->width, "%s: the ramp reaches L", name);
		cr_expect_eq(nr_ids, next_new_id, "%s", name);
	}

	/* An ended trace stays ended. */
	cr_expect_not(trace_next(&it, &op));

	free(live_size);
	free(scratch);
}

Test(trace, pair32)
{
	check_workload("pair32", 2000000, 32, 0xfe03877930697625ull);
}

Test(trace, lifo64)
{
	check_workload("lifo64", 200000, 64000, 0x05a96825418474c5ull);
}

Test(trace, fifo64)
{
	check_workload("fifo64", 200000, 64000, 0x56098f627e7deba5ull);
}

Test(trace, kcache)
{
	check_workload("kcache", 1016338, 1355856, 0x9122f1b87c6be187ull);
}

Test(trace, mixed)
{
	check_workload("mixed", 1007314, 2465423, 0xe628385af6ff1125ull);
}

Test(trace, kcache_small)
{
	check_workload("kcache-small", 101408, 172928, 0x8e9040fb8ecc31cdull);
}

Test(trace, mixed_small)
{
	check_workload("mixed-small", 99950, 94859, 0x132d1732e8f08923ull);
}

/* The first ops of each fixed-order workload, spelled out from the spec. */
Test(trace, fixed_orders_start_as_specified)
{
	struct trace_iter it;
	struct trace_op op;
	uint32_t i;

	trace_iter_init(&it, find("pair32"), NULL);
	for (i = 0; i < 4; i++) {
		cr_assert(trace_next(&it, &op));
		cr_assert_eq(op.kind, i % 2 ? TRACE_FREE : TRACE_ALLOC);
		cr_assert_eq(op.id, 0);
		cr_assert_eq(op.size, i % 2 ? 0 : 32);
	}

	trace_iter_init(&it, find("lifo64"), NULL);
	for (i = 0; i < 2001; i++) {
		cr_assert(trace_next(&it, &op));
		if (i < 1000)
			cr_assert(op.kind == TRACE_ALLOC && op.id == i && op.size == 64);
		else if (i < 2000)
			cr_assert(op.kind == TRACE_FREE && op.id == 1999 - i, "op %u id %u",
				  (unsigned int)i, (unsigned int)op.id);
		else
			cr_assert(op.kind == TRACE_ALLOC && op.id == 0, "round 2 starts at id 0");
	}

	trace_iter_init(&it, find("fifo64"), NULL);
	for (i = 0; i < 2000; i++) {
		cr_assert(trace_next(&it, &op));
		if (i >= 1000)
			cr_assert(op.kind == TRACE_FREE && op.id == i - 1000, "op %u id %u",
				  (unsigned int)i, (unsigned int)op.id);
	}
}

/* The churn ramp allocates L fresh ids; sizes stay inside each workload's classes. */
Test(trace, churn_sizes_stay_in_their_classes)
{
	static const char *const names[] = { "kcache", "mixed", "kcache-small", "mixed-small" };
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct trace_workload *w = find(names[k]);
		struct trace_slot *scratch = scratch_for(w);
		uint32_t max = 0, min = UINT32_MAX;
		struct trace_iter it;
		struct trace_op op;

		trace_iter_init(&it, w, scratch);
		while (trace_next(&it, &op)) {
			if (op.kind != TRACE_ALLOC)
				continue;
			if (op.size > max)
				max = op.size;
			if (op.size < min)
				min = op.size;
			if (w->sizes == TRACE_SIZES_KCACHE)
				cr_assert(op.size == 48 || op.size == 96 || op.size == 192 ||
						  op.size == 320,
					  "%s: size %u", names[k], (unsigned int)op.size);
		}
		if (w->sizes == TRACE_SIZES_MIXED)
			cr_expect(min >= 1 && max <= 32768 && max > 4096, "%s: %u..%u", names[k],
				  (unsigned int)min, (unsigned int)max);
		if (w->sizes == TRACE_SIZES_MIXED_SMALL)
			cr_expect(min >= 1 && max <= 8192 && max > 2048, "%s: %u..%u", names[k],
				  (unsigned int)min, (unsigned int)max);
		free(scratch);
	}
}

/* trace_generate() stores the same ops the iterator yields, and only as many as fit. */
Test(trace, generate_fills_the_array_like_the_iterator)
{
	const struct trace_workload *w = find("mixed-small");
	struct trace_slot *scratch = scratch_for(w);
	struct trace_op *ops = calloc(w->ref_ops, sizeof(*ops));
	struct trace_op *few = calloc(11, sizeof(*few));
	struct trace_stats st;
	struct trace_iter it;
	struct trace_op op;
	uint64_t i = 0;

	cr_assert(ops && few);
	cr_assert_eq(trace_generate(w, ops, w->ref_ops, scratch, &st), w->ref_ops);
	cr_assert_eq(st.checksum, w->ref_checksum);
	trace_iter_init(&it, w, scratch);
	while (trace_next(&it, &op)) {
		cr_assert(ops[i].kind == op.kind && ops[i].id == op.id && ops[i].size == op.size,
			  "op %llu differs", (unsigned long long)i);
		i++;
	}

	/* Room for 10: ten ops stored, the 11th slot untouched, all counted. */
	memset(few, 0xa5, 11 * sizeof(*few));
	cr_assert_eq(trace_generate(w, few, 10, scratch, NULL), w->ref_ops);
	for (i = 0; i < 10; i++)
		cr_assert(few[i].kind == ops[i].kind && few[i].id == ops[i].id &&
				  few[i].size == ops[i].size,
			  "op %llu differs", (unsigned long long)i);
	cr_assert_eq(few[10].id, 0xa5a5a5a5u);

	free(few);
	free(ops);
	free(scratch);
}
