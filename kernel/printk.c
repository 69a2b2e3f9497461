// SPDX-License-Identifier: MIT
/*
 * kernel/printk.c - printf-style formatting without libc: one formatter,
 * kvformat(), that hands each byte to a sink, and its two users: ksnprintf()
 * (a buffer) and printk() (the console registered by console_register()).
 *
 * Numbers are converted without 64-bit division, so 32-bit boards need no
 * libgcc helper (__aeabi_uldivmod) for %llu.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "printk.h"

/* Flags of one conversion specification. */
#define F_LEFT 0x01u /* '-': pad on the right */
#define F_ZERO 0x02u /* '0': pad numbers with zeros after sign and prefix */
#define F_PLUS 0x04u /* '+': signed conversions show '+' for >= 0 */
#define F_SPACE 0x08u /* ' ': signed conversions show ' ' for >= 0 */
#define F_ALT 0x10u /* '#': "0x" before non-zero hex, a leading 0 in octal */
#define F_UPPER 0x20u /* %X: upper-case hex digits and "0X" */

/* One parsed "%..." specification. */
struct spec {
	unsigned int flags; /* F_* */
	int width; /* minimum field width; 0 = none */
	int precision; /* digits for numbers, bytes for %s; -1 = none */
};

/* The formatter's output: a sink and how many bytes went to it. */
struct out {
	void (*putc)(void *ctx, char c);
	void *ctx;
	int count;
};

/* Largest digit count: 64 bits in octal. */
#define MAX_DIGITS 22

/* Widths and precisions are capped here, so padding arithmetic cannot overflow. */
#define FIELD_MAX 65535

static void emit(struct out *o, char c)
{
	o->putc(o->ctx, c);
	o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* Divide *@v by 10 in 16-bit steps, with 32-bit arithmetic only; return the remainder. */
static unsigned int div10(unsigned long long *v)
{
	unsigned long long n = *v, q = 0;
	uint32_t r = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint32_t cur = (r << 16) | (uint32_t)(n >> 48);

		n <<= 16;
		q = (q << 16) | (cur / 10);
		r = cur % 10;
	}
	*v = q;
	return r;
}

/* Write the digits of @v in @base (8, 10 or 16) into @buf, last digit first; return how many. */
static int to_digits(char *buf, unsigned long long v, unsigned int base, bool upper)
{
	const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint32_t w;
	int n = 0;

	if (base == 16) {
		for (; v; v >>= 4)
			buf[n++] = xdigits[v & 0xf];
	} else if (base == 8) {
		for (; v; v >>= 3)
			buf[n++] = (char)('0' + (v & 7));
	} else {
		while (v > UINT32_MAX)
			buf[n++] = (char)('0' + div10(&v));
		for (w = (uint32_t)v; w; w /= 10)
			buf[n++] = (char)('0' + w % 10);
	}
	return n;
}

/*
 * Print a number: [spaces] [sign] [prefix] [zeros] digits [spaces].
 * @sign is '-', '+', ' ' or 0; @prefix is "0x", "0X" or "".
 */
static void format_number(struct out *o, const struct spec *sp, unsigned long long v,
			  unsigned int base, char sign, const char *prefix)
{
	char digits[MAX_DIGITS];
	int nd = to_digits(digits, v, base, sp->flags & F_UPPER);
	int zeros = (sp->precision < 0 ? 1 : sp->precision) - nd;
	int plen = prefix[0] ? 2 : 0;
	/* '0' pads with zeros unless '-' or a precision says otherwise. */
	bool zero_pad = (sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->precision < 0;
	int pad;

	if (zeros < 0)
		zeros = 0;
	/* Octal '#': the first digit must be a 0 (digits never start with one). */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0)
		zeros = 1;
	pad = sp->width - (sign ? 1 : 0) - plen - zeros - nd;

	if (!(sp->flags & F_LEFT) && !zero_pad)
		emit_repeat(o, ' ', pad);
	if (sign)
		emit(o, sign);
	for (; *prefix; prefix++)
		emit(o, *prefix);
	if (zero_pad)
		emit_repeat(o, '0', pad);
	emit_repeat(o, '0', zeros);
	while (nd > 0)
		emit(o, digits[--nd]);
	if (sp->flags & F_LEFT)
		emit_repeat(o, ' ', pad);
}

/* Print @len bytes of @s padded to the field width (%s and %c). */
static void format_bytes(struct out *o, const struct spec *sp, const char *s, int len)
{
	int pad = sp->width - len;

	if (!(sp->flags & F_LEFT))
		emit_repeat(o, ' ', pad);
	while (len-- > 0)
		emit(o, *s++);
	if (sp->flags & F_LEFT)
		emit_repeat(o, ' ', pad);
}

/* Length modifiers: the type a number argument was passed as. */
enum length {
	LEN_NONE, /* int */
	LEN_HH, /* hh: char */
	LEN_H, /* h: short */
	LEN_L, /* l: long */
	LEN_LL, /* ll: long long */
	LEN_Z, /* z: size_t */
	LEN_T, /* t: ptrdiff_t */
	LEN_J, /* j: intmax_t */
};

static long long fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z: /* the signed type of size_t's width */
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Read a decimal width or precision at *@fmt, up to FIELD_MAX. */
static int parse_decimal(const char **fmt)
{
	int n = 0;

	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++) {
		n = n * 10 + (**fmt - '0');
		if (n > FIELD_MAX)
			n = FIELD_MAX;
	}
	return n;
}

