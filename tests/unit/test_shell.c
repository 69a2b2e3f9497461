// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_shell.c - the console shell (kernel/shell.c, commands.c)
 * and the string helpers it uses (kernel/lib.c): line editing and echo, word
 * splitting, number parsing, dispatch and its errors, and whole sessions fed
 * from a string.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib.h"
#include "printk.h"
#include "shell.h"

/* Everything printed to the console, "\r\n" included. */
static char console[16384];
static size_t console_len;

static void capture_putc(char c)
{
	if (console_len < sizeof(console) - 1)
		console[console_len++] = c;
}

static void capture_console(void)
{
	console_len = 0;
	memset(console, 0, sizeof(console));
	console_register(capture_putc);
}

/* Feed @n bytes to @le; return the status of the last one and count line ends. */
static enum line_status feed(struct line_editor *le, const char *s, size_t n, int *ends)
{
	enum line_status st = LINE_PENDING;
	size_t i;

	for (i = 0; i < n; i++) {
		st = line_feed(le, (unsigned char)s[i]);
		if (st != LINE_PENDING && ends)
			(*ends)++;
	}
	return st;
}

static enum line_status feed_str(struct line_editor *le, const char *s)
{
	return feed(le, s, strlen(s), NULL);
}

TestSuite(line, .init = capture_console);

Test(line, echoes_printable_bytes)
{
	struct line_editor le;

	line_init(&le);
	cr_expect_eq(feed_str(&le, "help me"), LINE_PENDING);
	cr_expect_str_eq(console, "help me");
	cr_expect(line_pending(&le));
	cr_expect_eq(line_feed(&le, '\r'), LINE_DONE);
	cr_expect_str_eq(le.buf, "help me");
	cr_expect_str_eq(console, "help me\r\n");
	cr_expect_not(line_pending(&le));
}

Test(line, backspace_erases_with_bs_space_bs)
{
	struct line_editor le;

	line_init(&le);
	cr_expect_eq(feed_str(&le, "ab\bc\177d\n"), LINE_DONE);
	cr_expect_str_eq(le.buf, "ad");
	cr_expect_str_eq(console, "ab\b \bc\b \bd\r\n");
}

Test(line, backspace_on_an_empty_line_does_nothing)
{
	struct line_editor le;

	line_init(&le);
	cr_expect_eq(feed_str(&le, "\b\x7f\bx\b\b\by\n"), LINE_DONE);
	cr_expect_str_eq(le.buf, "y");
	cr_expect_str_eq(console, "x\b \by\r\n");
}

Test(line, cr_lf_and_crlf_each_end_one_line)
{
	struct line_editor le;
	int ends = 0;

	line_init(&le);
	feed(&le, "a\r\nb\nc\rd\r\n", 10, &ends);
	cr_expect_eq(ends, 4);
	cr_expect_str_eq(le.buf, "d");
	cr_expect_str_eq(console, "a\r\nb\r\nc\r\nd\r\n");
}

Test(line, crlf_then_lf_is_a_second_empty_line)
{
	struct line_editor le;

	line_init(&le);
	cr_expect_eq(feed_str(&le, "x\r"), LINE_DONE);
	cr_expect_eq(line_feed(&le, '\n'), LINE_PENDING); /* the LF of CRLF */
	cr_expect_eq(line_feed(&le, '\n'), LINE_DONE); /* a line of its own */
	cr_expect_str_eq(le.buf, "");
	cr_expect_eq(line_feed(&le, '\r'), LINE_DONE);
	cr_expect_eq(line_feed(&le, '\r'), LINE_DONE); /* CR CR: two lines */
	cr_expect_str_eq(le.buf, "");
}

Test(line, a_finished_line_stays_until_the_next_byte)
{
	struct line_editor le;

	line_init(&le);
	feed_str(&le, "first\n");
	cr_expect_str_eq(le.buf, "first");
	cr_expect_eq(feed_str(&le, "2nd\n"), LINE_DONE);
	cr_expect_str_eq(le.buf, "2nd");
}

Test(line, control_and_non_ascii_bytes_are_ignored)
{
	struct line_editor le;
	static const char in[] = "a\001\002\007\014\200\377b\000\n";

	line_init(&le);
	cr_expect_eq(feed(&le, in, sizeof(in) - 1, NULL), LINE_DONE);
	cr_expect_str_eq(le.buf, "ab");
	cr_expect_str_eq(console, "ab\r\n");
}

