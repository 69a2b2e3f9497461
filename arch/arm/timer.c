// SPDX-License-Identifier: MIT
/*
 * arch/arm/timer.c - the periodic interrupt of arch_timer_start(): CMSDK APB
 * timer 0 of the mps2-an385 (ARM DDI 0479), interrupt 8 of the NVIC, counting
 * the 25 MHz peripheral clock. Timer 1 is the UART's (uart.c).
 */
#include <arch/arch.h>

#include "board.h"

#define TIMER0_BASE 0x40000000u
#define TIMER_CTRL 0x00
#define TIMER_VALUE 0x04
#define TIMER_RELOAD 0x08
#define TIMER_INTCLEAR 0x0c /* write 1: the interrupt is served */
#define TIMER_CTRL_EN (1u << 0)
#define TIMER_CTRL_IRQEN (1u << 3)
#define TIMER_PCLK_MHZ 25u

/* NVIC (ARMv7-M ARM, B3.4): set-enable, clear-enable, clear-pending, one bit per interrupt. */
#define NVIC_ISER0 ((volatile uint32_t *)0xe000e100u)
#define NVIC_ICER0 ((volatile uint32_t *)0xe000e180u)
#define NVIC_ICPR0 ((volatile uint32_t *)0xe000e280u)

static inline volatile uint32_t *timer_reg(uint32_t offset)
{
	return (volatile uint32_t *)(TIMER0_BASE + offset);
}

/* What the interrupt runs while the timer runs. */
static void (*timer_fn)(void);

bool arch_timer_start(unsigned int period_us, void (*fn)(void))
{
	uint32_t ticks = period_us ? period_us * TIMER_PCLK_MHZ : 1;

	timer_fn = fn;
	*timer_reg(TIMER_CTRL) = 0;
	*timer_reg(TIMER_RELOAD) = ticks;
	*timer_reg(TIMER_VALUE) = ticks;
	*timer_reg(TIMER_INTCLEAR) = 1;
	*NVIC_ICPR0 = 1u << ARM_TIMER0_IRQ;
	*NVIC_ISER0 = 1u << ARM_TIMER0_IRQ;
	*timer_reg(TIMER_CTRL) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
	return true;
}

void arch_timer_stop(void)
{
	*timer_reg(TIMER_CTRL) = 0;
	*NVIC_ICER0 = 1u << ARM_TIMER0_IRQ;
	*timer_reg(TIMER_INTCLEAR) = 1;
	*NVIC_ICPR0 = 1u << ARM_TIMER0_IRQ;
	__asm__ volatile("dsb\n\tisb" : : : "memory");
	timer_fn = NULL;
}

void arm_timer0_irq(void)
{
	*timer_reg(TIMER_INTCLEAR) = 1;
	if (timer_fn)
		timer_fn();
}
