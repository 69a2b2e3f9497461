// SPDX-License-Identifier: MIT
/*
 * tests/libc/board/main.c - the kernel_main() of the libc test image: the
 * board's start-up code, this file, libc_demo() and the C library, with
 * bareslab as its malloc. It gives the board's RAM to bareslab, runs the
 * demo, prints slabinfo and meminfo, and stops the machine with the demo's
 * status. In a firmware image linked with a C library, the console command
 * `libc` runs the same libc_demo().
 */
#include <stdio.h>

#include <arch/arch.h>
#include <mm/page_alloc.h>
#include <mm/stats.h>
#include "libc_demo.h"

static void print_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
}

void kernel_main(void)
{
	struct arch_ram_region ram[4];
	struct mm_printer p = { .write = print_out };
	unsigned int i, n;
	int status;

	arch_libc_init();
	n = arch_ram_regions(ram, 4);
	for (i = 0; i < n && i < 4; i++)
		if (mm_add_region(ram[i].start, ram[i].size) != 0)
			printf("libc image: region %s not added\n", ram[i].name);
	printf("libc image on %s\n", arch_board_name());
	status = libc_demo();
	mm_print_slabinfo(&p);
	mm_print_meminfo(&p);
	fflush(stdout);
	arch_exit(status);
}
