/* SPDX-License-Identifier: MIT */
/*
 * tests/libc/xorshift.h - the random source of the threaded test programs:
 * xorshift32, small and good enough to pick sizes, victims and mailboxes.
 */
#ifndef TESTS_LIBC_XORSHIFT_H
#define TESTS_LIBC_XORSHIFT_H

#include <stdint.h>

/* The next number of the sequence in *@s, which must not be 0. */
static inline uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

#endif /* TESTS_LIBC_XORSHIFT_H */
