// SPDX-License-Identifier: MIT
/*
 * arch/arm/board.c - the mps2-an385 board behind arch/arch.h: heap regions,
 * PRIMASK masking, exit through semihosting, and the fault reporter.
 */
#include <arch/arch.h>

#include "board.h"

/* System control block and MPU (ARMv7-M ARM, B3.2 and B3.5). */
#define SCB_CCR ((volatile uint32_t *)0xe000ed14u)
#define SCB_CFSR ((volatile uint32_t *)0xe000ed28u)
#define SCB_HFSR ((volatile uint32_t *)0xe000ed2cu)
#define SCB_MMFAR ((volatile uint32_t *)0xe000ed34u)
#define SCB_BFAR ((volatile uint32_t *)0xe000ed38u)
#define SCB_AIRCR ((volatile uint32_t *)0xe000ed0cu)
#define MPU_TYPE ((volatile uint32_t *)0xe000ed90u)
#define MPU_CTRL ((volatile uint32_t *)0xe000ed94u)
#define MPU_RNR ((volatile uint32_t *)0xe000ed98u)
#define MPU_RBAR ((volatile uint32_t *)0xe000ed9cu)
#define MPU_RASR ((volatile uint32_t *)0xe000eda0u)

#define CCR_DIV_0_TRP (1u << 4)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)
#define HFSR_VECTTBL (1u << 1)
#define HFSR_FORCED (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)
#define AIRCR_SYSRESETREQ (0x05fau << 16 | 1u << 2)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2) /* the default map stays for the rest */
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_XN (1u << 28) /* AP = 0: no access at all */

/* ARM semihosting (ARM IHI 0068): SYS_EXIT_EXTENDED carries a status code. */
#define SYS_ERRNO 0x13
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* Exit path state; see semihost_detect() and arch_exit(). */
static volatile bool semihosting_on;
static volatile bool exiting;
static volatile int exit_status;

const char *arch_board_name(void)
{
	return "mps2-an385 (Cortex-M3)";
}

unsigned int arch_ram_regions(struct arch_ram_region *out, unsigned int max)
{
	if (max > 0) {
		out[0].name = "SSRAM1";
		out[0].start = __heap0_start;
		out[0].size = (uintptr_t)__heap0_end - (uintptr_t)__heap0_start;
	}
	if (max > 1) {
		out[1].name = "SSRAM2/3";
		out[1].start = __heap1_start;
		out[1].size = (uintptr_t)__heap1_end - (uintptr_t)__heap1_start;
	}
	if (max > 2) {
		out[2].name = "PSRAM";
		out[2].start = __heap2_start;
		out[2].size = (uintptr_t)__heap2_end - (uintptr_t)__heap2_start;
	}
	return 3;
}

unsigned long arch_irq_save(void)
{
	unsigned long primask;

	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
	return primask;
}

void arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("msr primask, %0" : : "r"(flags) : "memory");
}

static uint32_t semihost_call(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/*
 * Without semihosting, BKPT raises an exception: fault_entry sees
 * semihost_probe set, clears it and resumes after the BKPT. So semihost_probe
 * still set afterwards means the harmless SYS_ERRNO call went to QEMU.
 */
volatile uint32_t semihost_probe;

static void semihost_detect(void)
{
	semihost_probe = 1;
	semihost_call(SYS_ERRNO, 0);
	semihosting_on = semihost_probe;
	semihost_probe = 0;
	*SCB_HFSR = HFSR_DEBUGEVT; /* write-one-to-clear what the probe left */
}

static __attribute__((noreturn)) void system_reset(void)
{
	__asm__ volatile("dsb" : : : "memory");
	*SCB_AIRCR = AIRCR_SYSRESETREQ;
	for (;;)
		__asm__ volatile("dsb\n\twfi" : : : "memory");
}

void arch_exit(int status)
{
	arch_irq_save();
	exiting = true;
	exit_status = status;
	if (semihosting_on) {
		uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };

		semihost_call(SYS_EXIT_EXTENDED, block);
	}
	/* Only a reset is left: QEMU run with -no-reboot then quits (status 0). */
	uart_puts("\nexit status ");
	uart_putdec((uint32_t)status & 0xff);
	uart_puts(" lost: QEMU needs -semihosting-config enable=on,target=native\n");
	system_reset();
}

/*
 * A no-access MPU region over the guard below the stack: an overflow faults
 * at once instead of wandering into the silent reserved space under
 * SSRAM2/3. HardFault runs with the MPU off, so it can still report.
 */
