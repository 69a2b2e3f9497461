/* SPDX-License-Identifier: MIT */
/*
 * kernel/cpu.h - what the commands may ask of the CPUs they run on: how many
 * there are and which one runs, interrupt masking, a function run on every
 * one at once, a timer interrupt and an instruction counter.
 *
 * kernel/main.c registers the board's (arch/arch.h) at boot. Until then, and
 * in the unit tests, which link these files without a board: one CPU, nothing
 * to mask, no timer, no counter.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdbool.h>

/* What a board gives; every field may be NULL (then as without a board). */
struct cpu_ops {
	unsigned int (*nr_cpus)(void);
	unsigned int (*cpu_id)(void);
	unsigned long (*irq_save)(void);
	void (*irq_restore)(unsigned long flags);
	void (*on_each_cpu)(void (*fn)(void *arg), void *arg);
	bool (*timer_start)(unsigned int period_us, void (*fn)(void));
	void (*timer_stop)(void);
	unsigned long (*cycles)(void); /* a free-running counter, wrapping at cycles_mask + 1 */
	unsigned long cycles_mask;
	const char *cycles_name; /* e.g. "minstret" */
};

/* cpu_register - use @ops from now on; it must stay valid. */
void cpu_register(const struct cpu_ops *ops);

/* CPUs running the firmware (1 without a board). */
unsigned int nr_cpus(void);

/* The caller's CPU: 0 to nr_cpus() - 1. */
unsigned int cpu_id(void);

/* Mask the caller's interrupts; return what cpu_irq_restore() puts back. */
unsigned long cpu_irq_save(void);
void cpu_irq_restore(unsigned long flags);

/* on_each_cpu - @fn(@arg) on every CPU at once; back when every call has
 * returned. From CPU 0, not from an interrupt, not nested. */
void on_each_cpu(void (*fn)(void *arg), void *arg);

/* cpu_timer_start - @fn in interrupt context about every @period_us on this
 * CPU until cpu_timer_stop(). Return: false when there is no timer. */
bool cpu_timer_start(unsigned int period_us, void (*fn)(void));
void cpu_timer_stop(void);

/* The counter's name, or NULL when there is none (then cpu_cycles() is 0). */
const char *cpu_cycles_name(void);

/* Ticks of the counter from @since to now (0 without a counter). */
unsigned long cpu_cycles_since(unsigned long since);

/* The counter now. */
unsigned long cpu_cycles(void);

#endif /* KERNEL_CPU_H */
