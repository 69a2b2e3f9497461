// SPDX-License-Identifier: MIT
/*
 * tests/bench/target.c - the on-target benchmark: a bare-metal image for the
 * QEMU boards (mps2-an385 Cortex-M3, virt rv64) that replays one workload
 * against bareslab and counts the instructions of every op with the board's
 * counter (arch_cycles(): SysTick on arm, minstret on riscv).
 *
 * It takes the place of kernel/main.c: the board's start-up code calls
 * kernel_main(), which reads one line from the console:
 *
 *   calibrate              measure the counter and check it, nothing else
 *   WORKLOAD               count: calibrate, then replay WORKLOAD twice
 *   WORKLOAD REGION_BYTES  heap try: replay WORKLOAD once in a region of
 *                          REGION_BYTES, without counting (any QEMU flags)
 *
 * Calibration. Under QEMU with -icount the counter moves a fixed number of
 * ticks per instruction, a fraction p/q (32/5 for SysTick at -icount
 * shift=8, 1/1 for minstret at shift=0), but a reading is only a whole tick:
 * the ticks between two reads n instructions apart are n * p/q rounded up or
 * down. The image times a jump into a run of nops_max nops and the same jump
 * into none (the empty pair of reads, arch_cycles_nops()), takes p/q as the
 * simplest fraction within the two readings' error (+-2 ticks) of
 * ticks / nops_max, and then checks that every run of 0..nops_max nops, and
 * arch_cycles_mix()'s known instructions, convert to exactly their count
 * with every reading within one tick of it. A counter with fewer than 2 ticks
 * per instruction (unless exactly 1) cannot be rounded to whole instructions.
 * Any failure: "exact=no" and exit status 3; the same for a reading of the
 * replay that is a tick or more off a whole count.
 *
 * Counting. Every reading is converted to whole instructions (to_insns()).
 * The replay runs twice: against an allocator that does nothing, then
 * against kmalloc/kfree; the counter is read around every op, so one pass
 * gives the totals and the worst single op, and the null pass what the call
 * and the reads themselves cost (the same at every op of a kind). The region
 * is added between two reads as well (mm_add_region(), against a call that
 * does nothing): set-up is reported apart from the first ALLOC.
 *
 * Memory. The trace is not stored: each pass generates it op by op
 * (trace_next() runs between two ops, outside what is counted) and checks
 * its checksum against WORKLOADS.md at the end. Only the table of live
 * blocks (one entry per id, trace_max_ids()) and the generator's scratch are
 * stored, below or
 * beside the allocator's region, which is the top of the board's last RAM
 * region, starting on a 1 MiB boundary (so that the image's size does not
 * move it): 32 MiB on riscv, the 3 MiB above 0x20100000 on arm.
 *
 * Output: one line of key=value words, then exit status 0:
 *
 *   calibration counter=SysTick ticks_per_insn=32/5 nops=2000 nops_ticks=...
 *          empty_ticks=... empty_insns=2 lengths=2001/2001 mix=11/11 exact=yes
 *   target name=kcache-small ops=101408 checksum=... region=... add_region=...
 *          first_alloc=... instructions_per_op=... alloc_per_op=... free_per_op=...
 *          worst_alloc=... worst_alloc_op=... worst_free=... worst_free_op=...
 *   heap name=mixed-small region=425000 ops=99950 completed=99950
 *
 * first_alloc is op 0, where bareslab sets its caches up; the worst figures
 * are over every later op. One workload per boot, so every replay starts
 * from a fresh allocator.
 *
 * Built with -DTARGET_LIBC=1 and a C library (picolibc on riscv, newlib or
 * newlib-nano on arm), the measured pass replays against the C library's
 * malloc and free instead, whose sbrk() hands out the same region; there is
 * no mm_add_region() (add_region=-).
 */
#include <limits.h>
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

/* The C library's allocator and sbrk (arch/<board>/libc.c), in the TARGET_LIBC image only. */
void *malloc(size_t size);
void free(void *p);
void *sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr);

