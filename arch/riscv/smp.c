// SPDX-License-Identifier: MIT
/*
 * arch/riscv/smp.c - the harts of the virt board, and its timer interrupt,
 * both through the CLINT: a software-interrupt word per hart (an IPI), and a
 * machine timer compared per hart.
 *
 * Harts 1 to NR_HARTS - 1 wait in start.S until hart 0 raises their software
 * interrupt, then come here on their own stacks and wait for work:
 *
 *   hart 0: arch_on_each_cpu(fn)          hart h (riscv_hart_main())
 *     call = { fn, arg }, seq + 1           sleeps until seq moves (wfi)
 *     IPI to every hart ------------------>  runs fn(arg)
 *     runs fn(arg) itself                    done + 1; the last one done:
 *     sleeps until done = harts - 1 <------  IPI to hart 0
 *
 * A hart sleeps with interrupts masked in mstatus and only its software
 * interrupt enabled in mie: wfi returns once an IPI is pending, nothing traps,
 * and the hart clears it and looks at what it waits for again, so no IPI is
 * lost between the look and the wfi. Interrupts are otherwise on (mstatus.MIE)
 * with no source enabled, except the timer while arch_timer_start() runs it.
 */
#include <arch/arch.h>

#include "board.h"

/* The CLINT of the virt board (QEMU hw/riscv/virt.c, hw/intc/riscv_aclint.c). */
#define CLINT_BASE 0x2000000ul
#define CLINT_MSIP(hart) ((volatile uint32_t *)(CLINT_BASE + 4ul * (hart)))
#define CLINT_MTIMECMP(hart) ((volatile uint64_t *)(CLINT_BASE + 0x4000ul + 8ul * (hart)))
#define CLINT_MTIME ((volatile uint64_t *)(CLINT_BASE + 0xbff8ul))
#define CLINT_HZ 10000000ul /* mtime's rate: the device tree's timebase-frequency */

#define MIE_MSIE (1ul << 3)
#define MIE_MTIE (1ul << 7)
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7

/* How long hart 0 waits for the others to come up, in mtime ticks (1 s). */
#define HARTS_UP_TICKS CLINT_HZ

/* Harts running the firmware: 1, then as many as came up by riscv_harts_init(). */
static unsigned int nr_harts = 1;
/* Harts past start.S: riscv_hart_main() counts itself in. */
static unsigned int harts_up;

/* The work of arch_on_each_cpu(): seq moves once the call is in place. */
static struct {
	void (*fn)(void *arg);
	void *arg;
	unsigned int seq;
	unsigned int done; /* harts other than 0 that finished it */
} call;

unsigned int arch_nr_cpus(void)
{
	return nr_harts;
}

unsigned int arch_cpu_id(void)
{
	unsigned long hart;

	__asm__ volatile("csrr %0, mhartid" : "=r"(hart));
	return (unsigned int)hart;
}

static void send_ipi(unsigned int hart)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*CLINT_MSIP(hart) = 1;
}

/*
 * Sleep until *@word != @old, or, with @deadline, until mtime reaches it
 * (through this hart's timer compare: not while arch_timer_start() runs it).
 * Return: whether *@word moved. An acquire of what came before the change.
 */
static bool hart_wait(const unsigned int *word, unsigned int old, uint64_t deadline)
{
	unsigned int hart = arch_cpu_id();
	unsigned long flags = arch_irq_save(), enable = MIE_MSIE | (deadline ? MIE_MTIE : 0);
	bool moved;

	if (deadline)
		*CLINT_MTIMECMP(hart) = deadline;
	__asm__ volatile("csrs mie, %0" : : "r"(enable) : "memory");
	for (;;) {
		moved = __atomic_load_n(word, __ATOMIC_ACQUIRE) != old;
		if (moved || (deadline && *CLINT_MTIME >= deadline))
			break;
		__asm__ volatile("wfi" : : : "memory");
		*CLINT_MSIP(hart) = 0;
	}
	__asm__ volatile("csrc mie, %0" : : "r"(enable) : "memory");
	if (deadline)
		*CLINT_MTIMECMP(hart) = ~0ull;
	arch_irq_restore(flags);
	return moved;
}

/* Interrupts on from now on, with no source enabled yet (arch_timer_start()). */
static void hart_irq_on(void)
{
	__asm__ volatile("csrw mie, zero\n\tcsrs mstatus, %0" : : "r"(MSTATUS_MIE) : "memory");
}