/* A width or precision given as '*': its magnitude, up to FIELD_MAX. */
static int clamp_field(int v)
{
	if (v < -FIELD_MAX)
		return -FIELD_MAX;
	return v > FIELD_MAX ? FIELD_MAX : v;
}

static unsigned int parse_flags(const char **fmt)
{
	unsigned int flags = 0;

	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			flags |= F_LEFT;
			break;
		case '0':
			flags |= F_ZERO;
			break;
		case '+':
			flags |= F_PLUS;
			break;
		case ' ':
			flags |= F_SPACE;
			break;
		case '#':
			flags |= F_ALT;
			break;
		default:
			return flags;
		}
	}
}

static enum length parse_length(const char **fmt)
{
	const char *p = *fmt;
	enum length len = LEN_NONE;

	switch (*p) {
	case 'h':
		len = p[1] == 'h' ? LEN_HH : LEN_H;
		break;
	case 'l':
		len = p[1] == 'l' ? LEN_LL : LEN_L;
		break;
	case 'z':
		len = LEN_Z;
		break;
	case 't':
		len = LEN_T;
		break;
	case 'j':
		len = LEN_J;
		break;
	default:
		return LEN_NONE;
	}
	*fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
	return len;
}

/* Format one conversion whose '%' is at @start; *@fmt is just past the '%'. */
static void format_one(struct out *o, const char *start, const char **fmt, va_list *ap)
{
	struct spec sp = { .precision = -1 };
	enum length len;
	char c;

	sp.flags = parse_flags(fmt);
	if (**fmt == '*') {
		(*fmt)++;
		sp.width = clamp_field(va_arg(*ap, int));
		if (sp.width < 0) {
			sp.flags |= F_LEFT;
			sp.width = -sp.width;
		}
	} else {
		sp.width = parse_decimal(fmt);
	}
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			(*fmt)++;
			sp.precision = clamp_field(va_arg(*ap, int));
			if (sp.precision < 0)
				sp.precision = -1;
		} else {
			sp.precision = parse_decimal(fmt);
		}
	}
	len = parse_length(fmt);

	switch (**fmt) {
	case 'd':
	case 'i': {
		long long v = fetch_signed(ap, len);
		unsigned long long mag = (unsigned long long)v;
		char sign = 0;

		if (v < 0) {
			sign = '-';
			mag = 0ull - mag; /* no overflow for LLONG_MIN */
		} else if (sp.flags & F_PLUS) {
			sign = '+';
		} else if (sp.flags & F_SPACE) {
			sign = ' ';
		}
		format_number(o, &sp, mag, 10, sign, "");
		break;
	}
	case 'u':
		format_number(o, &sp, fetch_unsigned(ap, len), 10, 0, "");
		break;
	case 'o':
		format_number(o, &sp, fetch_unsigned(ap, len), 8, 0, "");
		break;
	case 'X':
		sp.flags |= F_UPPER;
		/* fall through */
	case 'x': {
		unsigned long long v = fetch_unsigned(ap, len);
		const char *prefix = "";

		if ((sp.flags & F_ALT) && v)
			prefix = (sp.flags & F_UPPER) ? "0X" : "0x";
		format_number(o, &sp, v, 16, 0, prefix);
		break;
	}
	case 'p':
		sp.precision = (int)(2 * sizeof(void *));
		format_number(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_bytes(o, &sp, &c, 1);
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		int n = 0;

		if (!s)
			s = "(null)";
		while ((sp.precision < 0 || n < sp.precision) && s[n])
			n++;
		format_bytes(o, &sp, s, n);
		break;
	}
	case '%':
		emit(o, '%');
		break;
	default:
		/* Unknown or missing conversion: copy the text out unchanged. */
		while (start < *fmt)
			emit(o, *start++);
		return;
	}
	(*fmt)++;
}

int kvformat(void (*putc)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .putc = putc, .ctx = ctx, .count = 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt++ != '%') {
			emit(&o, *start);
			continue;
		}
		format_one(&o, start, &fmt, &args);
	}
	va_end(args);
	return o.count;
}

/* The sink of kvsnprintf(): keeps what fits, counts the rest. */
struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_putc(void *ctx, char c)
{
	struct buf_sink *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { .buf = buf, .size = size, .pos = 0 };
	int n = kvformat(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Where console output goes; NULL until console_register(). */
static console_putc_t *console_out;

console_putc_t *console_register(console_putc_t *putc)
{
	console_putc_t *old = console_out;

	console_out = putc;
	return old;
}

void console_putc(char c)
{
	if (!console_out)
		return;
	if (c == '\n')
		console_out('\r');
	console_out(c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

/* The CPU holding console_lock(), plus 1 (0: none); how deep; its interrupt state. */
static unsigned int console_owner;
static unsigned int console_depth;
static unsigned long console_flags;

void console_lock(void)
{
	unsigned long flags = cpu_irq_save();
	unsigned int me = cpu_id() + 1, none = 0;

	/* Only this CPU can have made it me, and with interrupts masked since. */
	if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me) {
		console_depth++;
		return; /* masked already: the outer level restores */
	}
	while (!__atomic_compare_exchange_n(&console_owner, &none, me, true, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED))
		none = 0;
	console_depth = 1;
	console_flags = flags;
}

void console_unlock(void)
{
	unsigned long flags = console_flags;

	if (--console_depth)
		return;
	__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(flags);
}

static void console_sink(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
	int n;

	console_lock();
	n = kvformat(console_sink, NULL, fmt, ap);
	console_unlock();
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
