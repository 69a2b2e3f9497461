/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/start.S - entry and trap vector of the virt board. Every hart
 * starts here: hart 0 clears .bss, sets the board up (which releases the
 * other harts) and calls kernel_main(); harts 1 to NR_HARTS - 1 wait for that
 * release, then run riscv_hart_main() on stacks of their own; harts beyond
 * park for good.
 */
#include <mm/config.h>

/* Harts the image runs on: SMP=N of the Makefile (CONFIG_MM_NR_CPUS), else 1. */
#define NR_HARTS CONFIG_MM_NR_CPUS

/* The CLINT's software-interrupt word of hart 0; hart h's is 4 * h further. */
#define CLINT_MSIP 0x2000000
#define MIE_MSIE 0x8

/* For linker/riscv.ld: it reserves a guard and a stack per hart. */
	.globl __nr_harts
	.set __nr_harts, NR_HARTS

/*
 * reg = __stack_top + hart * (one hart's guard and stack): the top of the
 * stack of the hart whose number is in @hart (linker/riscv.ld lays them out
 * one after the other, hart 0's first). Clobbers @tmp.
 */
	.macro hart_stack_top reg, hart, tmp
	la \tmp, __stack_guard
	la \reg, __stack_top
	sub \tmp, \reg, \tmp
	mul \tmp, \tmp, \hart
	add \reg, \reg, \tmp
	.endm

/* QEMU jumps here (the ELF entry, 0x80000000) in machine mode, a0 = hart id. */
	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	csrr s0, mhartid
	li t0, NR_HARTS
	bgeu s0, t0, park

	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	hart_stack_top sp, s0, t0
	la t0, trap_entry
	csrw mtvec, t0
	csrw mie, zero
	bnez s0, secondary

	/* Clear .bss (8-byte aligned by linker/riscv.ld). */
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b

2:	call riscv_board_init
	call kernel_main
	/* kernel_main() never returns; if it does, say so through the exit status. */
	li a0, 70
	call arch_exit

	/*
	 * Harts 1 to NR_HARTS - 1 sleep until hart 0 raises their software
	 * interrupt (riscv_board_init(), once .bss is clear): with only that
	 * interrupt enabled in mie and none in mstatus, wfi returns when it is
	 * pending and nothing traps. wfi may also return for nothing: check.
	 */
secondary:
	li t0, MIE_MSIE
	csrw mie, t0
	li t1, CLINT_MSIP
	slli t2, s0, 2
	add t1, t1, t2
3:	wfi
	lw t2, 0(t1)
	beqz t2, 3b
	mv a0, s0
	call riscv_hart_main
	li a0, 70
	call arch_exit

	/* Harts the image has no stack for sleep for good: nothing enables their interrupts. */
park:
	wfi
	j park
	.size _start, . - _start

/*
 * Every trap lands here (mtvec direct mode). An interrupt (the timer of
 * arch_timer_start(), a stray software interrupt) is handled on the stack it
 * arrived on and returns. An exception is not expected: report it and stop,
 * on a fresh stack of the hart's own: the old one may be the very thing that
 * broke (an overflow into the guard). Nothing returns from that.
 */
	.section .text.trap_entry, "ax", @progbits
	.align 2
	.type trap_entry, @function
trap_entry:
	csrw mscratch, t0
	csrr t0, mcause
	bltz t0, interrupt	/* mcause bit 63: an interrupt */

	mv a4, ra
	mv a3, sp
	csrr t0, mhartid
	hart_stack_top sp, t0, t1
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	csrr a0, mcause
	csrr a1, mepc
	csrr a2, mtval
	call riscv_trap

	/* The registers a C function may change, saved on the interrupted stack. */
interrupt:
	csrr t0, mscratch
	addi sp, sp, -128
	sd ra, 0(sp)
	sd t0, 8(sp)
	sd t1, 16(sp)
	sd t2, 24(sp)
	sd t3, 32(sp)
	sd t4, 40(sp)
	sd t5, 48(sp)
	sd t6, 56(sp)
	sd a0, 64(sp)
	sd a1, 72(sp)
	sd a2, 80(sp)
	sd a3, 88(sp)
	sd a4, 96(sp)
	sd a5, 104(sp)
	sd a6, 112(sp)
	sd a7, 120(sp)
	csrr a0, mcause
	call riscv_interrupt
	ld ra, 0(sp)
	ld t0, 8(sp)
	ld t1, 16(sp)
	ld t2, 24(sp)
	ld t3, 32(sp)
	ld t4, 40(sp)
	ld t5, 48(sp)
	ld t6, 56(sp)
	ld a0, 64(sp)
	ld a1, 72(sp)
	ld a2, 80(sp)
	ld a3, 88(sp)
	ld a4, 96(sp)
	ld a5, 104(sp)
	ld a6, 112(sp)
	ld a7, 120(sp)
	addi sp, sp, 128
	mret
	.size trap_entry, . - trap_entry
