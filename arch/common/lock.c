// SPDX-License-Identifier: MIT
/*
 * arch/common/lock.c - the allocator's port hooks for locking (<mm/port.h>),
 * for every board: interrupts masked by arch_irq_save() while an allocator
 * call runs, so that an interrupt handler may allocate too.
 *
 * With several CPUs (CONFIG_MM_NR_CPUS > 1, make SMP=N) the allocator masks
 * the caller's interrupts and takes that CPU's own spinlock itself, through
 * mm_port_irq_save() and mm_port_cpu_id(); mm_port_lock() then guards only
 * what the CPUs share, so it is a spinlock too, taken with interrupts masked
 * (an interrupt handler that allocates must not spin on a lock its own CPU
 * holds).
 */
#include <arch/arch.h>
#include <mm/config.h>
#include <mm/port.h>

#define SMP (CONFIG_MM_NR_CPUS > 1)

/* 1 while a CPU holds mm_port_lock() (several CPUs only). */
static unsigned int mm_spinlock;
/* Calls never nest (<mm/port.h>), so one saved state is enough: its holder's. */
static unsigned long mm_lock_flags;

void mm_port_lock(void)
{
	unsigned long flags = arch_irq_save();

	if (SMP) {
		while (__atomic_exchange_n(&mm_spinlock, 1u, __ATOMIC_ACQUIRE))
			while (__atomic_load_n(&mm_spinlock, __ATOMIC_RELAXED))
				;
	}
	mm_lock_flags = flags;
}

void mm_port_unlock(void)
{
	unsigned long flags = mm_lock_flags;

	if (SMP)
		__atomic_store_n(&mm_spinlock, 0u, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

unsigned int mm_port_cpu_id(void)
{
	return arch_cpu_id();
}

unsigned long mm_port_irq_save(void)
{
	return arch_irq_save();
}

void mm_port_irq_restore(unsigned long flags)
{
	arch_irq_restore(flags);
}
