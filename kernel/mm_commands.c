// SPDX-License-Identifier: MIT
/*
 * kernel/mm_commands.c - the allocator on the console: its /proc-style
 * figures and each CPU's, kmalloc and kfree by hand, caches made, filled, emptied and
 * destroyed by hand, and shrink.
 *
 * Each command checks every argument before it touches the heap, so a
 * mistyped line prints one error and changes nothing. The console frees only
 * what it allocated itself and has not freed yet: its blocks and objects are
 * kept in the fixed tables below (no allocation for bookkeeping), and an
 * address that is not in them never reaches kfree().
 *
 *   blocks[CONSOLE_BLOCKS]   address and size of each block `kmalloc` made
 *   caches[CONSOLE_CACHES]   name (the cache keeps a pointer to it), the
 *                            kmem_cache, and a stack of the objects that
 *                            `cache alloc` took; `cache free` pops them
 */
#include <mm/slab.h>
#include <mm/stats.h>

#include "cpu.h"
#include "lib.h"
#include "mm_commands.h"
#include "printk.h"
#include "shell.h"

/* A block from `kmalloc`; p == NULL: the slot is free. */
struct console_block {
	void *p;
	size_t size;
};

/* A cache from `cache create`; cache == NULL: the slot is free. */
struct console_cache {
	char name[CONSOLE_CACHE_NAME_MAX + 1];
	struct kmem_cache *cache;
	unsigned int nr_objs;
	void *objs[CONSOLE_CACHE_OBJECTS];
};

static struct console_block blocks[CONSOLE_BLOCKS];
static struct console_cache caches[CONSOLE_CACHES];

static void console_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (n--)
		console_putc(*s++);
}

const struct mm_printer console_printer = { .write = console_write, .ctx = NULL };

/* Parse @s as a number; print "@cmd: bad @what" when it is not one. */
static bool get_number(const char *cmd, const char *what, const char *s, unsigned long *v)
{
	if (parse_ulong(s, v))
		return true;
	printk("%s: bad %s '%s' (decimal or 0x hex)\n", cmd, what, s);
	return false;
}

/* ---- figures -------------------------------------------------------------------------- */

int cmd_meminfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_print_meminfo(&console_printer);
	return 0;
}

int cmd_slabinfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_print_slabinfo(&console_printer);
	return 0;
}

int cmd_buddyinfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_print_buddyinfo(&console_printer);
	return 0;
}

int cmd_heapmap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_print_heapmap(&console_printer);
	return 0;
}

/* One line of `cpus`: @name is the CPU's number, or "all". */
static void print_cpu(const char *name, const struct mm_cpu_stats *st)
{
	printk("%5s %12lu %12lu %9lu %6u\n", name, st->nr_allocs, st->nr_frees, st->reserved_objs,
	       st->active_pools);
}

int cmd_cpus(int argc, char **argv)
{
	struct mm_cpu_stats st, all = { 0 };
	unsigned int cpu, n = nr_cpus();
	char name[12];

	(void)argc;
	(void)argv;
	printk("cpus: %u CPU%s; objects of the caches (kmalloc classes included)\n", n,
	       n == 1 ? "" : "s");
	printk("%5s %12s %12s %9s %6s\n", "cpu", "allocations", "frees", "reserved", "pools");
	for (cpu = 0; cpu < n && mm_get_cpu_stats(cpu, &st); cpu++) {
		ksnprintf(name, sizeof(name), "%u", cpu);
		print_cpu(name, &st);
		all.nr_allocs += st.nr_allocs;
		all.nr_frees += st.nr_frees;
		all.reserved_objs += st.reserved_objs;
		all.active_pools += st.active_pools;
	}
	if (n > 1)
		print_cpu("all", &all);
	return 0;
}

int cmd_shrink(int argc, char **argv)
{
	struct mm_stats before, after;

	(void)argc;
	(void)argv;
	mm_get_stats(&before);
	mm_shrink();
	mm_get_stats(&after);
	printk("shrink: %zu pages given back, %zu of %zu free\n",
	       after.pages_free - before.pages_free, after.pages_free, after.pages_total);
	return 0;
}

