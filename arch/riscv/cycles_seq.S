/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/cycles_seq.S - straight-line sequences between two reads of
 * minstret, for calibrating the counter (arch/arch.h). Each returns second
 * read - first read.
 */
#include "cycles.h"

/*
 * unsigned long arch_cycles_nops(unsigned int n): read, jump to the n-th nop
 * from the end of the run, run the n nops, read. a0 = n, not checked.
 */
	.section .text.arch_cycles_nops, "ax", @progbits
	.align 2
	.globl arch_cycles_nops
	.type arch_cycles_nops, @function
arch_cycles_nops:
	la t0, 1f
	slli t1, a0, 2		/* 4-byte nops */
	sub t0, t0, t1
	csrr t2, minstret	/* first read */
	jr t0
	.option push
	.option norvc		/* every nop 4 bytes, not c.nop */
	.rept CYCLES_NOPS_MAX
	nop
	.endr
	.option pop
1:	csrr a0, minstret	/* second read */
	sub a0, a0, t2
	ret
	.size arch_cycles_nops, . - arch_cycles_nops

/*
 * unsigned long arch_cycles_mix(void): read, jump, CYCLES_MIX_INSNS
 * instructions of several kinds on fixed values, read. Nothing depends on
 * the counter, so every call runs the same instructions.
 */
	.section .text.arch_cycles_mix, "ax", @progbits
	.align 2
	.globl arch_cycles_mix
	.type arch_cycles_mix, @function
arch_cycles_mix:
	addi sp, sp, -16
	li t3, 7
	li t4, 3
	csrr t2, minstret	/* first read */
	j 1f			/* the jump, as in arch_cycles_nops */
1:	addi t3, t3, 1		/*  1: 8 */
	xor t3, t3, t4		/*  2: 11 */
	slli t3, t3, 2		/*  3: 44 */
	sd t3, 0(sp)		/*  4 */
	ld a0, 0(sp)		/*  5: 44 */
	mul a0, a0, t4		/*  6: 132 */
	divu a0, a0, t4		/*  7: 44 */
	bne a0, t3, 2f		/*  8: not taken */
	beq a0, t3, 3f		/*  9: taken, over the next instruction */
2:	li t3, 0		/* never runs */
3:	lui a0, 0x12		/* 10 */
	csrr a0, minstret	/* second read */
	sub a0, a0, t2
	addi sp, sp, 16
	ret
	.size arch_cycles_mix, . - arch_cycles_mix