/* Bytes of the region of a count run, at most; the region starts on a REGION_ALIGN boundary. */
#define TARGET_HEAP_BYTES ((uintptr_t)32 << 20)
#define REGION_ALIGN ((uintptr_t)1 << 20)

/* Exit status of a run whose counter did not give whole instructions. */
#define INEXACT_STATUS 3

/* What one pass found, in instructions; every count includes the two reads. */
struct pass {
	uint64_t total[2]; /* of every ALLOC, FREE */
	uint64_t nr[2]; /* ALLOCs, FREEs */
	uint64_t first; /* of op 0, an ALLOC: bareslab sets itself up there */
	uint64_t worst[2]; /* largest single ALLOC, FREE after op 0 */
	uint64_t worst_op[2]; /* index of that op */
	uint64_t done; /* ops run before the first failed ALLOC */
	uint64_t checksum; /* of the ops generated */
};

/* The board's counter, and its ticks per instruction as calibrated: p/q. */
static struct {
	struct arch_cycles_info info;
	unsigned long p, q;
	bool inexact; /* a reading was a tick or more off a whole count */
} ctr;

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

static void print_field(const char *key, uint64_t v)
{
	print(" ");
	print(key);
	print("=");
	print_u64(v);
}

static void fail_status(const char *why, int status)
{
	print("target: ");
	print(why);
	print("\n");
	arch_exit(status);
}

static void fail(const char *why)
{
	fail_status(why, 1);
}

#if !TARGET_LIBC
void mm_port_report(const struct mm_report *r)
{
	print("target: bareslab reported ");
	print(mm_report_kind_name(r->kind));
	print("\n");
	arch_exit(1);
}
#endif

/*
 * The simplest fraction (smallest denominator) in [a/b, c/d], b and d > 0,
 * by continued fractions: an integer if one lies inside, else the integer
 * part plus the reciprocal of the simplest fraction of the reciprocal
 * interval. False when it takes more terms than 64-bit values allow.
 */
static bool simplest_fraction(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *p,
			      uint64_t *q)
{
	uint64_t h1 = 1, h2 = 0, k1 = 0, k2 = 1, f, t, na, nb;
	int terms;

	for (terms = 0; terms < 40; terms++) {
		t = (a + b - 1) / b;
		if (t * d <= c) {
			*p = t * h1 + h2;
			*q = t * k1 + k2;
			return true;
		}
		f = a / b;
		t = f * h1 + h2;
		h2 = h1;
		h1 = t;
		t = f * k1 + k2;
		k2 = k1;
		k1 = t;
		na = d;
		nb = c - f * d;
		c = b;
		d = a - f * b;
		a = na;
		b = nb;
	}
	return false;
}

/*
 * Whole instructions in @ticks at p/q ticks each; marks a reading a tick or
 * more off, or too large to convert. In the native word: p and q are small.
 */
static unsigned long to_insns(unsigned long ticks)
{
	unsigned long scaled, n, exact;

	if (ticks > ULONG_MAX / ctr.q - ctr.p) {
		ctr.inexact = true;
		return 0;
	}
	scaled = ticks * ctr.q;
	n = (scaled + ctr.p / 2) / ctr.p;
	exact = n * ctr.p;
	if ((scaled > exact ? scaled - exact : exact - scaled) >= ctr.q)
		ctr.inexact = true;
	return n;
}

/*
 * Start the counter, find its ticks per instruction and check them (see the
 * top of the file); print the calibration line. Return: true when exact.
 */
