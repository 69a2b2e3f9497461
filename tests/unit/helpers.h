/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/helpers.h - what every unit test shares: a recorded report
 * hook, a trapping bug hook, a lock that counts its calls and a CPU number
 * per thread (on the host), a heap to give the allocator.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mm/port.h>

#define MAX_RECORDED_REPORTS 64

/* Every report seen by mm_port_report() in this test process, in order. */
extern struct mm_report recorded_reports[MAX_RECORDED_REPORTS];
extern unsigned int nr_recorded_reports;

/* Calls of mm_port_lock() and mm_port_unlock() so far: counted on the host
 * (port_threads.c, a mutex); a board's lock (arch/common/lock.c) counts none. */
extern unsigned long nr_lock_calls, nr_unlock_calls;
#ifdef CR_BOARD
#define TEST_LOCK_COUNTED 0
#else
#define TEST_LOCK_COUNTED 1
#endif

/* The CPU this thread says it is (mm_port_cpu_id()): 0 unless set. Host only. */
extern __thread unsigned int test_cpu;

/* How many recorded reports are of @kind. */
unsigned int count_reports(enum mm_report_kind kind);

/* A heap of @size bytes (at most 64 MiB), not yet added: aligned to 4 MiB and
 * zeroed before the test. On a board with less RAM, the test is skipped. */
void *test_heap(size_t size);

/* Add a fresh test_heap(@size) as the only region; asserts that it worked. */
void setup_heap(size_t size);

/*
 * A seeded random source for the randomized tests. seed_rng() takes
 * BARESLAB_SEED from the environment (host) or a fresh seed, and prints it
 * with @test so that a failing run can be replayed; rnd() is xorshift64*.
 * A test may also set test_rng itself for a fixed sequence.
 */
extern uint64_t test_rng;
void seed_rng(const char *test);
uint64_t rnd(void);

/*
 * The contents the tests give a block and check it still holds: byte i of a
 * block filled with @seed is a hash of the seed plus 7i + i/256, so that a
 * copy shifted by any amount or a block swapped for another shows.
 */
void fill(void *p, size_t n, unsigned int seed);
/* The index of the first of @n bytes at @p that fill(@seed) did not put there, or @n. */
size_t first_unfilled(const void *p, size_t n, unsigned int seed);
/* Whether the @n bytes at @p are still what fill(@seed) put there. */
bool holds(const void *p, size_t n, unsigned int seed);

struct slab;

/* Flip the free bit of object @i of pool @slab, as a wild write would. */
void flip_free_bit(struct slab *slab, unsigned int i);

#endif
