// SPDX-License-Identifier: MIT
/*
 * kernel/main.c - the demo firmware's boot path: console, the CPUs, banner,
 * RAM handed to the allocator, the demo's objects, then the console shell
 * until someone types exit. With several CPUs (make SMP=N) only CPU 0 comes
 * here; the others wait for on_each_cpu() (kernel/cpu.h).
 */
#include <arch/arch.h>
#include <mm/config.h>
#include <mm/page_alloc.h>

#include "cpu.h"
#include "demo.h"
#include "printk.h"
#include "selftest.h"
#include "shell.h"

#define BARESLAB_VERSION "0.1"

/*
 * Without the page allocator the demo plays a small board: it gives the
 * allocator the first SMALL_BOARD_HEAP bytes of the first RAM region only.
 */
#define SMALL_BOARD_HEAP (64u << 10)

/* Print each RAM region the board has and give it to the allocator. */
static void add_ram_regions(void)
{
	struct arch_ram_region regions[CONFIG_MM_MAX_REGIONS];
	unsigned int n = arch_ram_regions(regions, CONFIG_MM_MAX_REGIONS);
	unsigned int i, added = 0;
	size_t total = 0;

	printk("RAM regions:\n");
	if (n > CONFIG_MM_MAX_REGIONS) {
		printk("  warning: %u regions, only the first %d are used\n", n,
		       CONFIG_MM_MAX_REGIONS);
		n = CONFIG_MM_MAX_REGIONS;
	}
	if (!CONFIG_MM_PAGE_ALLOC && n && regions[0].size > SMALL_BOARD_HEAP) {
		printk("  (a small board: %u KiB of the first region, no page allocator)\n",
		       SMALL_BOARD_HEAP >> 10);
		regions[0].size = SMALL_BOARD_HEAP;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		const struct arch_ram_region *r = &regions[i];
		unsigned long start = (unsigned long)r->start;
		int ret;

		printk("  %-8s  0x%08lx-0x%08lx  %4zu KiB\n", r->name, start, start + r->size,
		       r->size >> 10);
		ret = mm_add_region(r->start, r->size);
		if (ret < 0) {
			printk("  error: %s not added: mm_add_region() returned %d\n", r->name,
			       ret);
			continue;
		}
		added++;
		total += r->size;
	}
	printk("  total %zu KiB in %u region%s\n", total >> 10, added, added == 1 ? "" : "s");
	boot_ram_bytes = total; /* for the selftest command */
}

/* The instruction counter of the bare-metal boards; the host has none (arch/arch.h). */
extern void arch_cycles_init(struct arch_cycles_info *info) __attribute__((weak));
extern unsigned long arch_cycles(void) __attribute__((weak));

static struct cpu_ops board_cpus = {
	.nr_cpus = arch_nr_cpus,
	.cpu_id = arch_cpu_id,
	.irq_save = arch_irq_save,
	.irq_restore = arch_irq_restore,
	.on_each_cpu = arch_on_each_cpu,
	.timer_start = arch_timer_start,
	.timer_stop = arch_timer_stop,
};

/* Tell the commands about the board's CPUs (kernel/cpu.h), its counter included. */
static void cpus_init(void)
{
	struct arch_cycles_info info;

	if (arch_cycles_init && arch_cycles) {
		arch_cycles_init(&info);
		board_cpus.cycles = arch_cycles;
		board_cpus.cycles_mask = info.mask;
		board_cpus.cycles_name = info.name;
	}
	cpu_register(&board_cpus);
}

/* The build's allocator options that change what the console shows. */
static void print_config(void)
{
	printk("allocator: %s, debug layer %s, hardening %s, %d CPU%s\n",
	       CONFIG_MM_PAGE_ALLOC ? "page allocator" : "static region (no page allocator)",
	       CONFIG_MM_DEBUG ? "on" : "off", CONFIG_MM_HARDENED ? "on" : "off", CONFIG_MM_NR_CPUS,
	       CONFIG_MM_NR_CPUS == 1 ? "" : "s");
}

void kernel_main(void)
{
	console_register(arch_console_putc); /* printk() goes to the board's UART */
	cpus_init(); /* how many, interrupts, on_each_cpu(), timer, counter */
	printk("bareslab " BARESLAB_VERSION " on %s\n", arch_board_name()); /* banner */
	print_config(); /* page allocator or static region, debug layer, CPUs */
	add_ram_regions(); /* the allocator: every RAM region (a small board: 64 KiB) */
	demo_run(); /* caches of typical kernel objects, slabinfo, meminfo */
	printk("type 'help' for commands\n");
	arch_exit(shell_run(shell_commands, nr_shell_commands, arch_console_getc)); /* shell */
}
