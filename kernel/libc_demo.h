/* SPDX-License-Identifier: MIT */
/*
 * kernel/libc_demo.h - firmware code that uses its C library the
 * ordinary way, with bareslab as the C library's malloc.
 */
#ifndef LIBC_DEMO_H
#define LIBC_DEMO_H

/**
 * libc_demo - exercise the C library and check that bareslab served it.
 *
 * printf of integers, strings and floats, snprintf, asprintf, strdup, qsort
 * over malloc'd arrays, realloc growth, calloc, aligned allocations and a
 * memory stream (fmemopen): stdio with no file system. Prints what it does
 * on stdout, then how many allocations bareslab served meanwhile.
 *
 * Context: a firmware linked with libmm_libc.a and newlib or picolibc, with
 * its heap regions added. Calls arch_libc_init() first, so a console
 * command can run it without any other set-up. Not reentrant.
 * Return: 0 when every check passed, 1 otherwise (the failure is printed).
 */
int libc_demo(void);

#endif /* LIBC_DEMO_H */
