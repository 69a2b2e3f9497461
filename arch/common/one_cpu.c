// SPDX-License-Identifier: MIT
/*
 * arch/common/one_cpu.c - the CPU functions of arch/arch.h for a board with
 * one CPU: the arm board and the host process.
 */
#include <arch/arch.h>

unsigned int arch_nr_cpus(void)
{
	return 1;
}

unsigned int arch_cpu_id(void)
{
	return 0;
}

void arch_on_each_cpu(void (*fn)(void *arg), void *arg)
{
	fn(arg);
}
