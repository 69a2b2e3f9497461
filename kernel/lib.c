// SPDX-License-Identifier: MIT
/*
 * kernel/lib.c - string helpers for freestanding kernel code: length,
 * comparison and number parsing for the shell's commands.
 */
#include <limits.h>

#include "lib.h"

size_t kstrlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

int kstrcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (int)*x - (int)*y;
}

/* Value of digit @c in @base, or -1 when @c is not one. */
static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

bool parse_ulong(const char *s, unsigned long *res)
{
	unsigned int base = 10;
	unsigned long v = 0;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = digit_value(*s, base);

		if (d < 0)
			return false;
		if (v > (ULONG_MAX - (unsigned long)d) / base)
			return false;
		v = v * base + (unsigned long)d;
	}
	*res = v;
	return true;
}

uint32_t rand32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void seed_rand(uint32_t *state, unsigned long seed)
{
	uint32_t x = (uint32_t)seed ^ (uint32_t)((seed >> 16) >> 16);
	int i;

	x = (x ^ 0x7f4a7c15u) * 0x9e3779b9u; /* one-to-one: seeds stay apart */
	*state = x ? x : 1; /* xorshift never leaves 0 */
	for (i = 0; i < 8; i++)
		rand32(state);
}
