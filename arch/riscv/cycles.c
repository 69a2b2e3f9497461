// SPDX-License-Identifier: MIT
/*
 * arch/riscv/cycles.c - the instruction counter of the virt board: minstret,
 * 64 bits, one tick per instruction retired (exact under QEMU with -icount).
 * The straight-line sequences that check it are in cycles_seq.S.
 */
#include <arch/arch.h>

#include "cycles.h"

/* minstret counts from reset in machine mode: nothing to start. */
void arch_cycles_init(struct arch_cycles_info *info)
{
	info->name = "minstret";
	info->mask = ~0ul;
	info->nops_max = CYCLES_NOPS_MAX;
	info->mix_insns = CYCLES_MIX_INSNS;
}

unsigned long arch_cycles(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, minstret" : "=r"(v) : : "memory");
	return v;
}
