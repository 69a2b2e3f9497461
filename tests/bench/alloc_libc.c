// SPDX-License-Identifier: MIT
/*
 * tests/bench/alloc_libc.c - malloc() and free() of whatever library the
 * program is linked with: glibc by default, jemalloc, mimalloc or tcmalloc
 * when its shared library comes first (-ljemalloc, ...). Each of those
 * replaces malloc for the whole process; bench_alloc_origin() says which
 * library the dynamic linker actually bound malloc to.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "bench_alloc.h"

int bench_init(size_t heap_bytes)
{
	(void)heap_bytes;
	return 0;
}

void *bench_alloc(size_t size)
{
	return malloc(size);
}

void bench_free(void *p)
{
	free(p);
}

const char *bench_alloc_origin(void)
{
	void *sym = dlsym(RTLD_DEFAULT, "malloc");
	const char *slash;
	Dl_info info;

	if (!sym || !dladdr(sym, &info) || !info.dli_fname)
		return "unknown";
	slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

void bench_thread_start(unsigned int index)
{
	(void)index;
}