static bool calibrate(void)
{
	unsigned long empty, full, ticks;
	unsigned int n, k, good = 0;
	uint64_t base = 0, mix = 0, p = 0, q = 1;
	bool found, usable;

	arch_cycles_init(&ctr.info);
	n = ctr.info.nops_max;
	empty = arch_cycles_nops(0);
	full = arch_cycles_nops(n);
	ticks = (full - empty) & ctr.info.mask;
	found = ticks >= 2 && simplest_fraction(ticks - 2, n, ticks + 2, n, &p, &q);
	/* Below 2 ticks per instruction a tick off is half an instruction. */
	usable = found && p > 0 && p < 0x10000 && q < 0x100 && (q == 1 || p >= 2 * q);
	ctr.p = (unsigned long)p;
	ctr.q = (unsigned long)q;
	if (usable) {
		ctr.inexact = false;
		base = to_insns(empty);
		for (k = 0; k <= n; k++)
			good += to_insns(arch_cycles_nops(k)) == base + k;
		mix = to_insns(arch_cycles_mix()) - base;
	}

	print("calibration counter=");
	print(ctr.info.name);
	if (found) {
		print(" ticks_per_insn=");
		print_u64(p);
		print("/");
		print_u64(q);
		print(" (");
		print_ratio(p, q);
		print(")");
	} else {
		print(" ticks_per_insn=none");
	}
	print_field("nops", n);
	print_field("nops_ticks", ticks);
	print_field("empty_ticks", empty);
	print_field("empty_insns", base);
	print_field("lengths", good);
	print("/");
	print_u64(n + 1);
	print_field("mix", mix);
	print("/");
	print_u64(ctr.info.mix_insns);
	usable = usable && good == n + 1 && mix == ctr.info.mix_insns && !ctr.inexact;
	print(usable ? " exact=yes\n" : " exact=no\n");
	return usable;
}

/* The allocators, never inlined nor cloned, so both passes make the same calls. */
__attribute__((noinline, noclone)) static void *null_alloc(size_t size)
{
	(void)size;
	__asm__ volatile("" : : : "memory");
	return &null_block;
}

__attribute__((noinline, noclone)) static void null_free(void *p)
{
	(void)p;
	__asm__ volatile("" : : : "memory");
}

__attribute__((noinline, noclone)) static int null_add_region(void *start, size_t size)
{
	(void)start;
	(void)size;
	__asm__ volatile("" : : : "memory");
	return 0;
}

__attribute__((noinline, noclone)) static void *mm_alloc(size_t size)
{
	return TARGET_LIBC ? malloc(size) : kmalloc(size, GFP_KERNEL);
}

__attribute__((noinline, noclone)) static void mm_free(void *p)
{
	if (TARGET_LIBC)
		free(p);
	else
		kfree(p);
}

/* The C library's malloc grows its heap through sbrk(): the same region
 * bareslab gets in the other images. */
static uintptr_t brk_now, brk_end;

void *sbrk(ptrdiff_t incr)
{
	uintptr_t old = brk_now;

	if (incr < 0 || (uintptr_t)incr > brk_end - brk_now)
		return (void *)-1;
	brk_now += (uintptr_t)incr;
	return (void *)old;
}

/* newlib's name for it */
void *_sbrk(ptrdiff_t incr)
{
	return sbrk(incr);
}

__attribute__((noinline, noclone)) static int mm_add(void *start, size_t size)
{
	if (TARGET_LIBC) {
		brk_now = (uintptr_t)start;
		brk_end = (uintptr_t)start + size;
		return 0;
	}
	return mm_add_region(start, size);
}

/* Instructions of one call of @add, the two reads included; @add gets the region. */
__attribute__((noinline, noclone)) static uint64_t time_add(int (*add)(void *, size_t), void *start,
							    size_t size)
{
	unsigned long t0, t1;
	int ret;

	t0 = arch_cycles();
	ret = add(start, size);
	t1 = arch_cycles();
	if (ret != 0)
		fail("mm_add_region refused the region");
	return to_insns((t1 - t0) & ctr.info.mask);
}

static void note_op(struct pass *p, unsigned int kind, uint64_t i, unsigned long ticks)
{
	uint64_t n = to_insns(ticks & ctr.info.mask);

	p->total[kind] += n;
	p->nr[kind]++;
	if (i == 0)
		p->first = n;
	else if (n > p->worst[kind]) {
		p->worst[kind] = n;
		p->worst_op[kind] = i;
	}
}

/*
 * Replay @w, generated op by op, into the table @slots (indexed by id);
 * with @count, read the counter around each op.
 */
