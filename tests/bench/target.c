// SPDX-License-Identifier: MIT
/*
 * tests/bench/target.c - the on-target benchmark: a bare-metal image for the
 * QEMU virt board (rv64) that replays one workload against bareslab and
 * counts retired instructions with the minstret CSR (run QEMU with
 * -icount shift=0 so that the count is exact and repeatable).
 *
 * It takes the place of kernel/main.c: the board's start-up code calls
 * kernel_main(), which reads a workload name from the console (one line),
 * generates that trace into the front of the board's heap region (not
 * measured), gives the rest of the region to mm_add_region() and replays the
 * trace twice: against an allocator that does nothing, then against
 * kmalloc/kfree. minstret is read around every op, so one pass gives both the
 * total and the worst single op; the null pass gives what the loop and the
 * reads themselves cost. Prints one line of key=value words and exits 0:
 *
 *   target name=kcache-small ops=101408 checksum=... instructions_per_op=...
 *          first_alloc=... worst_alloc=... worst_alloc_op=... worst_free=... worst_free_op=...
 *
 * first_alloc is op 0, where bareslab sets its caches up; the worst figures
 * are over every later op.
 *
 * One workload per boot, so every replay starts from a fresh allocator.
 *
 * Built with -DTARGET_LIBC=1 (and picolibc), the second pass replays against
 * picolibc's malloc and free instead, whose sbrk() here hands out the same
 * region: the two images are built and measured the same way.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/arch.h>
#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>

#include "trace.h"

#ifndef TARGET_LIBC
#define TARGET_LIBC 0
#endif

/* The C library's allocator, in the TARGET_LIBC image only. */
void *malloc(size_t size);
void free(void *p);
void *sbrk(ptrdiff_t incr);

/* Bytes of the heap region given to bareslab; the trace is stored below it. */
#define TARGET_HEAP_BYTES ((size_t)32 << 20)

/* One op of the replay, as in replay.c: FREE when ROP_FREE is set in @slot. */
struct rop {
	uint32_t slot;
	uint32_t size;
};

#define ROP_FREE 0x80000000u

/* What one measured pass found; every count includes the two minstret reads. */
struct pass {
	uint64_t total; /* instructions of every op */
	uint64_t first; /* of op 0, an ALLOC: bareslab sets itself up there */
	uint64_t worst[2]; /* largest single ALLOC, FREE after op 0 */
	uint64_t worst_op[2]; /* index of that op */
	uint64_t done; /* ops run before the first failed ALLOC */
};

static char null_block;

static void print(const char *s)
{
	while (*s)
		arch_console_putc(*s++);
}

static void print_u64(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	print(&buf[i]);
}

static void print_hex64(uint64_t v)
{
	int i;

	for (i = 60; i >= 0; i -= 4)
		arch_console_putc("0123456789abcdef"[(v >> i) & 0xf]);
}

/* value with two decimals, from a fraction num / den */
static void print_ratio(uint64_t num, uint64_t den)
{
	uint64_t hundredths = (num * 100 + den / 2) / den;

	print_u64(hundredths / 100);
	arch_console_putc('.');
	arch_console_putc((char)('0' + hundredths / 10 % 10));
	arch_console_putc((char)('0' + hundredths % 10));
}

static void fail(const char *why)
{
	print("target: ");
	print(why);
	print("\n");
	arch_exit(1);
}

void mm_port_report(const struct mm_report *r)
{
	print("target: bareslab reported ");
	print(mm_report_kind_name(r->kind));
	print("\n");
	arch_exit(1);
}

static inline uint64_t read_minstret(void)
{
	uint64_t v;

	__asm__ volatile("csrr %0, minstret" : "=r"(v) : : "memory");
	return v;
}

/* The allocators, never inlined, so both passes make the same calls. */
__attribute__((noinline)) static void *null_alloc(size_t size)
{
	(void)size;
	__asm__ volatile("" : : : "memory");
	return &null_block;
}

__attribute__((noinline)) static void null_free(void *p)
{
	(void)p;
	__asm__ volatile("" : : : "memory");
}

__attribute__((noinline)) static void *mm_alloc(size_t size)
{
	return TARGET_LIBC ? malloc(size) : kmalloc(size, GFP_KERNEL);
}

__attribute__((noinline)) static void mm_free(void *p)
{
	if (TARGET_LIBC)
		free(p);
	else
		kfree(p);
}

/* The C library's malloc grows its heap through sbrk(): the same region
 * bareslab gets in the other image. */
static uintptr_t brk_now, brk_end;

void *sbrk(ptrdiff_t incr)
{
	uintptr_t old = brk_now;

	if (incr < 0 || (uintptr_t)incr > brk_end - brk_now)
		return (void *)-1;
	brk_now += (uintptr_t)incr;
	return (void *)old;
}

/* picolibc keeps errno in thread-local storage, addressed from tp. */
static char tls_block[64] __attribute__((aligned(16)));

static void note_op(struct pass *p, unsigned int kind, uint64_t i, uint64_t n)
{
	p->total += n;
	if (i == 0)
		p->first = n;
	else if (n > p->worst[kind]) {
		p->worst[kind] = n;
		p->worst_op[kind] = i;
	}
}

