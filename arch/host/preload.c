// SPDX-License-Identifier: MIT
/*
 * arch/host/preload.c - the port behind build/host/libbareslab.so: bareslab
 * as the malloc of unmodified Linux programs.
 *
 *   LD_PRELOAD=build/host/libbareslab.so BARESLAB_STATS=1 python3 script.py
 *
 * The library is mm/ and mm/libc/malloc.c built -fPIC -fvisibility=hidden,
 * plus this file; it exports the malloc family and nothing else. This file
 * gives them what a hosted port must:
 *
 * - threads: the library is built with CONFIG_MM_NR_CPUS = NR_SLOTS
 *   (arch/host/preload.mk says why 32), and each thread allocates and frees
 *   through a slot of its own, bareslab's "CPU": mm_port_cpu_id() (below,
 *   "slots"). A call takes its slot's spinlock, and the slot's mutex first
 *   when threads share the slot; the pthread mutex of mm_port_lock() is the
 *   shared lock, for lists, pools and regions;
 * - fork: the grow lock, then mm_freeze() (every slot's lock, then the
 *   mutex) before fork(), mm_thaw() in parent and child, so that a child
 *   never inherits a heap some other thread was half-way through; the child
 *   forgets the slots of the threads it does not have;
 * - memory: none until the first allocation fails (so every process shows
 *   one failure in meminfo). Then mm_libc_port_grow() maps a region and adds
 *   it, 32 MiB first, each next one twice the last, up to 1 GiB
 *   (CONFIG_MM_MAX_REGIONS, 64 here, bounds the count). Mappings are
 *   MAP_NORESERVE, so untouched pages cost nothing but their page
 *   descriptors (1% of a region, written by mm_add_region()). Once no region
 *   can be added, every request is mapped on its own;
 * - big blocks: a request over PAGE_SIZE << MAX_ORDER (4 MiB) gets its own
 *   mmap(), and munmap() when freed;
 * - reports and bugs: a line on stderr; a broken invariant aborts;
 * - BARESLAB_STATS=1: at exit, meminfo, the glue's figures and slabinfo on
 *   stderr, each line prefixed "bareslab[pid]: " so that a test can tell them
 *   from the program's own output.
 *
 *   a process's address space, once a few regions are in:
 *
 *   [ program ][ libs ]  ...  [ region 0: 32 MiB ][ region 1: 64 MiB ]  [ mapped block ]
 *                              descriptors|pages   descriptors|pages    header|bytes
 *
 * Nothing here may call malloc while the program is allocating: no stdio, no
 * dlsym, no thread-local variable that is not initial-exec (a dynamic TLS
 * block may be allocated on first use). Output goes through write(2),
 * numbers are formatted by hand. The hooks leave errno as they found it,
 * since a successful malloc() must not change it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mm/page_alloc.h>
#include <mm/port.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include "mm_libc.h"

/* Size of the first region mapped, and the most any region gets. */
#define REGION_FIRST ((size_t)32 << 20)
#define REGION_MAX ((size_t)1 << 30)

/* Regions are mapped aligned to the largest buddy block, so that only their
 * descriptors, not their alignment, cost top-order blocks. */
#define REGION_ALIGN (PAGE_SIZE << MAX_ORDER)

_Static_assert(REGION_FIRST >= 4 * REGION_ALIGN, "a region holds several largest blocks");

/* The shared lock (mm_port_lock()): taken inside a slot's spinlock, or alone. */
static pthread_mutex_t mm_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Serializes growing the heap; taken before every allocator lock, never inside one. */
static pthread_mutex_t grow_mutex = PTHREAD_MUTEX_INITIALIZER;
static size_t next_region_size = REGION_FIRST;

/* ---- output without malloc ----------------------------------------------------------- */

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* A line buffer for stderr, each line starting with "bareslab[pid]: ". */
struct line_out {
	int fd;
	char buf[512];
	size_t len;
	size_t prefix_len;
};

