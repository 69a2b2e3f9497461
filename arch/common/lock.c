// SPDX-License-Identifier: MIT
/*
 * arch/common/lock.c - the allocator's lock (<mm/port.h>) for every board:
 * interrupts masked by arch_irq_save() while an allocator call runs, so that
 * an interrupt handler may allocate too. One CPU; a board with several would
 * need a spinlock as well.
 */
#include <arch/arch.h>
#include <mm/port.h>

/* Calls never nest (<mm/port.h>), so one saved state is enough. */
static unsigned long mm_lock_flags;

void mm_port_lock(void)
{
	mm_lock_flags = arch_irq_save();
}

void mm_port_unlock(void)
{
	arch_irq_restore(mm_lock_flags);
}