static void stack_guard_init(void)
{
	uint32_t size = (uintptr_t)__stack_bottom - (uintptr_t)__stack_guard;

	if (!(*MPU_TYPE >> 8 & 0xff)) /* no MPU regions: no guard */
		return;
	*MPU_RNR = 0;
	*MPU_RBAR = (uintptr_t)__stack_guard;
	*MPU_RASR = MPU_RASR_XN | (uint32_t)(__builtin_ctz(size) - 1) << 1 | MPU_RASR_ENABLE;
	*MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
	__asm__ volatile("dsb\n\tisb" : : : "memory");
}

void arm_board_init(void)
{
	uart_init(); /* console first, so faults below can be reported */
	*SCB_CCR |= CCR_DIV_0_TRP; /* x / 0 faults instead of giving 0 */
	stack_guard_init();
	semihost_detect();
}

static const char *const exception_names[16] = {
	[2] = "NMI",	       [3] = "HardFault",  [4] = "MemManage",
	[5] = "BusFault",      [6] = "UsageFault", [11] = "SVCall",
	[12] = "DebugMonitor", [14] = "PendSV",	   [15] = "SysTick",
};

/* Configurable Fault Status Register bits, by number. */
static const char *const cfsr_names[32] = {
	[0] = "IACCVIOL", [1] = "DACCVIOL",    [3] = "MUNSTKERR",    [4] = "MSTKERR",
	[8] = "IBUSERR",  [9] = "PRECISERR",   [10] = "IMPRECISERR", [11] = "UNSTKERR",
	[12] = "STKERR",  [16] = "UNDEFINSTR", [17] = "INVSTATE",    [18] = "INVPC",
	[19] = "NOCP",	  [24] = "UNALIGNED",  [25] = "DIVBYZERO",
};

static void report_reg(const char *name, uint32_t v)
{
	uart_puts(name);
	uart_puthex(v);
}

static void report_cfsr(uint32_t cfsr)
{
	uint32_t hfsr = *SCB_HFSR;
	unsigned int bit;

	report_reg("  CFSR ", cfsr);
	for (bit = 0; bit < 32; bit++) {
		if ((cfsr & 1u << bit) && cfsr_names[bit]) {
			uart_puts(" ");
			uart_puts(cfsr_names[bit]);
		}
	}
	report_reg("\n  HFSR ", hfsr);
	if (hfsr & HFSR_FORCED)
		uart_puts(" FORCED");
	if (hfsr & HFSR_VECTTBL)
		uart_puts(" VECTTBL");
	if (cfsr & CFSR_MMARVALID)
		report_reg("  MMFAR ", *SCB_MMFAR);
	if (cfsr & CFSR_BFARVALID)
		report_reg("  BFAR ", *SCB_BFAR);
	uart_puts("\n");
}

/* The eight words the core pushed, when @frame lies inside the stack. */
static void report_frame(const uint32_t *frame)
{
	uintptr_t sp = (uintptr_t)frame;

	if (sp >= (uintptr_t)__stack_guard && sp < (uintptr_t)__stack_bottom) {
		report_reg("  stack overflow: sp ", sp);
		report_reg(" is in the guard below the stack at ", (uintptr_t)__stack_bottom);
		uart_puts("\n");
		return;
	}
	if (sp < (uintptr_t)__stack_bottom || sp > (uintptr_t)__stack_top - 8 * 4 || sp & 3) {
		report_reg("  sp ", sp);
		uart_puts(" is outside the stack; no frame to show\n");
		return;
	}
	report_reg("  pc ", frame[6]);
	report_reg("  lr ", frame[5]);
	report_reg("  xpsr ", frame[7]);
	report_reg("  sp ", sp);
	report_reg("\n  r0 ", frame[0]);
	report_reg("  r1 ", frame[1]);
	report_reg("  r2 ", frame[2]);
	report_reg("  r3 ", frame[3]);
	report_reg("  r12 ", frame[4]);
	uart_puts("\n");
}

void arm_fault(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr;
	const char *name;

	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	ipsr &= 0x1ff;
	if (exiting) /* a fault inside arch_exit(): just finish exiting */
		arch_exit(exit_status);

	uart_init(); /* in case the fault came before arm_board_init() */
	name = ipsr < 16 ? exception_names[ipsr] : NULL;
	uart_puts("\n*** ");
	uart_puts(name ? name : ipsr < 16 ? "reserved exception" : "unexpected interrupt");
	uart_puts(" (exception ");
	uart_putdec(ipsr);
	report_reg(", EXC_RETURN ", exc_return);
	uart_puts(")\n");
	report_cfsr(*SCB_CFSR);
	report_frame(frame);
	uart_puts("*** stopping: exit status ");
	uart_putdec(ARM_FAULT_STATUS);
	uart_puts("\n");
	arch_exit(ARM_FAULT_STATUS);
}
