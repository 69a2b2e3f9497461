// SPDX-License-Identifier: MIT
/*
 * arch/arm/cycles.c - the instruction counter of the mps2-an385 board: SysTick
 * on the 25 MHz processor clock, free-running over its 24 bits. Under QEMU
 * with -icount shift=S every instruction takes 2^S ns of virtual time, so the
 * count moves 2^S / 40 ticks per instruction (6.4 at S = 8); the straight-line
 * sequences that measure it are in cycles_seq.S.
 */
#include <arch/arch.h>

#include "cycles.h"

#define SYST_CSR ((volatile uint32_t *)SYST_CSR_ADDR)
#define SYST_RVR ((volatile uint32_t *)SYST_RVR_ADDR)
#define SYST_CVR ((volatile uint32_t *)SYST_CVR_ADDR)

void arch_cycles_init(struct arch_cycles_info *info)
{
	*SYST_CSR = 0;
	*SYST_RVR = SYST_MAX;
	*SYST_CVR = 0; /* any write clears it: the count starts again from RVR */
	*SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE; /* no interrupt */
	info->name = "SysTick";
	info->mask = SYST_MAX;
	info->nops_max = CYCLES_NOPS_MAX;
	info->mix_insns = CYCLES_MIX_INSNS;
}

/* SysTick counts down: turn it around, so that the count goes up. */
unsigned long arch_cycles(void)
{
	return SYST_MAX - *SYST_CVR;
}