/* Replay @n ops, reading minstret around each one. */
__attribute__((noinline)) static void run_pass(struct pass *p, const struct rop *ops, uint64_t n,
					       void **slots, void *(*alloc)(size_t),
					       void (*release)(void *))
{
	uint64_t i, t0, t1;
	void *ptr;

	p->total = p->first = 0;
	p->worst[0] = p->worst[1] = p->worst_op[0] = p->worst_op[1] = 0;
	for (i = 0; i < n; i++) {
		if (ops[i].slot & ROP_FREE) {
			ptr = slots[ops[i].slot & ~ROP_FREE];
			t0 = read_minstret();
			release(ptr);
			t1 = read_minstret();
			note_op(p, TRACE_FREE, i, t1 - t0);
		} else {
			t0 = read_minstret();
			ptr = alloc(ops[i].size);
			t1 = read_minstret();
			if (!ptr)
				break;
			slots[ops[i].slot] = ptr;
			note_op(p, TRACE_ALLOC, i, t1 - t0);
		}
	}
	p->done = i;
}

/* One line from the console, without its end; empty at end of input. */
static void read_line(char *buf, size_t max)
{
	size_t n = 0;
	int c;

	while ((c = arch_console_getc()) >= 0 && c != '\n' && c != '\r')
		if (n + 1 < max)
			buf[n++] = (char)c;
	buf[n] = '\0';
}

/* Bump allocation from the front of the heap region, 16-byte aligned. */
static uintptr_t bump;
static uintptr_t bump_end;

static void *take(uint64_t bytes)
{
	uintptr_t p = (bump + 15) & ~(uintptr_t)15;

	if (bytes > bump_end - p)
		fail("the trace does not fit in RAM");
	bump = p + (uintptr_t)bytes;
	return (void *)p;
}

void kernel_main(void)
{
	const struct trace_workload *w;
	struct arch_ram_region ram;
	uint32_t *id_slot, *free_slots, nr_free = 0, nr_slots = 0;
	struct trace_stats st;
	struct pass null_pass, mm_pass;
	struct trace_iter it;
	struct trace_op op;
	struct rop *ops;
	void **slots;
	char name[32];
	uint64_t i;

	read_line(name, sizeof(name));
	w = trace_find(name);
	if (!w)
		fail("unknown workload");
	if (arch_ram_regions(&ram, 1) < 1 || ram.size < TARGET_HEAP_BYTES)
		fail("not enough RAM");
	bump = (uintptr_t)ram.start;
	bump_end = (uintptr_t)ram.start + ram.size - TARGET_HEAP_BYTES;

	/* Count, then store: the scratch of the generator comes first. */
	trace_generate(w, NULL, 0, take(trace_scratch_len(w) * sizeof(struct trace_slot)), &st);
	ops = take(st.nr_ops * sizeof(*ops));
	slots = take(st.max_live * sizeof(*slots));
	id_slot = take(st.nr_ids * sizeof(*id_slot));
	free_slots = take(st.max_live * sizeof(*free_slots));
	trace_iter_init(&it, w, take(trace_scratch_len(w) * sizeof(struct trace_slot)));
	for (i = 0; trace_next(&it, &op); i++) {
		if (op.kind == TRACE_ALLOC) {
			id_slot[op.id] = nr_free ? free_slots[--nr_free] : nr_slots++;
			ops[i].slot = id_slot[op.id];
			ops[i].size = op.size;
		} else {
			free_slots[nr_free++] = id_slot[op.id];
			ops[i].slot = id_slot[op.id] | ROP_FREE;
			ops[i].size = 0;
		}
	}
	if (it.stats.checksum != w->ref_checksum || it.stats.nr_ops != w->ref_ops)
		fail("the trace differs from WORKLOADS.md");

	if (TARGET_LIBC) {
		__asm__ volatile("mv tp, %0" : : "r"(tls_block) : "memory");
		brk_now = bump_end;
		brk_end = bump_end + TARGET_HEAP_BYTES;
	} else if (mm_add_region((void *)bump_end, TARGET_HEAP_BYTES) != 0) {
		fail("mm_add_region refused the heap");
	}

	run_pass(&null_pass, ops, st.nr_ops, slots, null_alloc, null_free);
	run_pass(&mm_pass, ops, st.nr_ops, slots, mm_alloc, mm_free);
	if (mm_pass.done != st.nr_ops)
		fail("an allocation failed");

	/* The null pass costs the same at every op of a kind: its worst is its cost. */
	print("target name=");
	print(w->name);
	print(" ops=");
	print_u64(st.nr_ops);
	print(" checksum=");
	print_hex64(it.stats.checksum);
	print(" instructions_per_op=");
	print_ratio(mm_pass.total - null_pass.total, st.nr_ops);
	print(" first_alloc=");
	print_u64(mm_pass.first - null_pass.first);
	print(" worst_alloc=");
	print_u64(mm_pass.worst[TRACE_ALLOC] - null_pass.worst[TRACE_ALLOC]);
	print(" worst_alloc_op=");
	print_u64(mm_pass.worst_op[TRACE_ALLOC]);
	print(" worst_free=");
	print_u64(mm_pass.worst[TRACE_FREE] - null_pass.worst[TRACE_FREE]);
	print(" worst_free_op=");
	print_u64(mm_pass.worst_op[TRACE_FREE]);
	print("\n");
	arch_exit(0);
}

/* libmm.a may call these (struct copies); a firmware has them in its own library. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

__attribute__((weak)) void *memset(void *s, int c, size_t n)
{
	volatile unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

__attribute__((weak)) void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
