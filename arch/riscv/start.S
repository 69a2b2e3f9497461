/* SPDX-License-Identifier: MIT */
/*
 * arch/riscv/start.S - entry and trap vector of the virt board: hart 0 sets
 * up gp, sp and mtvec, clears .bss and calls kernel_main(); other harts park.
 */

/* QEMU jumps here (the ELF entry, 0x80000000) in machine mode, a0 = hart id. */
	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	csrr t0, mhartid
	bnez t0, park

	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	la sp, __stack_top
	la t0, trap_entry
	csrw mtvec, t0
	csrw mie, zero

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

	/* Harts other than 0 sleep for good: nothing enables their interrupts. */
park:
	wfi
	j park
	.size _start, . - _start

/*
 * Every trap lands here (mtvec direct mode). Nothing is expected to trap, so
 * report it and stop, on a fresh stack: the old one may be the very thing
 * that broke (an overflow into the guard). Nothing returns.
 */
	.section .text.trap_entry, "ax", @progbits
	.align 2
	.type trap_entry, @function
trap_entry:
	csrw mscratch, sp
	la sp, __stack_top
	addi sp, sp, -16
	sd ra, 0(sp)
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	csrr a0, mcause
	csrr a1, mepc
	csrr a2, mtval
	csrr a3, mscratch
	ld a4, 0(sp)
	call riscv_trap
	.size trap_entry, . - trap_entry
