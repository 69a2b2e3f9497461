/* SPDX-License-Identifier: MIT */
/*
 * kernel/shell.h - the console shell: a line editor, a word splitter and a
 * dispatcher over one table of commands (kernel/commands.c).
 *
 * Nothing here touches the board: input comes from the getc function given to
 * shell_run(), output goes to the console through printk(), so the whole
 * shell runs in host unit tests.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stddef.h>
#include <stdbool.h>

#define SHELL_PROMPT "mm> "
#define SHELL_LINE_MAX 256 /* longest line in bytes, without its NUL */
#define SHELL_MAX_WORDS 16 /* words in a line, the command's name included */

/**
 * struct shell_command - one entry of the command table.
 * @name: what the user types.
 * @usage: its arguments for help and errors, e.g. "<size> [count]"; "" for none.
 * @min_args: fewest arguments it takes (words after the name).
 * @max_args: most arguments it takes; the shell enforces both bounds.
 * @fn: the handler. argv[0] is the name, argv[argc] is NULL, the words are
 *      writable. It prints its own errors and returns 0 on success, nonzero
 *      on failure.
 * @help: what it does, in one line.
 */
struct shell_command {
	const char *name;
	const char *usage;
	unsigned char min_args;
	unsigned char max_args;
	int (*fn)(int argc, char **argv);
	const char *help;
};

/* The firmware's commands, in kernel/commands.c. */
extern const struct shell_command shell_commands[];
extern const size_t nr_shell_commands;

/* What line_feed() made of the byte it was given. */
enum line_status {
	LINE_PENDING, /* the line goes on */
	LINE_DONE, /* a line ended; it is in ->buf, NUL-terminated */
	LINE_TOO_LONG, /* a line ended that had more than SHELL_LINE_MAX bytes; it is lost */
};

/**
 * struct line_editor - the state of the line being typed.
 * @buf: the line so far; after LINE_DONE, the whole line and a NUL.
 * @len: bytes in @buf.
 * @overflow: the line outgrew @buf; bytes are dropped until it ends.
 * @after_cr: the last byte was a CR ending a line, so an LF now is part of it.
 * @complete: @buf holds a finished line; the next byte starts a new one.
 * @esc: inside an escape sequence (arrow keys...): 1 after ESC, 2 after "ESC[".
 */
struct line_editor {
	char buf[SHELL_LINE_MAX + 1];
	size_t len;
	bool overflow;
	bool after_cr;
	bool complete;
	unsigned char esc;
};

/* line_init - start with an empty line. */
void line_init(struct line_editor *le);

/**
 * line_feed - take one byte typed by the user, and echo it.
 * @le: the editor.
 * @c: the byte.
 *
 * Printable bytes are added and echoed; a tab is added as a space. Backspace
 * (0x08 or 0x7f) erases the last byte and echoes "\b \b". CR or LF ends the
 * line and echoes a newline; an LF right after a CR is swallowed, so CRLF ends
 * only one line. Escape sequences and other control or non-ASCII bytes are
 * dropped. Bytes past SHELL_LINE_MAX are dropped, unechoed, and the line ends
 * as LINE_TOO_LONG.
 * Return: what the byte did to the line.
 */
enum line_status line_feed(struct line_editor *le, int c);

/* line_pending - whether bytes were taken since the last line ended. */
bool line_pending(const struct line_editor *le);

/**
 * shell_split - cut @line into words separated by spaces and tabs, in place.
 * @line: the line; NULs are written after each word.
 * @argv: gets a pointer to each word, then NULL; room for @max + 1 entries.
 * @max: most words accepted.
 * Return: the number of words (0 for a blank line), or -1 when there are more
 * than @max (@argv then holds the first @max and no NULL).
 */
int shell_split(char *line, char **argv, int max);

/**
 * shell_find - look a command up by name.
 * Return: its entry in @cmds (@n entries), or NULL when there is none.
 */
const struct shell_command *shell_find(const struct shell_command *cmds, size_t n,
				       const char *name);

/**
 * shell_execute - split @line and run the command it names.
 * @cmds: the command table.
 * @n: its number of entries.
 * @line: the line; modified by the split.
 *
 * Prints an error (and runs nothing) for too many words, an unknown command
 * or a wrong number of arguments.
 * Return: 0 for a blank line or a command that succeeded, nonzero otherwise.
 */
int shell_execute(const struct shell_command *cmds, size_t n, char *line);

/**
 * shell_request_exit - make shell_run() return @status once the command that
 * called this returns.
 */
void shell_request_exit(int status);

/**
 * shell_run - the shell: prompt, read a line, run it, until told to stop.
 * @cmds: the command table.
 * @n: its number of entries.
 * @getc: reads one input byte, blocking; returns -1 when input has ended.
 *
 * When input ends, a half-typed line is run as if it had been ended.
 * Return: the status given to shell_request_exit(); 0 when input ended
 * without one (after a newline is printed).
 */
int shell_run(const struct shell_command *cmds, size_t n, int (*getc)(void));

#endif /* KERNEL_SHELL_H */
