/* SPDX-License-Identifier: MIT */
/*
 * arch/arm/start.S - vector table and reset path of the mps2-an385 board:
 * copy .data, clear .bss, set the board up, then call kernel_main().
 */
	.syntax unified
	.cpu cortex-m3
	.thumb

/*
 * The vector table, placed at 0x00000000 by linker/arm.ld (VTOR resets to 0):
 * the initial stack pointer, the reset handler, then every other exception
 * and the 32 interrupts of the AN385. Only timer 0's interrupt
 * (ARM_TIMER0_IRQ, 8) is ever enabled, by arch_timer_start(); anything else
 * arriving is a fault: fault_entry reports it.
 */
	.section .vectors, "a", %progbits
	.align 2
	.globl vectors
vectors:
	.word __stack_top
	.word reset_handler
	.rept 14 + 8
	.word fault_entry
	.endr
	.word arm_timer0_irq		/* interrupt 8 (a Thumb function: bit 0 set) */
	.rept 32 - 8 - 1
	.word fault_entry
	.endr
	.size vectors, . - vectors

	.section .text.reset_handler, "ax", %progbits
	.align 2
	.globl reset_handler
	.type reset_handler, %function
reset_handler:
	/* The core loaded sp from the table; do it again for a debugger's jump here. */
	ldr r0, =__stack_top
	mov sp, r0

	/* Copy .data from its load address in SSRAM1 to SSRAM2/3 (word-aligned). */
	ldr r0, =__data_start
	ldr r1, =__data_end
	ldr r2, =__data_load
1:	cmp r0, r1
	bhs 2f
	ldr r3, [r2], #4
	str r3, [r0], #4
	b 1b

	/* Clear .bss (word-aligned). */
2:	ldr r0, =__bss_start
	ldr r1, =__bss_end
	movs r3, #0
3:	cmp r0, r1
	bhs 4f
	str r3, [r0], #4
	b 3b

4:	bl arm_board_init
	bl kernel_main
	/* kernel_main() never returns; if it does, say so through the exit status. */
	movs r0, #70
	bl arch_exit
	.size reset_handler, . - reset_handler

/*
 * Every exception but reset lands here. Unless semihost_detect() is probing,
 * pass the stack the frame was pushed on and EXC_RETURN to arm_fault(), on a
 * fresh stack: the old one may be the very thing that broke (an overflow into
 * the guard). Nothing returns.
 */
	.section .text.fault_entry, "ax", %progbits
	.align 2
	.type fault_entry, %function
fault_entry:
	ldr r0, =semihost_probe
	ldr r1, [r0]
	cbz r1, 1f
	/* The BKPT of semihost_detect() without semihosting: note it, step over it. */
	movs r1, #0
	str r1, [r0]
	mrs r0, msp
	ldr r1, [r0, #24]
	adds r1, #2
	str r1, [r0, #24]
	bx lr

1:	tst lr, #4
	ite eq
	mrseq r0, msp
	mrsne r0, psp
	mov r1, lr
	ldr r2, =__stack_top
	mov sp, r2
	b arm_fault
	.size fault_entry, . - fault_entry
