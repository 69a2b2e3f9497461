/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/cycles.h - what cycles.c and cycles_seq.S share: the sizes of the
 * calibration sequences.
 */
#ifndef ARCH_RISCV_CYCLES_H
#define ARCH_RISCV_CYCLES_H

/* Nops in the run arch_cycles_nops() jumps into (4 bytes each). */
#define CYCLES_NOPS_MAX 2000

/* Instructions of arch_cycles_mix() between its jump and its second read. */
#define CYCLES_MIX_INSNS 10

#endif /* ARCH_RISCV_CYCLES_H */
