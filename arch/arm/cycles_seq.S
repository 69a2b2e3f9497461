/* SPDX-License-Identifier: MIT */
/*
 * arch/arm/cycles_seq.S - straight-line sequences between two reads of SysTick's
 * current value, for calibrating the counter (arch/arch.h). Each returns
 * first read - second read (SysTick counts down), modulo 2^24.
 */
#include "cycles.h"

	.syntax unified
	.cpu cortex-m3
	.thumb

/*
 * unsigned long arch_cycles_nops(unsigned int n): read, jump to the n-th nop
 * from the end of the run, run the n nops, read. r0 = n, not checked.
 */
	.section .text.arch_cycles_nops, "ax", %progbits
	.align 2
	.globl arch_cycles_nops
	.type arch_cycles_nops, %function
arch_cycles_nops:
	ldr r2, =SYST_CVR_ADDR
	ldr r3, =1f
	sub r3, r3, r0, lsl #1	/* 16-bit nops */
	orr r3, r3, #1		/* stay in Thumb state */
	ldr r1, [r2]		/* first read */
	bx r3
	.rept CYCLES_NOPS_MAX
	nop
	.endr
1:	ldr r0, [r2]		/* second read */
	subs r0, r1, r0
	bic r0, r0, #0xff000000
	bx lr
	.ltorg
	.size arch_cycles_nops, . - arch_cycles_nops

/*
 * unsigned long arch_cycles_mix(void): read, jump, CYCLES_MIX_INSNS
 * instructions of several kinds on fixed values, read. Nothing depends on
 * the counter, so every call runs the same instructions.
 */
	.section .text.arch_cycles_mix, "ax", %progbits
	.align 2
	.globl arch_cycles_mix
	.type arch_cycles_mix, %function
arch_cycles_mix:
	push {r4, lr}
	sub sp, sp, #8
	ldr r2, =SYST_CVR_ADDR
	movs r3, #7
	movs r4, #3
	ldr r1, [r2]		/* first read */
	b 1f			/* the jump, as in arch_cycles_nops */
1:	adds r3, r3, #1		/*  1: 8 */
	eors r3, r3, r4		/*  2: 11 */
	lsls r3, r3, #2		/*  3: 44 */
	str r3, [sp]		/*  4 */
	ldr r0, [sp]		/*  5: 44 */
	muls r0, r4, r0		/*  6: 132 */
	udiv r0, r0, r4		/*  7: 44 */
	cmp r0, r3		/*  8: equal */
	bne 2f			/*  9: not taken */
	beq 3f			/* 10: taken, over the next instruction */
2:	movs r3, #0		/* never runs */
3:	movw r0, #0x1234	/* 11: a 32-bit encoding */
	ldr r0, [r2]		/* second read */
	subs r0, r1, r0
	bic r0, r0, #0xff000000
	add sp, sp, #8
	pop {r4, pc}
	.ltorg
	.size arch_cycles_mix, . - arch_cycles_mix
