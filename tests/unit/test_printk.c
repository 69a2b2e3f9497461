// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_printk.c - the freestanding formatter (kernel/printk.c):
 * every conversion, flag, width, precision and length modifier against literal
 * strings, a sweep against the host's snprintf, truncation, and the console.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib.h" /* ARRAY_SIZE */
#include "printk.h"

/* Format into a roomy buffer; expect exactly @expected and its length back. */
#define EXPECT(expected, ...)                                                                  \
	do {                                                                                   \
		char out_[256];                                                                \
		int n_ = ksnprintf(out_, sizeof(out_), __VA_ARGS__);                           \
		cr_expect_str_eq(out_, expected, "format %s", #__VA_ARGS__);                   \
		cr_expect_eq(n_, (int)strlen(expected), "length of %s: %d", #__VA_ARGS__, n_); \
	} while (0)

Test(printk, plain_text_and_percent)
{
	EXPECT("", "%s", "");
	EXPECT("hello, world", "hello, world");
	EXPECT("100%", "100%%");
	EXPECT("%%", "%%%%");
	EXPECT("a%b", "a%cb", '%');
}

Test(printk, signed_decimal)
{
	EXPECT("0", "%d", 0);
	EXPECT("42", "%d", 42);
	EXPECT("-42", "%d", -42);
	EXPECT("-42", "%i", -42);
	EXPECT("2147483647", "%d", INT_MAX);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("-2147483648", "%i", INT_MIN);
}

Test(printk, unsigned_and_hex_and_octal)
{
	EXPECT("0", "%u", 0u);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("deadbeef", "%x", 0xdeadbeefu);
	EXPECT("DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT("0", "%x", 0u);
	EXPECT("ffffffff", "%x", UINT_MAX);
	EXPECT("17", "%o", 15u);
	EXPECT("37777777777", "%o", UINT_MAX);
}

/* %s of NULL is undefined for the host's printf, so gcc warns about it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow"
Test(printk, chars_and_strings)
{
	EXPECT("x", "%c", 'x');
	EXPECT("[    x]", "[%5c]", 'x');
	EXPECT("[x    ]", "[%-5c]", 'x');
	EXPECT("abc", "%s", "abc");
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("[  (null)]", "[%8s]", (char *)NULL);
	EXPECT("[   abc]", "[%6s]", "abc");
	EXPECT("[abc   ]", "[%-6s]", "abc");
	EXPECT("[abcdef]", "[%3s]", "abcdef");
	EXPECT("[ab]", "[%.2s]", "abcdef");
	EXPECT("[   ab]", "[%5.2s]", "abcdef");
	EXPECT("[ab   ]", "[%-5.2s]", "abcdef");
	EXPECT("[]", "[%.0s]", "abcdef");
	EXPECT("[(nu]", "[%.3s]", (char *)NULL);
}
#pragma GCC diagnostic pop

Test(printk, string_precision_reads_no_further)
{
	/* Not NUL-terminated: the precision must stop the read. */
	const char name[4] = { 'S', 'R', 'A', 'M' };

	EXPECT("SRAM", "%.4s", name);
	EXPECT("SR", "%.*s", 2, name);
}

Test(printk, pointers)
{
	if (sizeof(void *) == 8) {
		EXPECT("0x0000000000000000", "%p", NULL);
		EXPECT("0x0000000000001234", "%p", (void *)0x1234);
		EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
		EXPECT("[0x0000000000000010  ]", "[%-20p]", (void *)0x10);
		EXPECT("[  0x0000000000000010]", "[%20p]", (void *)0x10);
	} else {
		EXPECT("0x00000000", "%p", NULL);
		EXPECT("0x00001234", "%p", (void *)0x1234);
		EXPECT("0xffffffff", "%p", (void *)UINTPTR_MAX);
		EXPECT("[0x00000010  ]", "[%-12p]", (void *)0x10);
		EXPECT("[  0x00000010]", "[%12p]", (void *)0x10);
	}
}

Test(printk, long_modifiers)
{
	EXPECT("-1", "%ld", -1L);
	EXPECT("4294967295", "%lu", 4294967295UL);
	if (sizeof(long) == 8) {
		EXPECT("-9223372036854775808", "%ld", LONG_MIN);
		EXPECT("18446744073709551615", "%lu", ULONG_MAX);
		EXPECT("ffffffffffffffff", "%lx", ULONG_MAX);
	} else {
		EXPECT("-2147483648", "%ld", LONG_MIN);
		EXPECT("4294967295", "%lu", ULONG_MAX);
		EXPECT("ffffffff", "%lx", ULONG_MAX);
	}
}

Test(printk, long_long_modifiers)
{
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("9223372036854775807", "%lld", LLONG_MAX);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("ffffffffffffffff", "%llx", ULLONG_MAX);
	EXPECT("FFFFFFFFFFFFFFFF", "%llX", ULLONG_MAX);
	EXPECT("1777777777777777777777", "%llo", ULLONG_MAX);
	EXPECT("4294967296", "%llu", 4294967296ULL);
	EXPECT("10000000000000000000", "%llu", 10000000000000000000ULL);
	EXPECT("1234567890123", "%lli", 1234567890123LL);
}

Test(printk, size_and_other_modifiers)
{
	EXPECT("0", "%zu", (size_t)0);
	EXPECT("4096", "%zu", (size_t)4096);
	EXPECT("-5", "%zd", (ptrdiff_t)-5);
	EXPECT("ff", "%zx", (size_t)255);
	if (sizeof(size_t) == 8)
		EXPECT("18446744073709551615", "%zu", SIZE_MAX);
	else
		EXPECT("4294967295", "%zu", SIZE_MAX);
	EXPECT("-7", "%td", (ptrdiff_t)-7);
	EXPECT("-9223372036854775808", "%jd", INTMAX_MIN);
	EXPECT("18446744073709551615", "%ju", UINTMAX_MAX);
}

Test(printk, short_and_char_modifiers)
{
	EXPECT("-1", "%hd", (short)-1);
	EXPECT("65535", "%hu", (unsigned short)65535);
	EXPECT("-32768", "%hd", (short)SHRT_MIN);
	/* The argument is promoted to int; h and hh convert it back. */
	EXPECT("4", "%hu", 65540);
	EXPECT("-1", "%hhd", 255);
	EXPECT("5", "%hhu", 261);
	EXPECT("ff", "%hhx", -1);
	EXPECT("-128", "%hhd", -128);
}

Test(printk, width_and_alignment)
{
	EXPECT("[   42]", "[%5d]", 42);
	EXPECT("[42   ]", "[%-5d]", 42);
	EXPECT("[  -42]", "[%5d]", -42);
	EXPECT("[-42  ]", "[%-5d]", -42);
	EXPECT("[123456]", "[%3d]", 123456);
	EXPECT("[   ff]", "[%5x]", 255u);
	EXPECT("[ff   ]", "[%-5x]", 255u);
	EXPECT("[      4096]", "[%10zu]", (size_t)4096);
}

Test(printk, zero_padding)
{
	EXPECT("[00042]", "[%05d]", 42);
	EXPECT("[-0042]", "[%05d]", -42);
	EXPECT("[000ff]", "[%05x]", 255u);
	EXPECT("[0x00006000]", "[0x%08x]", 0x6000u);
	EXPECT("[0x00400000]", "[0x%08lx]", 0x400000UL);
	EXPECT("[-2147483648]", "[%05d]", INT_MIN);
	EXPECT("[0000000000000000000000042]", "[%025llu]", 42ULL);
}

Test(printk, star_width)
{
	EXPECT("[   42]", "[%*d]", 5, 42);
	EXPECT("[42   ]", "[%*d]", -5, 42); /* negative width: left-aligned */
	EXPECT("[00042]", "[%0*d]", 5, 42);
	EXPECT("[abc  ]", "[%-*s]", 5, "abc");
	EXPECT("[  abc]", "[%*s]", 5, "abc");
	EXPECT("[42]", "[%*d]", 0, 42);
}

Test(printk, number_precision)
{
	EXPECT("[007]", "[%.3d]", 7);
	EXPECT("[-007]", "[%.3d]", -7);
	EXPECT("[  007]", "[%5.3d]", 7);
	EXPECT("[007  ]", "[%-5.3d]", 7);
	EXPECT("[]", "[%.0d]", 0);
	EXPECT("[   ]", "[%3.0d]", 0);
	EXPECT("[00ff]", "[%.4x]", 255u);
	EXPECT("[0042]", "[%.*d]", 4, 42);
	EXPECT("[42]", "[%.*d]", -1, 42); /* negative precision: none */
}

Test(printk, sign_and_alternate_flags)
{
	EXPECT("+42", "%+d", 42);
	EXPECT("-42", "%+d", -42);
	EXPECT("+0", "%+d", 0);
	EXPECT(" 42", "% d", 42);
	EXPECT("-42", "% d", -42);
	EXPECT("[  +42]", "[%+5d]", 42);
	EXPECT("[+0042]", "[%+05d]", 42);
	EXPECT("0xff", "%#x", 255u);
	EXPECT("0XFF", "%#X", 255u);
	EXPECT("0", "%#x", 0u);
	EXPECT("[0x00ff]", "[%#06x]", 255u);
	EXPECT("[  0xff]", "[%#6x]", 255u);
	EXPECT("017", "%#o", 15u);
	EXPECT("0", "%#o", 0u);
}

Test(printk, several_conversions_in_one_format)
{
	EXPECT("  SSRAM1    0x00006000-0x00400000  4072 KiB", "  %-8s  0x%08lx-0x%08lx %5zu KiB",
	       "SSRAM1", 0x6000UL, 0x400000UL, (size_t)4072);
	EXPECT("a=1 b=-2 c=x d=str e=ff f=18446744073709551615", "a=%d b=%ld c=%c d=%s e=%x f=%llu",
	       1, -2L, 'x', "str", 255u, ULLONG_MAX);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
Test(printk, flags_that_cancel_others)
{
	EXPECT("[42   ]", "[%-05d]", 42); /* '-' wins over '0' */
	EXPECT("[  007]", "[%05.3d]", 7); /* a precision turns '0' off */
	EXPECT("+42", "%+ d", 42); /* '+' wins over ' ' */
}

Test(printk, unknown_conversions_are_copied)
{
	EXPECT("%q", "%q");
	EXPECT("[%5q]", "[%5q]");
	EXPECT("%", "%");
	EXPECT("ab%", "ab%");
	EXPECT("%-", "%-");
	EXPECT("%l", "%l");
	EXPECT("%q 7", "%q %d", 7);
}
#pragma GCC diagnostic pop

Test(printk, truncation_keeps_the_full_length)
{
	char buf[16];

	memset(buf, '#', sizeof(buf));
	cr_expect_eq(ksnprintf(buf, 5, "hello world"), 11);
	cr_expect_str_eq(buf, "hell");
	cr_expect_eq(buf[5], '#', "wrote past the buffer");

	memset(buf, '#', sizeof(buf));
	cr_expect_eq(ksnprintf(buf, 6, "%d", -12345), 6);
	cr_expect_str_eq(buf, "-1234");
	cr_expect_eq(buf[6], '#');

	memset(buf, '#', sizeof(buf));
	cr_expect_eq(ksnprintf(buf, 1, "abc"), 3);
	cr_expect_eq(buf[0], '\0');
	cr_expect_eq(buf[1], '#');
}

Test(printk, exact_fit)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	cr_expect_eq(ksnprintf(buf, 4, "abc"), 3); /* just fits */
	cr_expect_str_eq(buf, "abc");
	cr_expect_eq(buf[4], '#');

	cr_expect_eq(ksnprintf(buf, 3, "abc"), 3); /* one short */
	cr_expect_str_eq(buf, "ab");
}

Test(printk, size_zero_writes_nothing)
{
	char buf[4] = "xyz";

	cr_expect_eq(ksnprintf(NULL, 0, "%s-%d", "abc", 12345), 9);
	cr_expect_eq(ksnprintf(buf, 0, "%s", "abc"), 3);
	cr_expect_str_eq(buf, "xyz");
}

Test(printk, truncated_padding_counts)
{
	char buf[4];

	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%20d", 1), 20);
	cr_expect_str_eq(buf, "   ");
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%-20s|", "ab"), 21);
	cr_expect_str_eq(buf, "ab ");
}

/* gcc knows these would overflow a real printf; ours caps them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow"
Test(printk, huge_widths_and_precisions_are_capped)
{
	char buf[8];

	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%*d", INT_MIN, 1), 65535);
	cr_expect_str_eq(buf, "1      ");
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%*d", INT_MAX, 1), 65535);
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%.*d", INT_MAX, 1), 65535);
	cr_expect_str_eq(buf, "0000000");
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%99999999999d", 1), 65535);
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%+.99999999999d", -1), 65536);
	cr_expect_eq(ksnprintf(buf, sizeof(buf), "%.99999999999s", "abc"), 3);
}
#pragma GCC diagnostic pop

/* kvformat() with a sink of its own. */
struct counting_sink {
	char seen[64];
	int n;
};

static void counting_putc(void *ctx, char c)
{
	struct counting_sink *s = ctx;

	if (s->n < (int)sizeof(s->seen) - 1)
		s->seen[s->n] = c;
	s->n++;
}

static int format_to(struct counting_sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvformat(counting_putc, s, fmt, ap);
	va_end(ap);
	return n;
}

Test(printk, kvformat_sends_every_byte_to_the_sink)
{
	struct counting_sink s = { .n = 0 };

	cr_expect_eq(format_to(&s, "%s=%04x\n", "v", 0x2au), 7);
	cr_expect_eq(s.n, 7);
	cr_expect_arr_eq(s.seen, "v=002a\n", 7);
}

/* The console: everything a test's putc received. */
static char console[256];
static size_t console_len;

static void capture_putc(char c)
{
	if (console_len < sizeof(console) - 1)
		console[console_len++] = c;
}

Test(printk, printk_goes_to_the_console_with_crlf)
{
	console_register(capture_putc);
	cr_expect_eq(printk("a\nb %d\n", 7), 6);
	cr_expect_str_eq(console, "a\r\nb 7\r\n");
	console_len = 0;
	memset(console, 0, sizeof(console));
	console_puts("x\ny");
	console_putc('\n');
	cr_expect_str_eq(console, "x\r\ny\r\n");
}

Test(printk, printk_without_a_console_is_dropped)
{
	cr_expect_eq(printk("nobody hears %s\n", "this"), 18);
	console_register(capture_putc);
	console_register(NULL);
	printk("nor this");
	cr_expect_eq(console_len, 0);
}

/*
 * A sweep: every combination of flags, widths and precisions in a list, for a
 * list of values per conversion, must match the host's snprintf. (%p and %s of
 * NULL differ on purpose and are tested above.)
 */
static const char *const sweep_flags[] = { "", "-", "0", "+", " ", "#", "-+", "0+", "-#", "0#" };
static const char *const sweep_widths[] = { "", "1", "5", "12", "25" };
static const char *const sweep_precisions[] = { "", ".0", ".1", ".4", ".20" };

/* Whether check_sweep() does the %#o forms (true) or every other one. */
static bool sweep_octal_alt;

/* The formats below are built at run time. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

/* Format @fmt with one number of the type @length names ('L' long long, 'l' long, 0 int). */
static void compare_number(const char *fmt, char length, bool is_signed, long long sv,
			   unsigned long long uv)
{
	char mine[128], host[128];
	int a, b;

	if (length == 'L' && is_signed) {
		a = ksnprintf(mine, sizeof(mine), fmt, sv);
		b = snprintf(host, sizeof(host), fmt, sv);
	} else if (length == 'L') {
		a = ksnprintf(mine, sizeof(mine), fmt, uv);
		b = snprintf(host, sizeof(host), fmt, uv);
	} else if (length == 'l' && is_signed) {
		a = ksnprintf(mine, sizeof(mine), fmt, (long)sv);
		b = snprintf(host, sizeof(host), fmt, (long)sv);
	} else if (length == 'l') {
		a = ksnprintf(mine, sizeof(mine), fmt, (unsigned long)uv);
		b = snprintf(host, sizeof(host), fmt, (unsigned long)uv);
	} else if (is_signed) {
		a = ksnprintf(mine, sizeof(mine), fmt, (int)sv);
		b = snprintf(host, sizeof(host), fmt, (int)sv);
	} else {
		a = ksnprintf(mine, sizeof(mine), fmt, (unsigned int)uv);
		b = snprintf(host, sizeof(host), fmt, (unsigned int)uv);
	}
	cr_expect_str_eq(mine, host, "format \"%s\"", fmt);
	cr_expect_eq(a, b, "length of \"%s\"", fmt);
}

static void check_sweep(const char *conv, long long sv, unsigned long long uv, bool is_signed,
			char length)
{
	const char *modifier = length == 'L' ? "ll" : length == 'l' ? "l" : "";
	char fmt[32];
	size_t f, w, p;

	for (f = 0; f < ARRAY_SIZE(sweep_flags); f++) {
		/* %#o in a test of its own: see octal_alternate_form_against_host_snprintf. */
		if (!strcmp(conv, "o") && (strchr(sweep_flags[f], '#') != NULL) != sweep_octal_alt)
			continue;
		for (w = 0; w < ARRAY_SIZE(sweep_widths); w++) {
			for (p = 0; p < ARRAY_SIZE(sweep_precisions); p++) {
				snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%s]", sweep_flags[f],
					 sweep_widths[w], sweep_precisions[p], modifier, conv);
				compare_number(fmt, length, is_signed, sv, uv);
			}
		}
	}
}