/* ---- kmalloc and kfree ---------------------------------------------------------------- */

/* The console's slot holding block @p; with @p NULL, a free slot. NULL when none. */
static struct console_block *find_block(const void *p)
{
	unsigned int i;

	for (i = 0; i < CONSOLE_BLOCKS; i++)
		if (blocks[i].p == p)
			return &blocks[i];
	return NULL;
}

int cmd_kmalloc(int argc, char **argv)
{
	struct console_block *b = find_block(NULL);
	unsigned long size;
	void *p;

	(void)argc;
	if (!get_number("kmalloc", "size", argv[1], &size))
		return 1;
	if (size && !b) {
		printk("kmalloc: the console holds %d blocks already; kfree one first\n",
		       CONSOLE_BLOCKS);
		return 1;
	}
	p = kmalloc(size, GFP_KERNEL);
	if (!p) {
		printk("kmalloc: no memory for %lu bytes\n", size);
		return 1;
	}
	if (p == ZERO_SIZE_PTR) {
		printk("kmalloc(0) = %p: ZERO_SIZE_PTR, nothing to use or free\n", p);
		return 0;
	}
	b->p = p;
	b->size = size;
	printk("kmalloc(%lu) = %p, ksize %zu\n", size, p, ksize(p));
	return 0;
}

int cmd_kfree(int argc, char **argv)
{
	struct console_block *b = NULL;
	unsigned long addr;

	(void)argc;
	if (!get_number("kfree", "address", argv[1], &addr))
		return 1;
	if (addr)
		b = find_block((void *)addr);
	if (!b) {
		printk("kfree: %s is not a block that the console's kmalloc holds\n", argv[1]);
		return 1;
	}
	kfree(b->p);
	printk("kfree(%p): freed its %zu bytes\n", b->p, b->size);
	b->p = NULL;
	return 0;
}

/* ---- caches --------------------------------------------------------------------------- */

/* The console's cache named @name, or NULL. */
static struct console_cache *find_cache(const char *name)
{
	unsigned int i;

	for (i = 0; i < CONSOLE_CACHES; i++)
		if (caches[i].cache && !kstrcmp(caches[i].name, name))
			return &caches[i];
	return NULL;
}

/* find_cache(), or an error from `cache @op` when there is no such cache. */
static struct console_cache *get_cache(const char *op, const char *name)
{
	struct console_cache *c = find_cache(name);

	if (!c)
		printk("cache %s: unknown cache '%s' (the console knows the caches it created)\n",
		       op, name);
	return c;
}

/*
 * Parse the count of `cache alloc` and `cache free` (argv[2], 1 when absent)
 * into @n; it must be from 1 to @max.
 */
static bool get_count(int argc, char **argv, const struct console_cache *c, unsigned int max,
		      unsigned long *n)
{
	*n = 1;
	if (argc > 2 && !get_number(argv[0], "count", argv[2], n))
		return false;
	if (*n >= 1 && *n <= max)
		return true;
	printk("cache %s: cannot %s %lu: '%s' holds %u of at most %d console objects\n", argv[0],
	       argv[0], *n, c->name, c->nr_objs, CONSOLE_CACHE_OBJECTS);
	return false;
}