Test(line, tab_becomes_a_space)
{
	struct line_editor le;

	line_init(&le);
	feed_str(&le, "a\tb\n");
	cr_expect_str_eq(le.buf, "a b");
	cr_expect_str_eq(console, "a b\r\n");
}

Test(line, escape_sequences_are_dropped)
{
	struct line_editor le;

	line_init(&le);
	/* up arrow, right arrow, F5, SS3 up, a lone ESC then x */
	feed_str(&le, "a\x1b[A\x1b[C\x1b[15~\x1bOAb\x1bxc");
	cr_expect_eq(feed_str(&le, "\n"), LINE_DONE);
	cr_expect_str_eq(le.buf, "abc");
	cr_expect_str_eq(console, "abc\r\n");
}

Test(line, escape_then_enter_still_ends_the_line)
{
	struct line_editor le;

	line_init(&le);
	cr_expect_eq(feed_str(&le, "ab\x1b\r"), LINE_DONE);
	cr_expect_str_eq(le.buf, "ab");
	cr_expect_eq(feed_str(&le, "\x1b[1\r"), LINE_DONE);
	cr_expect_str_eq(le.buf, "");
}

Test(line, a_full_line_fits)
{
	struct line_editor le;
	char in[SHELL_LINE_MAX + 1];

	memset(in, 'a', SHELL_LINE_MAX);
	in[SHELL_LINE_MAX] = '\n';
	line_init(&le);
	cr_expect_eq(feed(&le, in, sizeof(in), NULL), LINE_DONE);
	cr_expect_eq(strlen(le.buf), SHELL_LINE_MAX);
}

Test(line, too_long_is_consumed_to_the_end_of_the_line)
{
	struct line_editor le;
	char in[SHELL_LINE_MAX + 100];
	int ends = 0;

	memset(in, 'b', sizeof(in));
	line_init(&le);
	cr_expect_eq(feed(&le, in, sizeof(in), &ends), LINE_PENDING);
	cr_expect_eq(ends, 0);
	cr_expect(line_pending(&le));
	cr_expect_eq(console_len, SHELL_LINE_MAX, "echoed %zu bytes", console_len);
	/* Backspace cannot bring an overflowed line back. */
	cr_expect_eq(feed_str(&le, "\b\b\r"), LINE_TOO_LONG);
	cr_expect_eq(line_feed(&le, '\n'), LINE_PENDING);
	cr_expect_eq(le.buf[SHELL_LINE_MAX], '\0');
	/* The next line is fine again. */
	cr_expect_eq(feed_str(&le, "ok\n"), LINE_DONE);
	cr_expect_str_eq(le.buf, "ok");
}

Test(line, one_byte_over_is_too_long)
{
	struct line_editor le;
	char in[SHELL_LINE_MAX + 2];

	memset(in, 'c', SHELL_LINE_MAX + 1);
	in[SHELL_LINE_MAX + 1] = '\r';
	line_init(&le);
	cr_expect_eq(feed(&le, in, sizeof(in), NULL), LINE_TOO_LONG);
}

Test(split, words_between_spaces_and_tabs)
{
	char line[] = "  kmalloc\t 100  \t0x20 ";
	char *argv[8];

	cr_assert_eq(shell_split(line, argv, 7), 3);
	cr_expect_str_eq(argv[0], "kmalloc");
	cr_expect_str_eq(argv[1], "100");
	cr_expect_str_eq(argv[2], "0x20");
	cr_expect_null(argv[3]);
}

Test(split, blank_lines_have_no_words)
{
	char empty[] = "", blanks[] = " \t  \t";
	char *argv[4];

	cr_expect_eq(shell_split(empty, argv, 3), 0);
	cr_expect_null(argv[0]);
	cr_expect_eq(shell_split(blanks, argv, 3), 0);
	cr_expect_null(argv[0]);
}

Test(split, one_word)
{
	char line[] = "help";
	char *argv[2];

	cr_expect_eq(shell_split(line, argv, 1), 1);
	cr_expect_str_eq(argv[0], "help");
	cr_expect_null(argv[1]);
}