static const char *const sweep_sconvs[] = { "d", "i" };
static const char *const sweep_uconvs[] = { "u", "x", "X", "o" };

Test(printk, sweep_against_host_snprintf)
{
	static const long long svals[] = { 0, 1, -1, 7, -42, 4096, INT_MAX, INT_MIN };
	static const unsigned long long uvals[] = { 0, 1, 9, 10, 255, 4096, 0xdeadbeef, UINT_MAX };
	size_t i, c;

	for (c = 0; c < ARRAY_SIZE(sweep_sconvs); c++) {
		for (i = 0; i < ARRAY_SIZE(svals); i++) {
			check_sweep(sweep_sconvs[c], svals[i], 0, true, 0);
			check_sweep(sweep_sconvs[c], svals[i], 0, true, 'l');
		}
	}
	for (c = 0; c < ARRAY_SIZE(sweep_uconvs); c++) {
		for (i = 0; i < ARRAY_SIZE(uvals); i++) {
			check_sweep(sweep_uconvs[c], 0, uvals[i], false, 0);
			check_sweep(sweep_uconvs[c], 0, uvals[i], false, 'l');
		}
	}
}

/*
 * %#o, when the C library follows C99 there: '#' raises the precision just
 * enough for a leading 0 (newlib-nano, on arm, drops it from "%#.4o" of
 * 4096; picolibc, on riscv, prints nothing for "%#.0o" of 0).
 */
