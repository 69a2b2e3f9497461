/* SPDX-License-Identifier: MIT */
/*
 * kernel/debug_commands.h - validate, leaks and misuse on the console
 * (kernel/debug_commands.c).
 */
#ifndef KERNEL_DEBUG_COMMANDS_H
#define KERNEL_DEBUG_COMMANDS_H

int cmd_validate(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_misuse(int argc, char **argv);

#endif /* KERNEL_DEBUG_COMMANDS_H */
