// SPDX-License-Identifier: MIT
/*
 * arch/host/main.c - the host "board": bareslab as a Linux process, with
 * stdin/stdout as its UART and two static arrays as its RAM.
 *
 * On a terminal, input is switched to byte-at-a-time without echo, as a UART
 * delivers it, so the shell's own echo and line editing behave as on the
 * boards; Ctrl-C still stops the process. A pipe is read as is, and its end
 * makes arch_console_getc() return -1.
 */
#include <arch/arch.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HOST_CPU "x86_64"
#elif defined(__i386__)
#define HOST_CPU "i386"
#elif defined(__aarch64__)
#define HOST_CPU "aarch64"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_CPU "riscv64"
#else
#define HOST_CPU "unknown CPU"
#endif

/* Two regions of different sizes, so the multi-region paths run as on arm. */
static unsigned char ram0[4 << 20] __attribute__((aligned(4096)));
static unsigned char ram1[1 << 20] __attribute__((aligned(4096)));

/* The terminal settings to put back, when stdin is a terminal we changed. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_changed;

const char *arch_board_name(void)
{
	return "host (" HOST_CPU " Linux process)";
}

unsigned int arch_ram_regions(struct arch_ram_region *out, unsigned int max)
{
	if (max > 0) {
		out[0].name = "ram0";
		out[0].start = ram0;
		out[0].size = sizeof(ram0);
	}
	if (max > 1) {
		out[1].name = "ram1";
		out[1].start = ram1;
		out[1].size = sizeof(ram1);
	}
	return 2;
}

void arch_console_putc(char c)
{
	while (write(STDOUT_FILENO, &c, 1) < 0 && errno == EINTR)
		;
}

int arch_console_getc(void)
{
	unsigned char c;
	ssize_t n;

	do {
		n = read(STDIN_FILENO, &c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? c : -1;
}

/* One thread, no interrupts: nothing to mask. */
unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

/* No interrupts, so no timer interrupt either. */
bool arch_timer_start(unsigned int period_us, void (*fn)(void))
{
	(void)period_us;
	(void)fn;
	return false;
}

void arch_timer_stop(void)
{
}

static void restore_terminal(void)
{
	if (termios_changed)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	termios_changed = 0;
}

/* Put the terminal back, then die of @sig as if nothing had caught it. */
static void fatal_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void raw_terminal(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct termios t;
	unsigned int i;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) < 0)
		return;
	t = saved_termios;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], fatal_signal);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		termios_changed = 1;
}

void arch_exit(int status)
{
	restore_terminal();
	exit(status & 0xff);
}

int main(void)
{
	raw_terminal();
	kernel_main();
}