Test(printk, octal_alternate_form_against_host_snprintf)
{
	static const unsigned long long uvals[] = { 0, 1, 9, 255, 4096, 0xdeadbeef, UINT_MAX };
	static const struct {
		const char *fmt;
		unsigned int value;
		const char *want;
	} probes[] = { { "%#.4o", 9, "0011" },
		       { "%#.4o", 255, "0377" },
		       { "%#.4o", 4096, "010000" },
		       { "%#.0o", 0, "0" } };
	char got[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		snprintf(got, sizeof(got), probes[i].fmt, probes[i].value);
		if (strcmp(got, probes[i].want))
			cr_skip_test(
				"the C library's snprintf gives \"%s\" for %s of %u, not \"%s\"",
				got, probes[i].fmt, probes[i].value, probes[i].want);
	}
	sweep_octal_alt = true;
	for (i = 0; i < ARRAY_SIZE(uvals); i++) {
		check_sweep("o", 0, uvals[i], false, 0);
		check_sweep("o", 0, uvals[i], false, 'l');
	}
}

/* Long long, when the C library formats it (newlib-nano, on arm, does not). */
Test(printk, long_long_sweep_against_host_snprintf)
{
	static const long long svals[] = {
		0, -1, -42, INT_MIN, LLONG_MIN, LLONG_MAX, -1234567890123LL, 1LL << 40
	};
	static const unsigned long long uvals[] = {
		0, 1, 0xdeadbeef, UINT_MAX, ULLONG_MAX, 1ULL << 63, 12345678901234ULL
	};
	char probe[32];
	size_t i, c;

	snprintf(probe, sizeof(probe), "%lld", -1234567890123LL);
	if (strcmp(probe, "-1234567890123"))
		cr_skip_test("the C library's snprintf has no %%lld");
	for (c = 0; c < ARRAY_SIZE(sweep_sconvs); c++)
		for (i = 0; i < ARRAY_SIZE(svals); i++)
			check_sweep(sweep_sconvs[c], svals[i], 0, true, 'L');
	for (c = 0; c < ARRAY_SIZE(sweep_uconvs); c++)
		for (i = 0; i < ARRAY_SIZE(uvals); i++)
			check_sweep(sweep_uconvs[c], 0, uvals[i], false, 'L');
}

Test(printk, sweep_strings_against_host_snprintf)
{
	static const char *const strs[] = { "", "a", "hello", "a longer string" };
	char fmt[32], mine[64], host[64];
	size_t s, f, w, p;

	for (s = 0; s < ARRAY_SIZE(strs); s++)
		for (f = 0; f < 2; f++)
			for (w = 0; w < ARRAY_SIZE(sweep_widths); w++)
				for (p = 0; p < ARRAY_SIZE(sweep_precisions); p++) {
					snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", sweep_flags[f],
						 sweep_widths[w], sweep_precisions[p]);
					cr_expect_eq(ksnprintf(mine, sizeof(mine), fmt, strs[s]),
						     snprintf(host, sizeof(host), fmt, strs[s]));
					cr_expect_str_eq(mine, host, "format \"%s\"", fmt);
				}
}
#pragma GCC diagnostic pop
