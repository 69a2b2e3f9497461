// SPDX-License-Identifier: MIT
/*
 * kernel/port.c - the firmware's side of <mm/port.h>: misuse reports go to
 * the console. The lock hooks are every board's (arch/common/lock.c); the
 * other hooks keep their defaults from mm/port.c.
 *
 * Not linked into the host unit tests: they record reports with a hook of
 * their own (tests/unit/helpers.c).
 */
#include <mm/port.h>

#include "report.h"

void mm_port_report(const struct mm_report *r)
{
	report_misuse(r);
}