__attribute__((noinline, noclone)) static void
run_pass(struct pass *p, const struct trace_workload *w, struct trace_slot *scratch, void **slots,
	 void *(*alloc)(size_t), void (*release)(void *), bool count)
{
	struct trace_iter it;
	struct trace_op op;
	unsigned long t0, t1;
	uint64_t i;
	void *ptr;

	*p = (struct pass){ 0 };
	trace_iter_init(&it, w, scratch);
	for (i = 0; trace_next(&it, &op); i++) {
		if (op.kind == TRACE_FREE) {
			ptr = slots[op.id];
			t0 = arch_cycles();
			release(ptr);
			t1 = arch_cycles();
		} else {
			t0 = arch_cycles();
			ptr = alloc(op.size);
			t1 = arch_cycles();
			if (!ptr)
				break;
			slots[op.id] = ptr;
		}
		if (count)
			note_op(p, op.kind, i, t1 - t0);
	}
	p->done = i;
	p->checksum = it.stats.checksum;
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

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Split @line at its first space: return what follows (NULL: no space). */
static char *split_word(char *line)
{
	for (; *line; line++) {
		if (*line == ' ') {
			*line = '\0';
			return line + 1;
		}
	}
	return NULL;
}

static uint64_t parse_u64(const char *s)
{
	uint64_t v = 0;

	if (!*s)
		fail("a region size must be a number");
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 9)
			fail("a region size must be a number");
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

/* RAM for the replay's tables: every board region, less the allocator's. */
#define MAX_RAM 4
static struct {
	uintptr_t start, end;
} ram[MAX_RAM];
static unsigned int nr_ram;

/* Bytes from the first RAM range with room, 16-byte aligned. */
static void *take(uint64_t bytes)
{
	unsigned int i;
	uintptr_t p;

	for (i = 0; i < nr_ram; i++) {
		p = (ram[i].start + 15) & ~(uintptr_t)15;
		if (p <= ram[i].end && bytes <= ram[i].end - p) {
			ram[i].start = p + (uintptr_t)bytes;
			return (void *)p;
		}
	}
	fail("the replay's tables do not fit in RAM");
	return NULL;
}

/*
 * Find the RAM, and place the allocator's region of @bytes (0: as much as a
 * count run takes) at the top of the last RAM region, on a REGION_ALIGN
 * boundary; that region ends below it. Return: the region's start; *@bytes
 * its size.
 */
static void *place_region(uint64_t *bytes)
{
	struct arch_ram_region regions[MAX_RAM];
	uintptr_t top, start;
	unsigned int i;

	nr_ram = arch_ram_regions(regions, MAX_RAM);
	if (nr_ram > MAX_RAM)
		nr_ram = MAX_RAM;
	if (nr_ram == 0)
		fail("the board has no RAM regions");
	for (i = 0; i < nr_ram; i++) {
		ram[i].start = (uintptr_t)regions[i].start;
		ram[i].end = ram[i].start + regions[i].size;
	}
	top = ram[nr_ram - 1].end;
	if (*bytes == 0) {
		start = (ram[nr_ram - 1].start + REGION_ALIGN - 1) & ~(REGION_ALIGN - 1);
		if (start > top)
			fail("not enough RAM");
		*bytes = top - start < TARGET_HEAP_BYTES ? top - start : TARGET_HEAP_BYTES;
	}
	if (*bytes > top - ram[nr_ram - 1].start)
		fail("the region does not fit in RAM");
	start = (top - (uintptr_t)*bytes) & ~(REGION_ALIGN - 1);
	if (start < ram[nr_ram - 1].start)
		fail("the region does not fit in RAM");
	ram[nr_ram - 1].end = start;
	return (void *)start;
}

static void print_minus(const char *key, uint64_t a, uint64_t b)
{
	print_field(key, a - b);
}

/* Count run: set-up, the null pass, the measured pass; print the target line. */
static void count_run(const struct trace_workload *w, struct trace_slot *scratch, void **slots,
		      void *region, uint64_t bytes)
{
	struct pass null_pass, mm_pass;
	uint64_t null_add, add;
	unsigned int k;

	null_add = time_add(null_add_region, region, (size_t)bytes);
	add = time_add(mm_add, region, (size_t)bytes);
	run_pass(&null_pass, w, scratch, slots, null_alloc, null_free, true);
	run_pass(&mm_pass, w, scratch, slots, mm_alloc, mm_free, true);
	if (mm_pass.done != w->ref_ops)
		fail("an allocation failed");
	if (null_pass.checksum != w->ref_checksum || mm_pass.checksum != w->ref_checksum)
		fail("the trace differs from WORKLOADS.md");
	if (ctr.inexact)
		fail_status("a reading of the counter was not a whole count of instructions",
			    INEXACT_STATUS);

	print("target name=");
	print(w->name);
	print_field("ops", mm_pass.done);
	print(" checksum=");
	print_hex64(mm_pass.checksum);
	print_field("region", bytes);
	if (TARGET_LIBC)
		print(" add_region=-");
	else
		print_minus("add_region", add, null_add);
	print_minus("first_alloc", mm_pass.first, null_pass.first);
	print(" instructions_per_op=");
	print_ratio(mm_pass.total[TRACE_ALLOC] + mm_pass.total[TRACE_FREE] -
			    null_pass.total[TRACE_ALLOC] - null_pass.total[TRACE_FREE],
		    mm_pass.done);
	print(" alloc_per_op=");
	print_ratio(mm_pass.total[TRACE_ALLOC] - null_pass.total[TRACE_ALLOC],
		    mm_pass.nr[TRACE_ALLOC]);
	print(" free_per_op=");
	print_ratio(mm_pass.total[TRACE_FREE] - null_pass.total[TRACE_FREE],
		    mm_pass.nr[TRACE_FREE]);
	/* The null pass costs the same at every op of a kind: its worst is its cost. */
	for (k = TRACE_ALLOC; k <= TRACE_FREE; k++) {
		print_minus(k == TRACE_ALLOC ? "worst_alloc" : "worst_free", mm_pass.worst[k],
			    null_pass.worst[k]);
		print_field(k == TRACE_ALLOC ? "worst_alloc_op" : "worst_free_op",
			    mm_pass.worst_op[k]);
	}
	print("\n");
}

/* Heap try: one pass in a region of @bytes, uncounted; print the heap line. */
static void heap_run(const struct trace_workload *w, struct trace_slot *scratch, void **slots,
		     void *region, uint64_t bytes)
{
	struct pass pass = { 0 };

	if (mm_add(region, (size_t)bytes) == 0)
		run_pass(&pass, w, scratch, slots, mm_alloc, mm_free, false);
	if (pass.done == w->ref_ops && pass.checksum != w->ref_checksum)
		fail("the trace differs from WORKLOADS.md");
	print("heap name=");
	print(w->name);
	print_field("region", bytes);
	print_field("ops", w->ref_ops);
	print_field("completed", pass.done);
	print("\n");
}

void kernel_main(void)
{
	const struct trace_workload *w;
	struct trace_slot *scratch;
	uint64_t bytes = 0;
	char line[64], *arg;
	void *region, **slots;

	read_line(line, sizeof(line));
	arg = split_word(line);
	if (!arg && streq(line, "calibrate"))
		arch_exit(calibrate() ? 0 : INEXACT_STATUS);
	w = trace_find(line);
	if (!w)
		fail("unknown workload");
	if (arg)
		bytes = parse_u64(arg);
	else if (!calibrate())
		fail_status("the counter does not count whole instructions: run QEMU with -icount "
			    "(shift=8 on arm, shift=0 on riscv)",
			    INEXACT_STATUS);
	region = place_region(&bytes);

	scratch = take(trace_scratch_len(w) * sizeof(*scratch));
	slots = take((uint64_t)trace_max_ids(w) * sizeof(*slots));
	if (TARGET_LIBC)
		arch_libc_init(); /* arch/<board>/libc.c: what the C library needs first */

	if (arg)
		heap_run(w, scratch, slots, region, bytes);
	else
		count_run(w, scratch, slots, region, bytes);
	arch_exit(0);
}