static int cache_create(int argc, char **argv)
{
	struct console_cache *c = NULL;
	unsigned long size, align = 0;
	unsigned int i;

	if (kstrlen(argv[1]) > CONSOLE_CACHE_NAME_MAX) {
		printk("cache create: name longer than %d characters\n", CONSOLE_CACHE_NAME_MAX);
		return 1;
	}
	if (find_cache(argv[1])) {
		printk("cache create: '%s' exists already\n", argv[1]);
		return 1;
	}
	if (!get_number("cache create", "size", argv[2], &size) ||
	    (argc > 3 && !get_number("cache create", "alignment", argv[3], &align)))
		return 1;
	if (size == 0 || (align & (align - 1))) {
		printk("cache create: the size must be above 0, the alignment a power of two\n");
		return 1;
	}
	for (i = 0; i < CONSOLE_CACHES && !c; i++)
		if (!caches[i].cache)
			c = &caches[i];
	if (!c) {
		printk("cache create: the console has %d caches already; destroy one first\n",
		       CONSOLE_CACHES);
		return 1;
	}
	for (i = 0; argv[1][i]; i++)
		c->name[i] = argv[1][i];
	c->name[i] = '\0';
	c->nr_objs = 0;
	c->cache = kmem_cache_create(c->name, size, align, 0, NULL);
	if (!c->cache) {
		printk("cache create: kmem_cache_create() failed: too large, or no memory\n");
		return 1;
	}
	printk("cache %s: %lu-byte objects, %zu usable\n", c->name, size,
	       kmem_cache_size(c->cache));
	return 0;
}

static int cache_alloc(int argc, char **argv)
{
	struct console_cache *c = get_cache("alloc", argv[1]);
	unsigned long n, i;

	if (!c || !get_count(argc, argv, c, CONSOLE_CACHE_OBJECTS - c->nr_objs, &n))
		return 1;
	for (i = 0; i < n; i++) {
		void *obj = kmem_cache_alloc(c->cache, GFP_KERNEL);

		if (!obj) {
			printk("cache alloc: no memory after %lu of %lu objects\n", i, n);
			return 1;
		}
		c->objs[c->nr_objs++] = obj;
	}
	printk("cache %s: %lu object%s, the last at %p; %u live\n", c->name, n, n == 1 ? "" : "s",
	       c->objs[c->nr_objs - 1], c->nr_objs);
	return 0;
}

static int cache_free(int argc, char **argv)
{
	struct console_cache *c = get_cache("free", argv[1]);
	unsigned long n, i;

	if (!c || !get_count(argc, argv, c, c->nr_objs, &n))
		return 1;
	for (i = 0; i < n; i++)
		kmem_cache_free(c->cache, c->objs[--c->nr_objs]);
	printk("cache %s: freed %lu object%s; %u live\n", c->name, n, n == 1 ? "" : "s",
	       c->nr_objs);
	return 0;
}

static int cache_destroy(int argc, char **argv)
{
	struct console_cache *c = get_cache("destroy", argv[1]);
	struct mm_stats before, after;

	(void)argc;
	if (!c)
		return 1;
	mm_get_stats(&before);
	kmem_cache_destroy(c->cache);
	mm_get_stats(&after);
	if (after.nr_reports_by_kind[MM_REPORT_CACHE_BUSY] !=
	    before.nr_reports_by_kind[MM_REPORT_CACHE_BUSY]) {
		printk("cache destroy: refused: '%s' has %u live objects; cache free them first\n",
		       c->name, c->nr_objs);
		return 1;
	}
	printk("cache %s: destroyed\n", c->name);
	c->cache = NULL;
	c->name[0] = '\0';
	return 0;
}

/* The operations of `cache`: argv[0] is the operation, argv[1] the cache's name. */
static const struct shell_command cache_ops[] = {
	{ "create", "<name> <size> [align]", 2, 3, cache_create, "make a cache" },
	{ "alloc", "<name> [n]", 1, 2, cache_alloc, "take n objects (default 1)" },
	{ "free", "<name> [n]", 1, 2, cache_free, "free the n objects taken last (default 1)" },
	{ "destroy", "<name>", 1, 1, cache_destroy, "destroy the cache" },
};

int cmd_cache(int argc, char **argv)
{
	const struct shell_command *op = shell_find(cache_ops, ARRAY_SIZE(cache_ops), argv[1]);

	if (!op) {
		printk("cache: unknown operation '%s' (create, alloc, free or destroy)\n", argv[1]);
		return 1;
	}
	if (argc - 2 < op->min_args || argc - 2 > op->max_args) {
		printk("cache %s: %s; usage: cache %s %s\n", op->name,
		       argc - 2 > op->max_args ? "too many arguments" : "missing argument",
		       op->name, op->usage);
		return 1;
	}
	return op->fn(argc - 1, argv + 1);
}