Test(split, too_many_words)
{
	char ok[] = "a b c d", over[] = "a b c d e";
	char *argv[5];

	cr_expect_eq(shell_split(ok, argv, 4), 4);
	cr_expect_null(argv[4]);
	cr_expect_eq(shell_split(over, argv, 4), -1);
}

/* parse_ulong(): @s parses to @expected. */
static void expect_number(const char *s, unsigned long expected)
{
	unsigned long v = 12345;

	cr_expect(parse_ulong(s, &v), "\"%s\" rejected", s);
	cr_expect_eq(v, expected, "\"%s\" gave %lu", s, v);
}

static void expect_not_number(const char *s)
{
	unsigned long v = 12345;

	cr_expect_not(parse_ulong(s, &v), "\"%s\" accepted", s);
	cr_expect_eq(v, 12345, "\"%s\" changed the result", s);
}

Test(parse, decimal)
{
	expect_number("0", 0);
	expect_number("7", 7);
	expect_number("4096", 4096);
	expect_number("007", 7); /* not octal */
	expect_number("4294967295", 4294967295UL);
}

Test(parse, hex)
{
	expect_number("0x0", 0);
	expect_number("0x1F", 31);
	expect_number("0Xab", 171);
	expect_number("0x20001000", 0x20001000UL);
	expect_number("0xDeadBeef", 0xdeadbeefUL);
	expect_number("0x000000000000000000001", 1);
}

Test(parse, garbage)
{
	expect_not_number(NULL);
	expect_not_number("");
	expect_not_number("0x");
	expect_not_number("x10");
	expect_not_number("-1");
	expect_not_number("+1");
	expect_not_number(" 1");
	expect_not_number("1 ");
	expect_not_number("12a");
	expect_not_number("0x1g");
	expect_not_number("1.5");
	expect_not_number("0b101");
	expect_not_number("abc");
}

Test(parse, limits_and_overflow)
{
	char s[64];

	snprintf(s, sizeof(s), "%lu", ULONG_MAX);
	expect_number(s, ULONG_MAX);
	snprintf(s, sizeof(s), "%#lx", ULONG_MAX);
	expect_number(s, ULONG_MAX);
	snprintf(s, sizeof(s), "%lu0", ULONG_MAX); /* ten times too big */
	expect_not_number(s);
	snprintf(s, sizeof(s), "%#lx0", ULONG_MAX);
	expect_not_number(s);
	if (sizeof(long) == 8) {
		expect_not_number("18446744073709551616");
		expect_not_number("0x10000000000000000");
	} else {
		expect_not_number("4294967296");
		expect_not_number("0x100000000");
	}
	expect_not_number("99999999999999999999999999");
}

Test(lib, strlen_and_strcmp)
{
	cr_expect_eq(kstrlen(""), 0);
	cr_expect_eq(kstrlen("slab"), 4);
	cr_expect_eq(kstrcmp("help", "help"), 0);
	cr_expect_eq(kstrcmp("", ""), 0);
	cr_expect_lt(kstrcmp("hel", "help"), 0);
	cr_expect_gt(kstrcmp("help", "hel"), 0);
	cr_expect_lt(kstrcmp("abc", "abd"), 0);
	cr_expect_gt(kstrcmp("\xff", "a"), 0); /* bytes compare unsigned */
}

/* A command table of our own, with handlers that record their calls. */
static int calls;
static int last_argc;
static char last_args[SHELL_MAX_WORDS][32];

static int record(int argc, char **argv)
{
	int i;

	calls++;
	last_argc = argc;
	for (i = 0; i < argc && i < SHELL_MAX_WORDS; i++)
		snprintf(last_args[i], sizeof(last_args[i]), "%s", argv[i]);
	cr_expect_null(argv[argc], "argv[argc] is not NULL");
	return 0;
}

static int fail(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	calls++;
	return 5;
}

static const struct shell_command test_cmds[] = {
	{ "none", "", 0, 0, record, "takes nothing" },
	{ "one", "<n>", 1, 1, record, "takes one" },
	{ "some", "<a> [b] [c]", 1, 3, record, "takes one to three" },
	{ "many", "[words...]", 0, SHELL_MAX_WORDS - 1, record, "takes all it can" },
	{ "fail", "", 0, 0, fail, "always fails" },
};
#define NR_TEST_CMDS ARRAY_SIZE(test_cmds)

