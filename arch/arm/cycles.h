/* SPDX-License-Identifier: MIT */
/*
 * arch/arm/cycles.h - what cycles.c and cycles_seq.S share: the registers of the
 * SysTick timer and the sizes of the calibration sequences.
 */
#ifndef ARCH_ARM_CYCLES_H
#define ARCH_ARM_CYCLES_H

/* SysTick (ARMv7-M ARM, B3.3): control/status, reload value, current value. */
#define SYST_CSR_ADDR 0xe000e010
#define SYST_RVR_ADDR 0xe000e014
#define SYST_CVR_ADDR 0xe000e018

#define SYST_CSR_ENABLE 0x1 /* count */
#define SYST_CSR_CLKSOURCE 0x4 /* on the processor clock, not the reference clock */
#define SYST_MAX 0xffffff /* 24 bits; counts down to 0, then reloads RVR */

/* Nops in the run arch_cycles_nops() jumps into (2 bytes each). */
#define CYCLES_NOPS_MAX 2000

/* Instructions of arch_cycles_mix() between its jump and its second read. */
#define CYCLES_MIX_INSNS 11

#endif /* ARCH_ARM_CYCLES_H */
