// SPDX-License-Identifier: MIT
/*
 * tests/unit/helpers.c - what the tests share beyond the port (port.c): a
 * heap to give the allocator, a wild write into its metadata, a seeded
 * random source, the contents of test blocks. On the host
 * under Criterion, and on the boards under tests/harness/.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <mm/page_alloc.h>
#include "helpers.h"
#include "internal.h"

#ifdef CR_BOARD
/* On a board, the RAM the harness keeps for bareslab (tests/harness/runner.c). */
void *test_heap(size_t size)
{
	return cr_board_test_ram(size);
}
#else
#define TEST_HEAP_MAX (64u << 20)
static char heap_space[TEST_HEAP_MAX] __attribute__((aligned(1 << 22)));

void *test_heap(size_t size)
{
	cr_assert(size <= TEST_HEAP_MAX, "test heap of %zu bytes is too big", size);
	return heap_space;
}
#endif

void setup_heap(size_t size)
{
	cr_assert_eq(mm_add_region(test_heap(size), size), 0, "mm_add_region failed");
}

void flip_free_bit(struct slab *slab, unsigned int i)
{
	slab->bitmap[i / BITS_PER_LONG] ^= 1ul << obj_bit(slab->cache, i % BITS_PER_LONG);
}

uint64_t test_rng = 1;

void seed_rng(const char *test)
{
	const char *env = getenv("BARESLAB_SEED");
	uint64_t seed =
		env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

	/* Two 32-bit halves: newlib-nano's printf has no %llx. */
	fprintf(stderr, "%s: seed 0x%08lx%08lx (replay with BARESLAB_SEED)\n", test,
		(unsigned long)(seed >> 32), (unsigned long)(seed & 0xffffffffu));
	test_rng = seed ? seed : 1;
}

uint64_t rnd(void)
{
	test_rng ^= test_rng >> 12;
	test_rng ^= test_rng << 25;
	test_rng ^= test_rng >> 27;
	return test_rng * 0x2545f4914f6cdd1dull;
}

static unsigned char fill_byte(unsigned int seed, size_t i)
{
	/* The seed's high product bits too: seeds equal modulo 256 differ. */
	return (unsigned char)(((seed * 2654435761u) >> 24) + seed + i * 7 + (i >> 8));
}

void fill(void *p, size_t n, unsigned int seed)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = fill_byte(seed, i);
}

size_t first_unfilled(const void *p, size_t n, unsigned int seed)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n && c[i] == fill_byte(seed, i); i++)
		;
	return i;
}

bool holds(const void *p, size_t n, unsigned int seed)
{
	return first_unfilled(p, n, seed) == n;
}