static int run_line(const char *s)
{
	char line[SHELL_LINE_MAX + 1];

	snprintf(line, sizeof(line), "%s", s);
	return shell_execute(test_cmds, NR_TEST_CMDS, line);
}

TestSuite(dispatch, .init = capture_console);

Test(dispatch, find_by_name)
{
	cr_expect_eq(shell_find(test_cmds, NR_TEST_CMDS, "one"), &test_cmds[1]);
	cr_expect_eq(shell_find(test_cmds, NR_TEST_CMDS, "fail"), &test_cmds[4]);
	cr_expect_null(shell_find(test_cmds, NR_TEST_CMDS, "on"));
	cr_expect_null(shell_find(test_cmds, NR_TEST_CMDS, "ones"));
	cr_expect_null(shell_find(test_cmds, NR_TEST_CMDS, ""));
	cr_expect_null(shell_find(test_cmds, 0, "one"));
}

Test(dispatch, runs_the_handler_with_its_words)
{
	cr_expect_eq(run_line("  some\t1  two "), 0);
	cr_expect_eq(calls, 1);
	cr_expect_eq(last_argc, 3);
	cr_expect_str_eq(last_args[0], "some");
	cr_expect_str_eq(last_args[1], "1");
	cr_expect_str_eq(last_args[2], "two");
	cr_expect_str_eq(console, "");
}

Test(dispatch, returns_what_the_handler_returns)
{
	cr_expect_eq(run_line("fail"), 5);
	cr_expect_eq(calls, 1);
}

Test(dispatch, blank_line_does_nothing)
{
	cr_expect_eq(run_line(""), 0);
	cr_expect_eq(run_line("   \t "), 0);
	cr_expect_eq(calls, 0);
	cr_expect_str_eq(console, "");
}

Test(dispatch, unknown_command)
{
	cr_expect_neq(run_line("xyz 1 2"), 0);
	cr_expect_eq(calls, 0);
	cr_expect_str_eq(console, "unknown command 'xyz'; type 'help' for the list\r\n");
}

Test(dispatch, too_many_arguments)
{
	cr_expect_neq(run_line("one 1 2"), 0);
	cr_expect_neq(run_line("none x"), 0);
	cr_expect_eq(calls, 0);
	cr_expect_str_eq(console, "one: too many arguments; usage: one <n>\r\n"
				  "none: too many arguments; usage: none\r\n");
}

Test(dispatch, missing_argument)
{
	cr_expect_neq(run_line("some"), 0);
	cr_expect_eq(calls, 0);
	cr_expect_str_eq(console, "some: missing argument; usage: some <a> [b] [c]\r\n");
}

Test(dispatch, argument_count_bounds)
{
	cr_expect_eq(run_line("some a"), 0);
	cr_expect_eq(run_line("some a b c"), 0);
	cr_expect_neq(run_line("some a b c d"), 0);
	cr_expect_eq(calls, 2);
}

Test(dispatch, too_many_words)
{
	char line[SHELL_LINE_MAX];
	int i, n = 0;

	n += snprintf(line + n, sizeof(line) - n, "many");
	for (i = 1; i < SHELL_MAX_WORDS; i++)
		n += snprintf(line + n, sizeof(line) - n, " w%d", i);
	cr_expect_eq(run_line(line), 0);
	cr_expect_eq(last_argc, SHELL_MAX_WORDS);
	cr_expect_str_eq(last_args[SHELL_MAX_WORDS - 1], "w15");

	snprintf(line + n, sizeof(line) - n, " one-more");
	cr_expect_neq(run_line(line), 0);
	cr_expect_eq(calls, 1);
	cr_expect(strstr(console, "too many words"), "got: %s", console);
}

/* Whole sessions: shell_run() reading from a string. */
static const char *input;
static size_t input_len, input_pos;

static int string_getc(void)
{
	if (input_pos == input_len)
		return -1;
	return (unsigned char)input[input_pos++];
}

static int session(const char *s, size_t len)
{
	input = s;
	input_len = len;
	input_pos = 0;
	return shell_run(shell_commands, nr_shell_commands, string_getc);
}

#define SESSION(s) session(s, sizeof(s) - 1)

TestSuite(session, .init = capture_console);

Test(session, end_of_input_exits_0_after_a_newline)
{
	cr_expect_eq(SESSION(""), 0);
	cr_expect_str_eq(console, "mm> \r\n");
}

