// SPDX-License-Identifier: MIT
/*
 * kernel/commands.c - the shell's commands: one table, one line per command,
 * and the handlers of help and exit. The allocator's handlers are in
 * kernel/mm_commands.c, stress.c, churn.c and selftest.c. A handler prints its
 * own errors and returns 0 on success.
 */
#include "debug_commands.h"
#include "lib.h"
#include "mm_commands.h"
#include "printk.h"
#include "selftest.h"
#include "shell.h"
#include "stress.h"

static int cmd_help(int argc, char **argv);
static int cmd_exit(int argc, char **argv);
static int cmd_libc(int argc, char **argv);

const struct shell_command shell_commands[] = {
	/* name, usage, fewest and most arguments, handler, help */
	{ "help", "[command]", 0, 1, cmd_help, "list the commands, or show one" },
	{ "exit", "[status]", 0, 1, cmd_exit, "stop the machine with status 0-255 (default 0)" },
	{ "meminfo", "", 0, 0, cmd_meminfo, "the allocator's figures, like /proc/meminfo" },
	{ "slabinfo", "", 0, 0, cmd_slabinfo, "every cache, like /proc/slabinfo" },
	{ "buddyinfo", "", 0, 0, cmd_buddyinfo, "free page blocks per order in each region" },
	{ "heapmap", "", 0, 0, cmd_heapmap, "one character per page: a picture of the heap" },
	{ "kmalloc", "<size>", 1, 1, cmd_kmalloc, "allocate; print the address and ksize" },
	{ "kfree", "<addr>", 1, 1, cmd_kfree, "free a block that kmalloc above returned" },
	{ "cache", "<op> <name> [...]", 2, 4, cmd_cache, "create/alloc/free/destroy a cache" },
	{ "shrink", "", 0, 0, cmd_shrink, "give every empty pool back to the page allocator" },
	{ "stress", "<ops> [seed]", 1, 2, cmd_stress,
	  "random kmalloc/kfree workload, checked, on every CPU" },
	{ "irqstress", "<ops> [seed]", 1, 2, cmd_irqstress,
	  "stress while a timer interrupt allocates and frees too" },
	{ "churn", "<steps> [seed]", 1, 2, cmd_churn,
	  "kmalloc/kfree on every CPU, instructions counted per call" },
	{ "cpus", "", 0, 0, cmd_cpus, "each CPU's allocations, frees and reserved objects" },
	{ "selftest", "", 0, 0, cmd_selftest, "check the firmware: its RAM, report hook, heap" },
	{ "validate", "", 0, 0, cmd_validate, "check every region, pool and free list" },
	{ "leaks", "", 0, 0, cmd_leaks, "live objects by allocation site, biggest first" },
	{ "misuse", "<kind>", 1, 1, cmd_misuse,
	  "commit one heap bug on purpose and show its report" },
	{ "libc", "", 0, 0, cmd_libc, "printf, strdup, qsort...: the C library on bareslab" },
};

const size_t nr_shell_commands = ARRAY_SIZE(shell_commands);

/* Length of "name usage" as help prints it. */
static int synopsis_len(const struct shell_command *cmd)
{
	return (int)(kstrlen(cmd->name) + (cmd->usage[0] ? 1 + kstrlen(cmd->usage) : 0));
}

static void print_command(const struct shell_command *cmd, int width)
{
	printk("  %s%s%-*s  %s\n", cmd->name, cmd->usage[0] ? " " : "",
	       width - (int)kstrlen(cmd->name) - (cmd->usage[0] ? 1 : 0), cmd->usage, cmd->help);
}

static int cmd_help(int argc, char **argv)
{
	int width = 0;
	size_t i;

	if (argc > 1) {
		const struct shell_command *cmd =
			shell_find(shell_commands, nr_shell_commands, argv[1]);

		if (!cmd) {
			printk("help: unknown command '%s'\n", argv[1]);
			return 1;
		}
		print_command(cmd, synopsis_len(cmd));
		return 0;
	}
	for (i = 0; i < nr_shell_commands; i++)
		if (synopsis_len(&shell_commands[i]) > width)
			width = synopsis_len(&shell_commands[i]);
	printk("commands:\n");
	for (i = 0; i < nr_shell_commands; i++)
		print_command(&shell_commands[i], width);
	return 0;
}

static int cmd_exit(int argc, char **argv)
{
	unsigned long status = 0;

	if (argc > 1 && (!parse_ulong(argv[1], &status) || status > 255)) {
		printk("exit: bad status '%s' (0-255, decimal or 0x hex)\n", argv[1]);
		return 1;
	}
	shell_request_exit((int)status);
	return 0;
}

/* kernel/libc_demo.c, in the image linked with a C library (bareslab-libc.elf);
 * a null address in the others. */
extern int libc_demo(void) __attribute__((weak));

static int cmd_libc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!libc_demo) {
		printk("libc: no C library in this image; boot bareslab-libc.elf (make "
		       "libc-image)\n");
		return 1;
	}
	return libc_demo();
}