void riscv_harts_init(void)
{
	uint64_t deadline = *CLINT_MTIME + HARTS_UP_TICKS;
	unsigned int h, up = 0;

	*CLINT_MTIMECMP(0) = ~0ull;
	hart_irq_on();
	for (h = 1; h < NR_HARTS; h++)
		send_ipi(h);
	while (1 + up < NR_HARTS && hart_wait(&harts_up, up, deadline))
		up = __atomic_load_n(&harts_up, __ATOMIC_ACQUIRE);
	nr_harts = 1 + up;
	if (nr_harts < NR_HARTS) {
		uart_puts("warning: ");
		uart_putdec(nr_harts);
		uart_puts(" of ");
		uart_putdec(NR_HARTS);
		uart_puts(" harts came up; does QEMU run with -smp ");
		uart_putdec(NR_HARTS);
		uart_puts("?\n");
	}
}

void riscv_hart_main(unsigned int hart)
{
	unsigned int seq = 0;

	*CLINT_MSIP(hart) = 0; /* the release */
	*CLINT_MTIMECMP(hart) = ~0ull;
	riscv_stack_guard_init(hart);
	hart_irq_on();
	__atomic_add_fetch(&harts_up, 1, __ATOMIC_ACQ_REL);
	send_ipi(0);
	for (;;) {
		hart_wait(&call.seq, seq, 0);
		seq = __atomic_load_n(&call.seq, __ATOMIC_ACQUIRE);
		if (hart >= nr_harts) /* up after hart 0 stopped waiting: not counted, no work */
			for (;;)
				__asm__ volatile("csrw mie, zero\n\twfi");
		call.fn(call.arg);
		if (__atomic_add_fetch(&call.done, 1, __ATOMIC_ACQ_REL) == nr_harts - 1)
			send_ipi(0);
	}
}

void arch_on_each_cpu(void (*fn)(void *arg), void *arg)
{
	unsigned int h;

	if (nr_harts == 1) {
		fn(arg);
		return;
	}
	call.fn = fn;
	call.arg = arg;
	__atomic_store_n(&call.done, 0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&call.seq, 1, __ATOMIC_RELEASE);
	for (h = 1; h < nr_harts; h++)
		send_ipi(h);
	fn(arg);
	while (__atomic_load_n(&call.done, __ATOMIC_ACQUIRE) != nr_harts - 1)
		hart_wait(&call.done, __atomic_load_n(&call.done, __ATOMIC_RELAXED), 0);
}

/* ---- the timer interrupt ------------------------------------------------------------ */

/* What arch_timer_start() runs, on which hart, every how many mtime ticks. */
static void (*timer_fn)(void);
static unsigned int timer_hart;
static uint64_t timer_ticks;

bool arch_timer_start(unsigned int period_us, void (*fn)(void))
{
	unsigned long flags = arch_irq_save();

	timer_fn = fn;
	timer_hart = arch_cpu_id();
	timer_ticks = period_us * (CLINT_HZ / 1000000);
	if (!timer_ticks)
		timer_ticks = 1;
	*CLINT_MTIMECMP(timer_hart) = *CLINT_MTIME + timer_ticks;
	__asm__ volatile("csrs mie, %0" : : "r"(MIE_MTIE) : "memory");
	arch_irq_restore(flags);
	return true;
}

void arch_timer_stop(void)
{
	unsigned long flags = arch_irq_save();

	__asm__ volatile("csrc mie, %0" : : "r"(MIE_MTIE) : "memory");
	*CLINT_MTIMECMP(timer_hart) = ~0ull;
	timer_fn = NULL;
	arch_irq_restore(flags);
}

void riscv_interrupt(uint64_t cause)
{
	unsigned int hart = arch_cpu_id();
	uint64_t epc, tval;

	switch (cause & ~MCAUSE_INTERRUPT) {
	case IRQ_M_TIMER:
		/* The next one a period from now: a slow handler does not pile them up. */
		*CLINT_MTIMECMP(hart) = *CLINT_MTIME + timer_ticks;
		if (timer_fn)
			timer_fn();
		return;
	case IRQ_M_SOFT: /* an IPI seen with interrupts on: hart_wait() looks again anyway */
		*CLINT_MSIP(hart) = 0;
		return;
	default:
		__asm__ volatile("csrr %0, mepc" : "=r"(epc));
		__asm__ volatile("csrr %0, mtval" : "=r"(tval));
		riscv_trap(cause, epc, tval, 0, 0);
	}
}
