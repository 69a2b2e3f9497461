/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/helpers.h - what every unit test shares: a recorded report
 * hook, a trapping bug hook, and a heap to give the allocator.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stddef.h>
#include <mm/port.h>

#define MAX_RECORDED_REPORTS 64

/* Every report seen by mm_port_report() in this test process, in order. */
extern struct mm_report recorded_reports[MAX_RECORDED_REPORTS];
extern unsigned int nr_recorded_reports;

/* How many recorded reports are of @kind. */
unsigned int count_reports(enum mm_report_kind kind);

/* A heap of @size bytes (at most 64 MiB), not yet added: aligned to 4 MiB and
 * zeroed before the test. On a board with less RAM, the test is skipped. */
void *test_heap(size_t size);

/* Add a fresh test_heap(@size) as the only region; asserts that it worked. */
void setup_heap(size_t size);

#endif
