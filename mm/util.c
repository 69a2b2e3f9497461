// SPDX-License-Identifier: MIT
/*
 * mm/util.c - the few helpers libc would give us, and the report path.
 *
 * mm/ is built with -ffreestanding -fno-builtin, so it has no memset or
 * memcpy of its own; these are word-at-a-time loops, good enough for
 * zeroing objects and copying in krealloc(). mm_format_num() is the one
 * place that turns a number into digits: the printers (mm_print_num(),
 * mm/stats.c) and the kmalloc class names use it.
 */
#include "internal.h"

/* Misuse reports seen since boot, by kind (read by the statistics). */
unsigned long mm_nr_reports[NR_MM_REPORTS];

void mm_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uintptr_t pattern = (unsigned char)c;

	pattern |= pattern << 8;
	pattern |= pattern << 16;
	if (sizeof(uintptr_t) > 4)
		pattern |= (pattern << 16) << 16;
	while (n && ((uintptr_t)d & (sizeof(uintptr_t) - 1))) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= sizeof(uintptr_t); n -= sizeof(uintptr_t), d += sizeof(uintptr_t))
		*(uintptr_t *)(void *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
}

void mm_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & (sizeof(uintptr_t) - 1)) == 0) {
		for (; n >= sizeof(uintptr_t); n -= sizeof(uintptr_t)) {
			*(uintptr_t *)(void *)d = *(const uintptr_t *)(const void *)s;
			d += sizeof(uintptr_t);
			s += sizeof(uintptr_t);
		}
	}
	while (n--)
		*d++ = *s++;
}

unsigned int mm_format_num(char *buf, unsigned long v, unsigned int base)
{
	char digits[MM_NUM_DIGITS];
	unsigned int n = 0, i = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		buf[i++] = digits[--n];
	return i;
}

void mm_report_init(struct mm_report *r, enum mm_report_kind kind, const void *addr,
		    const void *object, const struct kmem_cache *s, const void *caller)
{
	/* Field by field: a struct initializer may become a call to memset(). */
	mm_memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->addr = addr;
	r->object = object;
	r->cache = s ? kmem_cache_name(s) : NULL;
	r->object_size = s ? kmem_cache_size(s) : 0;
	r->caller = caller;
}

void mm_report_send(const struct mm_report *r)
{
	mm_nr_reports[r->kind]++;
	mm_port_report(r);
}

void mm_report(enum mm_report_kind kind, const void *addr, const void *object,
	       const struct kmem_cache *s, const void *caller)
{
	struct mm_report r;

	mm_report_init(&r, kind, addr, object, s, caller);
	mm_report_send(&r);
}
