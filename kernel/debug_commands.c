// SPDX-License-Identifier: MIT
/*
 * kernel/debug_commands.c - the allocator's debugging on the console:
 * `validate` checks the whole heap, `leaks` lists live objects by allocation
 * site, and `misuse <kind>` commits one heap bug on purpose, so that the
 * report it gets can be read on the serial line and the heap shown intact
 * after it.
 *
 * The bugs are committed on objects of two small caches made for the purpose
 * ("victim" and "victim2", with SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER),
 * so they never touch the demo's objects. The red zone and poison kinds need
 * the debug layer (CONFIG_MM_DEBUG=1, as the demo is built); without it the
 * command says so and does nothing.
 */
#include <mm/debug.h>
#include <mm/slab.h>

#include "debug_commands.h"
#include "lib.h"
#include "mm_commands.h"
#include "printk.h"

#define VICTIM_SIZE 48

static struct kmem_cache *victim, *victim2;

/* The two caches, made on first use. */
static bool victims_ready(void)
{
	slab_flags_t debug = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;

	if (!victim)
		victim = kmem_cache_create("victim", VICTIM_SIZE, 0, debug, NULL);
	if (!victim2)
		victim2 = kmem_cache_create("victim2", VICTIM_SIZE, 0, debug, NULL);
	if (victim && victim2)
		return true;
	printk("misuse: no memory for the victim caches\n");
	return false;
}

static void misuse_double_free(void)
{
	void *p = kmem_cache_alloc(victim, GFP_KERNEL);

	kmem_cache_free(victim, p);
	kmem_cache_free(victim, p);
}

static void misuse_late_double_free(void)
{
	void *p = kmem_cache_alloc(victim, GFP_KERNEL);
	void *q = kmem_cache_alloc(victim, GFP_KERNEL);

	kmem_cache_free(victim, p);
	kmem_cache_free(victim, q);
	kmem_cache_free(victim, p); /* p is no longer the head of the free list */
}

static void misuse_overflow(void)
{
	char *p = kmem_cache_alloc(victim, GFP_KERNEL);

	p[VICTIM_SIZE] = 'x'; /* one byte past the end */
	kmem_cache_free(victim, p);
}

static void misuse_use_after_free(void)
{
	char *p = kmem_cache_alloc(victim, GFP_KERNEL);

	kmem_cache_free(victim, p);
	p[4] = 'x';
	kmem_cache_free(victim, kmem_cache_alloc(victim, GFP_KERNEL)); /* that slot again */
}

static void misuse_foreign(void)
{
	static char not_heap[16] = "not in the heap";

	kfree(not_heap);
}

static void misuse_interior(void)
{
	char *p = kmem_cache_alloc(victim, GFP_KERNEL);

	kfree(p + 8);
	kmem_cache_free(victim, p);
}

static void misuse_wrong_cache(void)
{
	void *p = kmem_cache_alloc(victim, GFP_KERNEL);

	kmem_cache_free(victim2, p);
	kmem_cache_free(victim, p);
}

static const struct misuse {
	const char *name;
	bool needs_debug;
	void (*fn)(void);
} misuses[] = {
	{ "double-free", false, misuse_double_free },
	{ "late-double-free", false, misuse_late_double_free }, /* caught in every build */
	{ "overflow", true, misuse_overflow },
	{ "use-after-free", true, misuse_use_after_free },
	{ "foreign", false, misuse_foreign },
	{ "interior", false, misuse_interior },
	{ "wrong-cache", false, misuse_wrong_cache },
};

int cmd_misuse(int argc, char **argv)
{
	size_t i;

	(void)argc;
	for (i = 0; i < ARRAY_SIZE(misuses); i++) {
		if (kstrcmp(argv[1], misuses[i].name) != 0)
			continue;
		if (misuses[i].needs_debug && !CONFIG_MM_DEBUG) {
			printk("misuse: %s needs the debug layer (CONFIG_MM_DEBUG=1)\n", argv[1]);
			return 1;
		}
		if (!victims_ready())
			return 1;
		misuses[i].fn();
		printk("misuse: done; mm_validate() finds %d problems\n", mm_validate());
		return 0;
	}
	printk("misuse: unknown kind '%s'; one of:", argv[1]);
	for (i = 0; i < ARRAY_SIZE(misuses); i++)
		printk(" %s", misuses[i].name);
	printk("\n");
	return 1;
}

int cmd_validate(int argc, char **argv)
{
	int n;

	(void)argc;
	(void)argv;
	n = mm_validate();
	printk("validate: %d problems\n", n);
	return n != 0;
}

int cmd_leaks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_print_live(&console_printer);
	return 0;
}
