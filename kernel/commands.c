// SPDX-License-Identifier: MIT
/*
 * kernel/commands.c - the shell's commands: one table, one line per command,
 * and their handlers. A handler prints its own errors and returns 0 on success.
 */
#include "lib.h"
#include "printk.h"
#include "shell.h"

static int cmd_help(int argc, char **argv);
static int cmd_exit(int argc, char **argv);

const struct shell_command shell_commands[] = {
	/* name, usage, fewest and most arguments, handler, help */
	{ "help", "[command]", 0, 1, cmd_help, "list the commands, or show one" },
	{ "exit", "[status]", 0, 1, cmd_exit, "stop the machine with status 0-255 (default 0)" },
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
