// SPDX-License-Identifier: MIT
/*
 * kernel/shell.c - the console shell: line editing, word splitting and
 * dispatch through the command table. No board access: bytes come from the
 * getc given to shell_run() and go out through the console (printk.h).
 */
#include "lib.h"
#include "printk.h"
#include "shell.h"

#define KEY_BS 0x08
#define KEY_TAB 0x09
#define KEY_LF 0x0a
#define KEY_CR 0x0d
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

/* Where line_editor.esc is in an escape sequence. */
enum {
	ESC_NONE, /* not in one */
	ESC_START, /* after ESC */
	ESC_CSI, /* after "ESC[": parameters until a final byte */
	ESC_SS3, /* after "ESCO": one more byte */
};

void line_init(struct line_editor *le)
{
	le->buf[0] = '\0';
	le->len = 0;
	le->overflow = false;
	le->after_cr = false;
	le->complete = false;
	le->esc = ESC_NONE;
}

bool line_pending(const struct line_editor *le)
{
	return !le->complete && (le->len || le->overflow);
}

/*
 * Drop @c if it belongs to an escape sequence (ESC, "ESC[" then parameters and
 * a final byte, or "ESCO" then one byte); return whether it did. A control byte
 * cuts a sequence short and is handled as usual, so ESC then Enter still ends
 * the line.
 */
static bool line_escape(struct line_editor *le, int c)
{
	if (c == KEY_ESC) {
		le->esc = ESC_START;
		return true;
	}
	if (c < 0x20) {
		le->esc = ESC_NONE;
		return false;
	}
	switch (le->esc) {
	case ESC_START:
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		return true;
	case ESC_CSI:
		/* Parameter and intermediate bytes go on; a final byte (0x40-0x7e) ends it. */
		if (c > 0x3f)
			le->esc = ESC_NONE;
		return true;
	case ESC_SS3:
		le->esc = ESC_NONE;
		return true;
	default:
		return false;
	}
}

enum line_status line_feed(struct line_editor *le, int c)
{
	bool after_cr = le->after_cr;

	if (le->complete) {
		le->len = 0;
		le->overflow = false;
		le->complete = false;
	}
	le->after_cr = false;
	if (line_escape(le, c))
		return LINE_PENDING;

	switch (c) {
	case KEY_LF:
		if (after_cr)
			return LINE_PENDING;
		/* fall through */
	case KEY_CR:
		le->after_cr = c == KEY_CR;
		le->complete = true;
		le->buf[le->len] = '\0';
		console_putc('\n');
		return le->overflow ? LINE_TOO_LONG : LINE_DONE;
	case KEY_BS:
	case KEY_DEL:
		if (le->len && !le->overflow) {
			le->len--;
			console_puts("\b \b");
		}
		return LINE_PENDING;
	case KEY_TAB:
		c = ' ';
		break;
	default:
		if (c < 0x20 || c > 0x7e)
			return LINE_PENDING;
		break;
	}

	if (le->len == SHELL_LINE_MAX)
		le->overflow = true;
	if (le->overflow)
		return LINE_PENDING;
	le->buf[le->len++] = (char)c;
	console_putc((char)c);
	return LINE_PENDING;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int shell_split(char *line, char **argv, int max)
{
	int argc = 0;

	for (;;) {
		while (is_blank(*line))
			line++;
		if (!*line)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = line;
		while (*line && !is_blank(*line))
			line++;
		if (*line)
			*line++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

const struct shell_command *shell_find(const struct shell_command *cmds, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!kstrcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int shell_execute(const struct shell_command *cmds, size_t n, char *line)
{
	char *argv[SHELL_MAX_WORDS + 1];
	const struct shell_command *cmd;
	int argc = shell_split(line, argv, SHELL_MAX_WORDS);

	if (argc == 0)
		return 0;
	if (argc < 0) {
		printk("error: too many words (at most %d)\n", SHELL_MAX_WORDS);
		return 1;
	}
	cmd = shell_find(cmds, n, argv[0]);
	if (!cmd) {
		printk("unknown command '%s'; type 'help' for the list\n", argv[0]);
		return 1;
	}
	if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
		printk("%s: %s; usage: %s%s%s\n", cmd->name,
		       argc - 1 > cmd->max_args ? "too many arguments" : "missing argument",
		       cmd->name, cmd->usage[0] ? " " : "", cmd->usage);
		return 1;
	}
	return cmd->fn(argc, argv);
}

/* Set by shell_request_exit(): shell_run() returns exit_status. */
static bool exit_requested;
static int exit_status;

void shell_request_exit(int status)
{
	exit_requested = true;
	exit_status = status;
}

/* Act on the end of a line; return whether the shell should stop. */
static bool shell_line_end(const struct shell_command *cmds, size_t n, struct line_editor *le,
			   enum line_status st)
{
	if (st == LINE_TOO_LONG)
		printk("error: line too long (at most %d characters)\n", SHELL_LINE_MAX);
	else
		shell_execute(cmds, n, le->buf);
	return exit_requested;
}

int shell_run(const struct shell_command *cmds, size_t n, int (*getc)(void))
{
	static struct line_editor le;
	enum line_status st;

	exit_requested = false;
	line_init(&le);
	console_puts(SHELL_PROMPT);
	for (;;) {
		int c = getc();

		if (c < 0)
			break;
		st = line_feed(&le, c);
		if (st == LINE_PENDING)
			continue;
		if (shell_line_end(cmds, n, &le, st))
			return exit_status;
		console_puts(SHELL_PROMPT);
	}

	/* Input ended: finish a half-typed line, or just end the prompt's line. */
	if (line_pending(&le)) {
		st = line_feed(&le, '\n');
		if (shell_line_end(cmds, n, &le, st))
			return exit_status;
	} else {
		console_putc('\n');
	}
	return 0;
}
