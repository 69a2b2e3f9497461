/* SPDX-License-Identifier: MIT */
/*
 * tests/harness/criterion/criterion.h - the part of Criterion's API that the
 * unit tests use, for the boards. The sources of tests/unit/ include
 * <criterion/criterion.h>: on the host that is Criterion itself; the board's
 * unit-test image (make ARCH=<board> unit-image) puts tests/harness/ first on
 * the include path, so they get this file, and tests/harness/runner.c runs
 * them.
 *
 *   Test(suite, name, options...)       a test; the options are designated
 *                                       initializers of struct
 *                                       criterion_test_extra_data below
 *   TestSuite(suite, options...)        .init and .fini of every test of suite
 *   cr_assert*(..., [format, args])     a failed check ends the test
 *   cr_expect*(..., [format, args])     a failed check fails it, and it goes on
 *   cr_skip_test([format, args])        ends the test as skipped
 *
 * As in Criterion, the suite's .init runs first, then the test's, then the
 * test, then its .fini and the suite's (also after a failed cr_assert). Every
 * test starts from the state the image had before the first test (see
 * runner.c), as Criterion's fork gives each test a fresh process. A test
 * that expects to die (.signal, .exit_code) cannot on a board: it is skipped
 * and counted; .timeout is not enforced (the QEMU run has one).
 */
#ifndef TESTS_HARNESS_CRITERION_H
#define TESTS_HARNESS_CRITERION_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Set here only: tests/unit/helpers.c takes the board's test RAM when it is. */
#define CR_BOARD 1

/* The options of a test or a suite, named as in Criterion. */
struct criterion_test_extra_data {
	void (*init)(void);
	void (*fini)(void);
	int signal; /* the signal the test must die of: skipped on a board */
	int exit_code; /* the status it must exit with: skipped on a board */
	bool disabled; /* skipped, and counted as skipped */
	double timeout; /* seconds; not enforced on a board */
	const char *description;
};

struct cr_board_test {
	const char *suite;
	const char *name;
	const char *file;
	void (*run)(void);
	struct criterion_test_extra_data data;
};

struct cr_board_suite {
	const char *name;
	struct criterion_test_extra_data data;
};

/*
 * Each Test() and TestSuite() leaves one entry in a section of its own: the
 * linker gathers them into arrays that runner.c walks from __start_NAME to
 * __stop_NAME. const, so that they go with .rodata.
 */
#define CR_BOARD_ENTRY(name) __attribute__((used, section(name)))

#define Test(suite, name, ...)                                                           \
	static void cr_test_##suite##_##name(void);                                      \
	static const struct cr_board_test cr_board_test_##suite##_##name CR_BOARD_ENTRY( \
		"cr_board_tests") = {                                                    \
		#suite, #name, __FILE__, cr_test_##suite##_##name, { __VA_ARGS__ }       \
	};                                                                               \
	static void cr_test_##suite##_##name(void)

#define TestSuite(suite, ...)                                                     \
	static const struct cr_board_suite cr_board_suite_##suite CR_BOARD_ENTRY( \
		"cr_board_suites") = { #suite, { __VA_ARGS__ } }

/*
 * What a failed check reports: where, the check as written, and the message
 * the test gave (a printf format and its arguments after a leading space, so
 * that a check without a message passes " ").
 */
void cr_board_assert_failed(const char *file, int line, const char *check, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));
void cr_board_expect_failed(const char *file, int line, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cr_board_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define cr_board_check(failed, cond, check, ...)                            \
	do {                                                                \
		if (!(cond))                                                \
			failed(__FILE__, __LINE__, check, " " __VA_ARGS__); \
	} while (0)

#define cr_assert(cond, ...) cr_board_check(cr_board_assert_failed, cond, #cond, __VA_ARGS__)
#define cr_expect(cond, ...) cr_board_check(cr_board_expect_failed, cond, #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) \
	cr_board_check(cr_board_assert_failed, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_not(cond, ...) \
	cr_board_check(cr_board_expect_failed, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...) \
	cr_board_assert_failed(__FILE__, __LINE__, "cr_assert_fail", " " __VA_ARGS__)
#define cr_skip_test(...) cr_board_skip(" " __VA_ARGS__)

#define cr_board_op(failed, a, op, b, ...) \
	cr_board_check(failed, (a)op(b), #a " " #op " " #b, __VA_ARGS__)

#define cr_assert_eq(a, b, ...) cr_board_op(cr_board_assert_failed, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) cr_board_op(cr_board_assert_failed, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) cr_board_op(cr_board_assert_failed, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) cr_board_op(cr_board_assert_failed, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) cr_board_op(cr_board_assert_failed, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) cr_board_op(cr_board_assert_failed, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) cr_board_op(cr_board_expect_failed, a, ==, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) cr_board_op(cr_board_expect_failed, a, !=, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...) cr_board_op(cr_board_expect_failed, a, <, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) cr_board_op(cr_board_expect_failed, a, <=, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) cr_board_op(cr_board_expect_failed, a, >, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) cr_board_op(cr_board_expect_failed, a, >=, b, __VA_ARGS__)

#define cr_assert_null(p, ...) cr_board_op(cr_board_assert_failed, p, ==, NULL, __VA_ARGS__)
#define cr_assert_not_null(p, ...) cr_board_op(cr_board_assert_failed, p, !=, NULL, __VA_ARGS__)
#define cr_expect_null(p, ...) cr_board_op(cr_board_expect_failed, p, ==, NULL, __VA_ARGS__)
#define cr_expect_not_null(p, ...) cr_board_op(cr_board_expect_failed, p, !=, NULL, __VA_ARGS__)

#define cr_board_str(failed, a, op, b, ...) \
	cr_board_check(failed, strcmp(a, b) op 0, "strcmp(" #a ", " #b ") " #op " 0", __VA_ARGS__)
#define cr_board_arr(failed, a, b, size, ...)                                                     \
	cr_board_check(failed, memcmp(a, b, size) == 0, "memcmp(" #a ", " #b ", " #size ") == 0", \
		       __VA_ARGS__)

#define cr_assert_str_eq(a, b, ...) cr_board_str(cr_board_assert_failed, a, ==, b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) cr_board_str(cr_board_assert_failed, a, !=, b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) cr_board_str(cr_board_expect_failed, a, ==, b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) cr_board_str(cr_board_expect_failed, a, !=, b, __VA_ARGS__)
#define cr_assert_arr_eq(a, b, size, ...) \
	cr_board_arr(cr_board_assert_failed, a, b, size, __VA_ARGS__)
#define cr_expect_arr_eq(a, b, size, ...) \
	cr_board_arr(cr_board_expect_failed, a, b, size, __VA_ARGS__)

/*
 * The RAM a test gives bareslab (tests/unit/helpers.c: test_heap()): @size
 * bytes at an address aligned to 4 MiB when the board has that much, zeroed
 * as the host's static array is; skips the test when the board has less RAM.
 */
void *cr_board_test_ram(size_t size);

#endif /* TESTS_HARNESS_CRITERION_H */
