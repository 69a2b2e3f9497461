// SPDX-License-Identifier: MIT
/*
 * arch/riscv/board.c - the QEMU virt board behind arch/arch.h: the heap
 * region, mstatus.MIE masking, exit through the test finisher, stack guards
 * and trap reports. The harts are smp.c's.
 */
#include <arch/arch.h>

#include "board.h"

/* QEMU's sifive_test device: writing it ends QEMU with a status. */
#define FINISHER ((volatile uint32_t *)0x100000ul)
#define FINISHER_PASS 0x5555u /* exit status 0 */
#define FINISHER_FAIL 0x3333u /* exit status in the upper 16 bits */

/* pmpcfg fields: locked (binds machine mode too), naturally aligned power of two. */
#define PMP_L 0x80ul
#define PMP_NAPOT 0x18ul

/* "virt (rv64imac)", and with several harts ", N harts" for those that came up. */
static char board_name[] = "virt (rv64imac, 0 harts)";
_Static_assert(NR_HARTS <= 9, "board_name has one digit for the harts");

const char *arch_board_name(void)
{
	unsigned int n = arch_nr_cpus();

	if (NR_HARTS == 1)
		return "virt (rv64imac)";
	board_name[sizeof("virt (rv64imac, ") - 1] = (char)('0' + n);
	return board_name;
}

unsigned int arch_ram_regions(struct arch_ram_region *out, unsigned int max)
{
	if (max > 0) {
		out[0].name = "DRAM";
		out[0].start = __heap0_start;
		out[0].size = (uintptr_t)__heap0_end - (uintptr_t)__heap0_start;
	}
	return 1;
}

unsigned long arch_irq_save(void)
{
	unsigned long mstatus;

	__asm__ volatile("csrrc %0, mstatus, %1" : "=r"(mstatus) : "i"(MSTATUS_MIE) : "memory");
	return mstatus & MSTATUS_MIE;
}

void arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("csrs mstatus, %0" : : "r"(flags & MSTATUS_MIE) : "memory");
}

void arch_exit(int status)
{
	uint32_t code = (uint32_t)status & 0xff;

	arch_irq_save();
	*FINISHER = code ? code << 16 | FINISHER_FAIL : FINISHER_PASS;
	for (;;) /* only if the finisher is missing */
		__asm__ volatile("wfi");
}

/*
 * A locked no-access PMP region over the guard below the stack: an overflow
 * traps at once instead of running into .bss or the stack of the hart below.
 * Locked entries bind machine mode too, until the next reset. PMP registers
 * are each hart's own: every hart guards its own stack.
 */
void riscv_stack_guard_init(unsigned int hart)
{
	unsigned long size = (uintptr_t)__stack_bottom - (uintptr_t)__stack_guard;
	unsigned long addr =
		((uintptr_t)__stack_guard + hart_stack_offset(hart)) >> 2 | ((size >> 3) - 1);

	__asm__ volatile("csrw pmpaddr0, %0" : : "r"(addr));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"(PMP_L | PMP_NAPOT));
}

void riscv_board_init(void)
{
	uart_init(); /* console first, so traps below can be reported */
	riscv_stack_guard_init(0);
	riscv_harts_init(); /* harts 1 to NR_HARTS - 1, each on its own stack */
}

static const char *const exception_names[16] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "ecall from U-mode",
	[9] = "ecall from S-mode",
	[11] = "ecall from M-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
};

static void report_reg(const char *name, uint64_t v)
{
	uart_puts(name);
	uart_puthex(v);
}

/* Whether @addr lies in the guard below the stack of hart @hart. */
static bool in_guard(unsigned int hart, uint64_t addr)
{
	uintptr_t off = hart_stack_offset(hart);

	return addr >= (uintptr_t)__stack_guard + off && addr < (uintptr_t)__stack_bottom + off;
}

void riscv_trap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t sp, uint64_t ra)
{
	uint64_t code = cause & ~MCAUSE_INTERRUPT;
	unsigned int hart = arch_cpu_id();
	const char *name = NULL;

	if (!(cause & MCAUSE_INTERRUPT) && code < 16)
		name = exception_names[code];
	uart_puts("\n*** ");
	if (cause & MCAUSE_INTERRUPT)
		uart_puts("unexpected interrupt");
	else
		uart_puts(name ? name : "reserved exception");
	uart_puts(" (mcause ");
	uart_puthex(cause);
	uart_puts(")");
	if (NR_HARTS > 1) {
		uart_puts(" on hart ");
		uart_putdec(hart);
	}
	uart_puts("\n");
	report_reg("  mepc ", epc);
	report_reg("  mtval ", tval);
	report_reg("\n  ra   ", ra);
	report_reg("  sp    ", sp);
	uart_puts("\n");
	if (in_guard(hart, sp) || (!(cause & MCAUSE_INTERRUPT) && in_guard(hart, tval))) {
		report_reg("  stack overflow: the guard below the stack at ",
			   (uintptr_t)__stack_bottom + hart_stack_offset(hart));
		uart_puts(" was hit\n");
	}
	uart_puts("*** stopping: exit status ");
	uart_putdec(RISCV_TRAP_STATUS);
	uart_puts("\n");
	arch_exit(RISCV_TRAP_STATUS);
}