Test(session, empty_lines_just_prompt_again)
{
	cr_expect_eq(SESSION("\r\n\n"), 0);
	cr_expect_str_eq(console, "mm> \r\nmm> \r\nmm> \r\n");
}

Test(session, exit_defaults_to_0)
{
	cr_expect_eq(SESSION("exit\r\nhelp\r\n"), 0);
	cr_expect_str_eq(console, "mm> exit\r\n");
	cr_expect_eq(input_pos, 5, "read past the exit line: %zu", input_pos);
}

Test(session, exit_with_a_status)
{
	cr_expect_eq(SESSION("exit 3\n"), 3);
	cr_expect_eq(SESSION("exit 0x10\n"), 16);
	cr_expect_eq(SESSION("exit 255\n"), 255);
	cr_expect_eq(SESSION("exit 0\n"), 0);
}

Test(session, exit_with_a_bad_status_does_not_exit)
{
	cr_expect_eq(SESSION("exit abc\nexit 256\nexit -1\nexit 7\n"), 7);
	cr_expect(strstr(console, "exit: bad status 'abc'"), "got: %s", console);
	cr_expect(strstr(console, "exit: bad status '256'"), "got: %s", console);
	cr_expect(strstr(console, "exit: bad status '-1'"), "got: %s", console);
}

Test(session, exit_with_too_many_arguments_does_not_exit)
{
	cr_expect_eq(SESSION("exit 1 2\n"), 0);
	cr_expect(strstr(console, "exit: too many arguments"), "got: %s", console);
}

Test(session, unknown_command_then_prompt)
{
	cr_expect_eq(SESSION("xyz\n"), 0);
	cr_expect_str_eq(console,
			 "mm> xyz\r\nunknown command 'xyz'; type 'help' for the list\r\nmm> \r\n");
}

Test(session, help_lists_every_command)
{
	size_t i;

	cr_expect_eq(SESSION("help\n"), 0);
	for (i = 0; i < nr_shell_commands; i++) {
		char line[128];

		cr_expect(strstr(console, shell_commands[i].help), "no help for %s",
			  shell_commands[i].name);
		snprintf(line, sizeof(line), "  %s %s", shell_commands[i].name,
			 shell_commands[i].usage);
		cr_expect(strstr(console, line), "no '%s' in: %s", line, console);
	}
	/* The help column is aligned: "exit [status]", spaces, its help, on one line. */
	{
		const char *e = strstr(console, "  exit [status]  ");
		const char *h = e ? strstr(e, "stop the machine") : NULL;

		cr_expect(e && h && !memchr(e, '\n', (size_t)(h - e)), "got: %s", console);
	}
}

Test(session, help_for_one_command)
{
	cr_expect_eq(SESSION("help exit\nhelp nope\n"), 0);
	cr_expect(strstr(console, "mm> help exit\r\n  exit [status]  stop the machine"), "got: %s",
		  console);
	cr_expect(strstr(console, "help: unknown command 'nope'"), "got: %s", console);
}

Test(session, a_half_typed_line_runs_at_end_of_input)
{
	cr_expect_eq(SESSION("help\nexit 9"), 9);
	cr_expect(strstr(console, "mm> exit 9\r\n"), "got: %s", console);
}

Test(session, a_half_typed_bad_line_ends_with_status_0)
{
	cr_expect_eq(SESSION("bogus"), 0);
	cr_expect_str_eq(console,
			 "mm> bogus\r\nunknown command 'bogus'; type 'help' for the list\r\n");
}

Test(session, too_long_line_reports_and_prompts_again)
{
	static char in[SHELL_LINE_MAX * 3 + 16];

	memset(in, 'z', SHELL_LINE_MAX * 3);
	memcpy(in + SHELL_LINE_MAX * 3, "\r\nexit 4\r\n", 10);
	cr_expect_eq(session(in, SHELL_LINE_MAX * 3 + 10), 4);
	const char *expected = "\r\nerror: line too long (at most 256 characters)\r\nmm> exit 4";

	cr_expect(strstr(console, expected), "got: %s", console + SHELL_LINE_MAX);
}

Test(session, editing_before_running)
{
	cr_expect_eq(SESSION("exot\b\x7fit 2\r"), 2);
	cr_expect_str_eq(console, "mm> exot\b \b\b \bit 2\r\n");
}
