// SPDX-License-Identifier: MIT
/*
 * kernel/cpu.c - the CPUs the firmware runs on, as kernel/main.c registers
 * them from the board; without a board (the unit tests), one CPU with no
 * interrupts, timer or counter.
 */
#include <stddef.h>

#include "cpu.h"

static const struct cpu_ops no_board;
static const struct cpu_ops *ops = &no_board;

void cpu_register(const struct cpu_ops *board)
{
	ops = board;
}

unsigned int nr_cpus(void)
{
	return ops->nr_cpus ? ops->nr_cpus() : 1;
}

unsigned int cpu_id(void)
{
	return ops->cpu_id ? ops->cpu_id() : 0;
}

unsigned long cpu_irq_save(void)
{
	return ops->irq_save ? ops->irq_save() : 0;
}

void cpu_irq_restore(unsigned long flags)
{
	if (ops->irq_restore)
		ops->irq_restore(flags);
}

void on_each_cpu(void (*fn)(void *arg), void *arg)
{
	if (ops->on_each_cpu)
		ops->on_each_cpu(fn, arg);
	else
		fn(arg);
}

bool cpu_timer_start(unsigned int period_us, void (*fn)(void))
{
	return ops->timer_start && ops->timer_start(period_us, fn);
}

void cpu_timer_stop(void)
{
	if (ops->timer_stop)
		ops->timer_stop();
}

const char *cpu_cycles_name(void)
{
	return ops->cycles ? ops->cycles_name : NULL;
}

unsigned long cpu_cycles(void)
{
	return ops->cycles ? ops->cycles() : 0;
}

unsigned long cpu_cycles_since(unsigned long since)
{
	return ops->cycles ? (ops->cycles() - since) & ops->cycles_mask : 0;
}
