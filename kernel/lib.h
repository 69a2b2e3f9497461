/* SPDX-License-Identifier: MIT */
/*
 * kernel/lib.h - the few string helpers the firmware needs, since kernel/ is
 * freestanding and has no libc, and the random source of its workloads.
 */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * kstrlen - length of a NUL-terminated string.
 * @s: the string; must not be NULL.
 * Return: the number of bytes before the NUL.
 */
size_t kstrlen(const char *s);

/**
 * kstrcmp - compare two NUL-terminated strings byte by byte, as unsigned char.
 * @a: first string; must not be NULL.
 * @b: second string; must not be NULL.
 * Return: 0 when equal, < 0 when @a sorts first, > 0 when @b does.
 */
int kstrcmp(const char *a, const char *b);

/**
 * parse_ulong - read a whole string as an unsigned number.
 * @s: decimal digits ("4096"), or "0x"/"0X" then hex digits of either case
 *     ("0x20001000"). Nothing else: no sign, no spaces, no suffix; leading
 *     zeros are decimal, not octal.
 * @res: where the value goes; untouched when the call fails.
 *
 * unsigned long holds a pointer on every target bareslab supports (ILP32 and
 * LP64), so this also parses addresses.
 * Return: true on success; false when @s is NULL, empty, "0x" alone, contains
 * anything that is not a digit of its base, or does not fit in unsigned long.
 */
bool parse_ulong(const char *s, unsigned long *res);

/**
 * rand32 - the next number of an xorshift32 sequence: small, no
 * multiplication, good enough to pick sizes, victims and CPUs.
 * @state: the sequence's state, never 0 (seed_rand() makes sure).
 * Return: the next number; @state moves on.
 */
uint32_t rand32(uint32_t *state);

/**
 * seed_rand - start a sequence for @seed: seeds stay apart (the mapping is
 * one-to-one), 0 included.
 * @state: the sequence's state.
 * @seed: any number.
 */
void seed_rand(uint32_t *state, unsigned long seed);

#endif /* KERNEL_LIB_H */
