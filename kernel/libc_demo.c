// SPDX-License-Identifier: MIT
/*
 * kernel/libc_demo.c - firmware code that uses its C library the
 * ordinary way: nothing here knows about bareslab but the figures it prints
 * at the end. Built for newlib-nano (arm) and picolibc (riscv); every call
 * is ISO C or POSIX. The C library allocates on its own behalf too (newlib's
 * stdout buffer and float conversions, strdup, asprintf, fmemopen), and all
 * of it comes from bareslab once libmm_libc.a is linked.
 */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/arch.h>
#include <mm/stats.h>
#include "libc_demo.h"

static int failures;

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			printf("libc demo: FAIL line %d: %s\n", __LINE__, #cond); \
			failures++;                                               \
		}                                                                 \
	} while (0)

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* printf and snprintf with floats: the C library's conversions allocate. */
static void floats(void)
{
	char *line;
	int n;

	printf("floats: pi %.5f, e %.3e, 1/3 %g, -0.5 %+.1f\n", 3.14159265358979, 2.718281828,
	       1.0 / 3.0, -0.5);
	n = snprintf(NULL, 0, "%08.3f|%-6d|%s", 12.3456, 42, "end");
	line = malloc((size_t)n + 1);
	CHECK(line != NULL);
	if (!line)
		return;
	snprintf(line, (size_t)n + 1, "%08.3f|%-6d|%s", 12.3456, 42, "end");
	printf("snprintf: \"%s\" (%d bytes)\n", line, n);
	CHECK(strcmp(line, "0012.346|42    |end") == 0);
	free(line);
}

/* strdup every word, sort the copies, join them with asprintf. */
static void words(void)
{
	static const char *const src[] = { "slab",   "buddy",  "pool",	   "cache",  "page",
					   "region", "object", "freelist", "kmalloc" };
	size_t n = sizeof(src) / sizeof(src[0]), i;
	char **copies = malloc(n * sizeof(*copies));
	char *joined = NULL, *next;

	CHECK(copies != NULL);
	if (!copies)
		return;
	for (i = 0; i < n; i++) {
		copies[i] = strdup(src[i]);
		CHECK(copies[i] != NULL && strcmp(copies[i], src[i]) == 0);
	}
	qsort(copies, n, sizeof(*copies), compare_strings);
	for (i = 0; i < n; i++) {
		CHECK(asprintf(&next, "%s%s%s", joined ? joined : "", joined ? " " : "",
			       copies[i]) > 0);
		free(joined);
		joined = next;
		free(copies[i]);
	}
	printf("sorted: %s\n", joined);
	CHECK(strcmp(joined, "buddy cache freelist kmalloc object page pool region slab") == 0);
	free(joined);
	free(copies);
}

/* qsort a malloc'd array of pseudo-random doubles; a realloc'd histogram. */
static void numbers(void)
{
	size_t n = 2000, i, buckets = 4;
	double *v = malloc(n * sizeof(*v));
	unsigned int *hist = calloc(buckets, sizeof(*hist));
	unsigned int x = 1;

	CHECK(v != NULL && hist != NULL);
	if (!v || !hist)
		goto out;
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = (double)(x >> 8) / (double)(1u << 24) * 1000.0;
	}
	qsort(v, n, sizeof(*v), compare_doubles);
	for (i = 1; i < n; i++)
		CHECK(v[i - 1] <= v[i]);
	for (i = 0; i < n; i++) {
		size_t b = (size_t)(v[i] / 1000.0 * (double)buckets);

		if (b >= buckets) {
			unsigned int *grown = realloc(hist, (b + 1) * sizeof(*hist));

			CHECK(grown != NULL);
			if (!grown)
				goto out;
			memset(grown + buckets, 0, (b + 1 - buckets) * sizeof(*hist));
			hist = grown;
			buckets = b + 1;
		}
		hist[b]++;
	}
	printf("qsort: %lu doubles, min %.3f, median %.3f, max %.3f, quarters %u %u %u %u\n",
	       (unsigned long)n, v[0], v[n / 2], v[n - 1], hist[0], hist[1], hist[2], hist[3]);
out:
	free(v);
	free(hist);
}

/* stdio without files: write to a memory stream, read it back. */
static void memory_stream(void)
{
	char *buf = malloc(256);
	FILE *f;
	int a = 0;
	double d = 0;
	char word[16] = "";

	CHECK(buf != NULL);
	f = buf ? fmemopen(buf, 256, "w+") : NULL;
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "%d %.2f %s\n", 1234, 56.78, "stream");
		rewind(f);
		CHECK(fscanf(f, "%d %lf %15s", &a, &d, word) == 3);
		fclose(f);
		printf("fmemopen: %d %.2f %s\n", a, d, word);
		CHECK(a == 1234 && d > 56.77 && d < 56.79 && strcmp(word, "stream") == 0);
	}
	free(buf);
}

/* The aligned calls and the error cases of the standard. */
static void aligned_and_errors(void)
{
	/* volatile: the compiler must not judge the calls by their arguments. */
	volatile size_t huge = SIZE_MAX / 2 + 1;
	void *p = aligned_alloc(64, 100), *q = NULL;

	CHECK(p != NULL && (uintptr_t)p % 64 == 0);
	CHECK(posix_memalign(&q, 4096, 10) == 0 && (uintptr_t)q % 4096 == 0);
	free(p);
	free(q);
	errno = 0;
	p = malloc(huge);
	CHECK(p == NULL && errno == ENOMEM);
	free(p);
	errno = 0;
	p = calloc(huge, 2);
	CHECK(p == NULL && errno == ENOMEM);
	free(p);
	errno = 0;
	p = aligned_alloc(3, 8);
	CHECK(p == NULL && errno == EINVAL);
	free(p);
	p = malloc(0);
	CHECK(p != NULL);
	free(p);
	free(NULL);
	printf("aligned and error cases: checked\n");
}

int libc_demo(void)
{
	struct mm_stats before, after;

	arch_libc_init();
	failures = 0;
	mm_get_stats(&before);
	printf("libc demo: the C library's malloc is bareslab\n");
	floats();
	words();
	numbers();
	memory_stream();
	aligned_and_errors();
	fflush(stdout);
	mm_get_stats(&after);
	printf("libc demo: %lu allocations and %lu frees served by bareslab, %ld bytes still "
	       "live\n",
	       after.nr_allocs - before.nr_allocs, after.nr_frees - before.nr_frees,
	       (long)(after.live_bytes - before.live_bytes));
	CHECK(after.nr_allocs - before.nr_allocs >= 20);
	printf("libc demo: %s\n", failures ? "FAIL" : "ok");
	fflush(stdout);
	return failures != 0;
}