static size_t format_ulong(char *out, unsigned long v, unsigned int base)
{
	char digits[24];
	size_t n = 0, i = 0;

	do {
		digits[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		out[n++] = digits[--i];
	return n;
}

static void line_start(struct line_out *o, int fd)
{
	static const char name[] = "bareslab[";

	o->fd = fd;
	memcpy(o->buf, name, sizeof(name) - 1);
	o->len = sizeof(name) - 1;
	o->len += format_ulong(o->buf + o->len, (unsigned long)getpid(), 10);
	memcpy(o->buf + o->len, "]: ", 3);
	o->len += 3;
	o->prefix_len = o->len;
}

static void line_put(struct line_out *o, const char *s, size_t n)
{
	for (; n; s++, n--) {
		if (o->len < sizeof(o->buf) - 1)
			o->buf[o->len++] = *s;
		if (*s == '\n') {
			if (o->buf[o->len - 1] != '\n')
				o->buf[o->len++] = '\n';
			/* One write per line: whole lines even when processes share stderr. */
			write_all(o->fd, o->buf, o->len);
			o->len = o->prefix_len;
		}
	}
}

static void line_puts(struct line_out *o, const char *s)
{
	line_put(o, s, strlen(s));
}

static void line_hex(struct line_out *o, const void *p)
{
	char buf[24] = "0x";

	line_put(o, buf, 2 + format_ulong(buf + 2, (unsigned long)(uintptr_t)p, 16));
}

static void printer_write(void *ctx, const char *s, size_t n)
{
	line_put(ctx, s, n);
}

/* ---- the port hooks of mm/port.h ---------------------------------------------------------- */

void mm_port_lock(void)
{
	pthread_mutex_lock(&mm_mutex);
}

void mm_port_unlock(void)
{
	pthread_mutex_unlock(&mm_mutex);
}

/* The kernel's 16 random bytes for this process (AT_RANDOM), mixed with a
 * call counter: a fresh secret for every cache, in every run. */
unsigned long mm_port_random(void)
{
	static unsigned long calls;
	const unsigned long *seed = (const unsigned long *)getauxval(AT_RANDOM);
	unsigned long x = ++calls * (unsigned long)0x9e3779b97f4a7c15ull;

	if (seed)
		x ^= seed[0] ^ (seed[1] << 1);
	x ^= x >> 31;
	x *= (unsigned long)0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x;
}

/* Misuse: the program freed something twice, or a pointer that is not ours.
 * Report it and carry on, as bareslab does everywhere. */
void mm_port_report(const struct mm_report *r)
{
	int saved = errno;
	struct line_out o;

	line_start(&o, STDERR_FILENO);
	line_puts(&o, mm_report_kind_name(r->kind));
	line_puts(&o, ": ");
	line_hex(&o, r->addr);
	if (r->cache) {
		line_puts(&o, " in ");
		line_puts(&o, r->cache);
	}
	line_puts(&o, ", caller ");
	line_hex(&o, r->caller);
	line_puts(&o, "\n");
	errno = saved;
}

void mm_port_bug(const char *file, int line)
{
	struct line_out o;
	char num[24];

	line_start(&o, STDERR_FILENO);
	line_puts(&o, "internal error at ");
	line_puts(&o, file);
	line_puts(&o, ":");
	line_put(&o, num, format_ulong(num, (unsigned long)line, 10));
	line_puts(&o, "\n");
	abort();
}

/* ---- threads: slots ------------------------------------------------------------------------ */

/*
 * Each thread allocates and frees through a slot, bareslab's "CPU"
 * (mm_port_cpu_id()): its part of every cache (a reservation of free objects
 * and an active pool per size class) behind its own spinlock.
 *
 *   slot_users[]   1  2  1  0  0  ...  0      threads counted in each slot
 *   thread_slot    SLOT_TAKEN | 1             each thread's own (initial-exec TLS)
 *
 * - A thread takes a slot at its first malloc or free (slot_take()): the
 *   lowest one nobody uses, claimed with a compare-and-swap. When every
 *   slot is in use, it shares the one with the fewest users (the lowest of
 *   those), so that the threads spread evenly. The counts only guide these
 *   choices: sharing a slot, even by a thread no count knows of, is always
 *   correct, since the slot's spinlock keeps its users apart.
 * - Sharers take the slot's mutex around their calls, in the hooks where a
 *   CPU would mask its interrupts (mm_port_irq_save(), mm_port_irq_restore():
 *   on a CPU, what keeps the other contexts of that CPU out): a thread that
 *   finds its slot held sleeps, instead of spinning for as long as the holder
 *   may stay preempted. A thread alone in its slot takes no mutex.
 * - At thread exit (slot_exit(), exit_key's destructor), the last user of a
 *   slot drains it (mm_cpu_drain(): its reservations and active pools go
 *   back to everyone), then leaves it free. A thread that allocates or frees
 *   later in its exit (in a destructor of a later key, or in glibc's own
 *   clean-up) still uses the slot, uncounted: what it leaves there, the
 *   slot's next user has.
 * - A child of fork() has only the forking thread: every other slot in use
 *   is drained and free again, and every slot's mutex new (slots_after_fork()).
 *
 * What this relies on in glibc (2.34 and later, where nptl is in libc.so.6):
 * pthread_key_create() takes a key from a static table, without malloc.
 * pthread_setspecific() of a key below 32 (PTHREAD_KEY_2NDLEVEL_SIZE) writes
 * into the thread's descriptor; a higher key's first value in a thread is
 * stored in a block it callocs, so a higher key is given back and not used:
 * threads then keep their slots to the end, and share once all are taken.
 * A key's destructor runs at a thread's end (pthread_exit() or return from
 * its start routine, not exit()) only when the thread set a value: threads
 * that never allocated cost nothing. Destructors run in key order, in up to
 * 4 rounds while they set new values; then __libc_thread_freeres() frees
 * libc's per-thread buffers.
 */
#define NR_SLOTS CONFIG_MM_NR_CPUS
#define KEYS_IN_DESCRIPTOR 32

/* thread_slot: the slot's number and these flags; 0 before the first call. */
#define SLOT_MASK 0xffffu
#define SLOT_TAKEN 0x10000u /* the thread has a slot */
#define SLOT_LEFT 0x20000u /* and no longer counts in it: it is exiting */

_Static_assert(NR_SLOTS >= 1 && NR_SLOTS - 1 <= SLOT_MASK, "a slot's number fits in SLOT_MASK");

static unsigned int slot_users[NR_SLOTS];
static pthread_mutex_t slot_mutex[NR_SLOTS]; /* for sharers; zeroes: PTHREAD_MUTEX_INITIALIZER */
static __thread unsigned int thread_slot __attribute__((tls_model("initial-exec")));
static __thread unsigned int thread_masked __attribute__((tls_model("initial-exec")));
static pthread_key_t exit_key;
static bool exit_key_set; /* exit_key exists and may be used: before any thread starts */

/* A slot for a new thread, counted. */
static unsigned int slot_take(void)
{
	unsigned int slot, best = 0, least = UINT_MAX;

	for (slot = 0; slot < NR_SLOTS; slot++) {
		unsigned int n = __atomic_load_n(&slot_users[slot], __ATOMIC_RELAXED);

		if (n == 0 && __atomic_compare_exchange_n(&slot_users[slot], &n, 1, false,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return slot;
		if (n < least) { /* n: what the failed exchange saw */
			least = n;
			best = slot;
		}
	}
	__atomic_fetch_add(&slot_users[best], 1, __ATOMIC_RELAXED);
	return best;
}

/* The thread's first malloc or free: a slot, and a value for exit_key so
 * that slot_exit() runs when the thread ends. */
static __attribute__((noinline)) unsigned int slot_first_use(void)
{
	unsigned int slot = slot_take();

	thread_slot = SLOT_TAKEN | slot;
	if (exit_key_set)
		pthread_setspecific(exit_key, &thread_slot);
	return slot;
}

/* Called at the start of every allocation and free: one thread-local load. */
unsigned int mm_port_cpu_id(void)
{
	unsigned int v = thread_slot;

	if (__builtin_expect(v != 0, 1))
		return v & SLOT_MASK;
	return slot_first_use();
}

/*
 * Around every call that takes a slot's spinlock, in the thread that takes
 * it; nested while the outer one holds (mm_freeze() takes every slot's
 * spinlock, each inside a call of its own). The outermost call takes the
 * mutex of the thread's slot when others use the slot too, and says so in
 * what it returns, so that the matching restore gives the same mutex back.
 */
unsigned long mm_port_irq_save(void)
{
	unsigned int slot;

	if (thread_masked++)
		return 0;
	slot = mm_port_cpu_id();
	if (__builtin_expect(__atomic_load_n(&slot_users[slot], __ATOMIC_RELAXED) <= 1, 1))
		return 0;
	pthread_mutex_lock(&slot_mutex[slot]);
	return slot + 1;
}

void mm_port_irq_restore(unsigned long flags)
{
	thread_masked--;
	if (flags)
		pthread_mutex_unlock(&slot_mutex[flags - 1]);
}

/* exit_key's destructor: the thread ends. The last user of its slot drains
 * it before leaving it free; should another thread take a share in the
 * meantime, the drain cost it its reservations, nothing more. */
static void slot_exit(void *unused)
{
	unsigned int v = thread_slot, slot = v & SLOT_MASK;
	unsigned int n;

	(void)unused;
	if (!(v & SLOT_TAKEN) || (v & SLOT_LEFT))
		return;
	thread_slot = v | SLOT_LEFT;
	n = __atomic_load_n(&slot_users[slot], __ATOMIC_RELAXED);
	while (n) {
		if (n == 1)
			mm_cpu_drain(slot);
		if (__atomic_compare_exchange_n(&slot_users[slot], &n, n - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
}

/* In a child of fork(), with the allocator thawed: only this thread is left.
 * Every slot's count and mutex are set right before any drain, which may
 * take this thread's own slot's mutex (mm_port_irq_save()). */
static void slots_after_fork(void)
{
	unsigned int v = thread_slot, mine = NR_SLOTS, slot;
	bool gone[NR_SLOTS];

	if ((v & SLOT_TAKEN) && !(v & SLOT_LEFT))
		mine = v & SLOT_MASK;
	for (slot = 0; slot < NR_SLOTS; slot++) {
		gone[slot] = slot != mine && slot_users[slot];
		slot_users[slot] = slot == mine;
		/* Maybe held by a thread the child does not have: make it anew, as
		 * glibc's own malloc does with its arenas' locks in a child. */
		pthread_mutex_init(&slot_mutex[slot], NULL);
	}
	for (slot = 0; slot < NR_SLOTS; slot++)
		if (gone[slot])
			mm_cpu_drain(slot);
}

/* From the constructor, before any thread but the main one exists. */
static void slots_init(void)
{
	if (pthread_key_create(&exit_key, slot_exit) != 0)
		return;
	if (exit_key >= KEYS_IN_DESCRIPTOR) {
		pthread_key_delete(exit_key);
		return;
	}
	exit_key_set = true;
	if (thread_slot) /* the main thread allocated before this constructor */
		pthread_setspecific(exit_key, &thread_slot);
}

/* ---- memory: the hooks of mm/libc/mm_libc.h ----------------------------------------------- */

/* Anonymous memory of @size bytes aligned to @align (a power of two, at
 * least a page), or NULL. The slack around it is unmapped again. */
static void *map_aligned(size_t size, size_t align, int flags)
{
	size_t len = size + align - PAGE_SIZE;
	uintptr_t start, aligned;
	void *p;

	if (len < size)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (aligned + size < start + len)
		munmap((void *)(aligned + size), start + len - aligned - size);
	return (void *)aligned;
}

/* Whether the heap can now serve @size bytes (another thread grew it). */
static bool heap_has_room(size_t size)
{
	int order = mm_largest_free_order();
	/* A pool takes up to a few pages, whatever the object size. */
	size_t need = size > (PAGE_SIZE << 4) ? size : PAGE_SIZE << 4;

	return order >= 0 && (PAGE_SIZE << order) >= need;
}

bool mm_libc_port_grow(size_t size)
{
	int saved = errno;
	bool grown = false;
	size_t len;
	void *p;

	pthread_mutex_lock(&grow_mutex);
	if (heap_has_room(size)) {
		grown = true;
		goto out;
	}
	len = next_region_size;
	p = map_aligned(len, REGION_ALIGN, MAP_NORESERVE);
	if (!p)
		goto out;
	if (mm_add_region(p, len) != 0) {
		munmap(p, len); /* CONFIG_MM_MAX_REGIONS reached: map blocks instead */
		goto out;
	}
	if (next_region_size < REGION_MAX)
		next_region_size *= 2;
	grown = true;
out:
	pthread_mutex_unlock(&grow_mutex);
	errno = saved;
	return grown;
}

void *mm_libc_port_map(size_t size)
{
	int saved = errno;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	errno = saved;
	return p == MAP_FAILED ? NULL : p;
}

void mm_libc_port_unmap(void *p, size_t size)
{
	int saved = errno;

	munmap(p, size);
	errno = saved;
}

/* ---- process life: fork and exit ------------------------------------------------------------ */

/* Before fork(): nobody may be half-way through the heap, or growing it. */
static void before_fork(void)
{
	pthread_mutex_lock(&grow_mutex);
	mm_freeze();
}

static void after_fork_parent(void)
{
	mm_thaw();
	pthread_mutex_unlock(&grow_mutex);
}

static void after_fork_child(void)
{
	mm_thaw();
	pthread_mutex_unlock(&grow_mutex);
	slots_after_fork();
}

static bool stats_wanted(void)
{
	const char *v = getenv("BARESLAB_STATS");

	return v && *v && strcmp(v, "0") != 0;
}

/*
 * Where the figures go at exit: stderr as it was at start-up. Many programs
 * close stderr before exit (coreutils do), so a copy of it is kept on a high,
 * close-on-exec descriptor, with the identity of the file to check that the
 * program did not close it and reuse the number.
 */
#define STATS_FD_MIN 256
static int stats_fd = -1;
static struct stat stats_file;

static bool same_file(int fd, const struct stat *st)
{
	struct stat now;

	return fd >= 0 && fstat(fd, &now) == 0 && now.st_dev == st->st_dev &&
	       now.st_ino == st->st_ino;
}

/* Registered from a constructor, not from malloc: pthread_atfork() itself
 * may allocate. Handlers registered later run before ours on fork, so ours
 * take the locks last, after anything that allocates in its own handler. */
__attribute__((constructor)) static void preload_init(void)
{
	slots_init();
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	if (stats_wanted() && fstat(STDERR_FILENO, &stats_file) == 0)
		stats_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, STATS_FD_MIN);
}

__attribute__((destructor)) static void preload_exit(void)
{
	struct line_out o;
	struct mm_printer p = { .write = printer_write, .ctx = &o };
	int fd = STDERR_FILENO;

	if (stats_fd < 0)
		return;
	if (!same_file(fd, &stats_file) && same_file(stats_fd, &stats_file))
		fd = stats_fd;
	line_start(&o, fd);
	line_puts(&o, "meminfo\n");
	mm_print_meminfo(&p);
	mm_libc_print_stats(&p);
	line_puts(&o, "slabinfo\n");
	mm_print_slabinfo(&p);
}
