// SPDX-License-Identifier: GPL-2.0
/* Minimal vsnprintf/snprintf; see lib/printf.h for what is supported. */
#include <lib/printf.h>
#include <lib/string.h>

/* Output cursor: counts every character, stores those that fit. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

enum length { LEN_HH, LEN_H, LEN_INT, LEN_L, LEN_LL, LEN_Z };

struct spec {
	bool left;
	bool zero;
	int width;		/* 0 when absent */
	int prec;		/* -1 when absent */
	enum length len;
	char conv;
};

static void put(struct out *o, char ch)
{
	/* Keep the last byte for the NUL. */
	if (o->len + 1 < o->size)
		o->buf[o->len] = ch;
	o->len++;
}

static void put_n(struct out *o, char ch, int n)
{
	while (n-- > 0)
		put(o, ch);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

/*
 * n / 10 with shifts and adds, so 32-bit builds need no libgcc __udivdi3.
 * The estimate is never above the true quotient (the series sums to just
 * under 0.8), and the loop corrects the small shortfall.
 */
static u64 divmod10(u64 n, unsigned int *rem)
{
	u64 q, r;

	q = (n >> 1) + (n >> 2);
	q += q >> 4;
	q += q >> 8;
	q += q >> 16;
	q += q >> 32;
	q >>= 3;
	r = n - ((q << 3) + (q << 1));
	while (r > 9) {
		q++;
		r -= 10;
	}
	*rem = (unsigned int)r;
	return q;
}

/* Digits of v in reverse order; returns how many were written. */
static int to_digits(char *tmp, u64 v, unsigned int base, bool upper)
{
	const char *xd = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int d;
	int n = 0;

	do {
		if (base == 16) {
			d = v & 15;
			v >>= 4;
		} else {
			v = divmod10(v, &d);
		}
		tmp[n++] = xd[d];
	} while (v);
	return n;
}

/* Lay out [spaces][prefix][zeros][digits][spaces] for one number. */
static void put_num(struct out *o, const struct spec *sp, u64 v,
		    const char *prefix)
{
	char tmp[24];
	int nd, plen = strlen(prefix), zeros, fill;

	/* C: zero with precision 0 produces no digits. */
	nd = (sp->prec == 0 && v == 0) ? 0 :
	     to_digits(tmp, v, sp->conv == 'x' || sp->conv == 'X' ||
			sp->conv == 'p' ? 16 : 10, sp->conv == 'X');
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	fill = sp->width - plen - zeros - nd;
	/* The '0' flag is ignored with '-' or with a precision. */
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += fill;
		fill = 0;
	}

	if (!sp->left)
		put_n(o, ' ', fill);
	put_str(o, prefix, plen);
	put_n(o, '0', zeros);
	while (nd)
		put(o, tmp[--nd]);
	if (sp->left)
		put_n(o, ' ', fill);
}

static void put_field(struct out *o, const struct spec *sp, const char *s,
		      size_t n)
{
	int fill = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left)
		put_n(o, ' ', fill);
	put_str(o, s, n);
	if (sp->left)
		put_n(o, ' ', fill);
}

static s64 get_signed(enum length len, va_list *ap)
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
	case LEN_Z:
		/* The signed type of size_t's width; long on Linux ABIs. */
		return (long)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 get_unsigned(enum length len, va_list *ap)
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
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int parse_int(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		/* Saturate rather than overflow on absurd widths. */
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

/* Parse the spec after '%'; returns a pointer to the conversion char. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1, .len = LEN_INT };

	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else
			break;
	}

	if (*p == '*') {
		sp->width = va_arg(*ap, int);
		p++;
		/* C: a negative '*' width means '-' plus its magnitude. */
		if (sp->width < 0) {
			sp->left = true;
			sp->width = sp->width == -__INT_MAX__ - 1 ?
				    __INT_MAX__ : -sp->width;
		}
	} else {
		sp->width = parse_int(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			sp->prec = va_arg(*ap, int);
			p++;
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_int(&p);
		}
	}

	if (*p == 'h') {
		sp->len = p[1] == 'h' ? LEN_HH : LEN_H;
		p += sp->len == LEN_HH ? 2 : 1;
	} else if (*p == 'l') {
		sp->len = p[1] == 'l' ? LEN_LL : LEN_L;
		p += sp->len == LEN_LL ? 2 : 1;
	} else if (*p == 'z') {
		sp->len = LEN_Z;
		p++;
	}

	sp->conv = *p;
	return p;
}

static void convert(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s;
	char c;
	s64 v;

	switch (sp->conv) {
	case 'd':
	case 'i':
		v = get_signed(sp->len, ap);
		/* Negate in u64 so that INT64_MIN does not overflow. */
		put_num(o, sp, v < 0 ? 0 - (u64)v : (u64)v, v < 0 ? "-" : "");
		break;
	case 'u':
	case 'x':
	case 'X':
		put_num(o, sp, get_unsigned(sp->len, ap), "");
		break;
	case 'p':
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), "0x");
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_field(o, sp, &c, 1);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_field(o, sp, s, strnlen(s, sp->prec < 0 ? (size_t)-1 :
					    (size_t)sp->prec));
		break;
	case '%':
		put(o, '%');
		break;
	default:
		put(o, '%');
		put(o, sp->conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	va_list args;

	/* A local copy can be passed by address on every ABI. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!sp.conv)
			break;		/* lone '%' at the end */
		convert(&o, &sp, &args);
		fmt++;
	}
	va_end(args);

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > (size_t)__INT_MAX__ ? -1 : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
