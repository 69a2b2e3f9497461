# SPDX-License-Identifier: MIT
#
# bareslab - top-level Makefile.
#
#   make [ARCH=<board>|host] [SMP=N] [O=dir] [V=1] [CROSS_COMPILE=prefix]
#   make help     lists every target
#
# Each folder lists its objects Kbuild-style in its own Makefile fragment
# (mm/Makefile: mm-y and mm-$(CONFIG_MM_X), kernel/Makefile: kernel-y,
# arch/$(ARCH)/Makefile: arch-y).

# The QEMU boards (BOARDS); ARCH=host is the firmware as a Linux process.
include arch/boards.mk
ARCH ?= $(firstword $(BOARDS))
ifeq ($(filter $(ARCH),$(BOARDS) host),)
$(error ARCH=$(ARCH) is not a board; choose one of $(BOARDS) host)
endif

include scripts/verbose.mk

# The board: CROSS_COMPILE default, arch-cflags, arch-ldflags, arch-y, and the
# board-* facts the scripts read (scripts/info.mk).
include arch/$(ARCH)/Makefile

# SMP=N: the firmware on N CPUs of a board that has them (board-smp-max of its
# Makefile): the allocator with per-CPU caches (CONFIG_MM_NR_CPUS=N), and the
# board, the firmware and scripts/run.sh (QEMU -smp N) with N CPUs too. Unset
# or 1: one CPU, the build as it has always been.
SMP ?= 1
ifeq ($(filter-out 1,$(SMP)),)
smp-cflags :=
else
ifeq ($(shell test "$(SMP)" -ge 2 -a "$(SMP)" -le "$(or $(board-smp-max),1)" 2>/dev/null && echo ok),)
$(error SMP=$(SMP): ARCH=$(ARCH) runs on $(if $(filter-out 1,$(or $(board-smp-max),1)),1 to \
	$(board-smp-max) CPUs,one CPU only))
endif
smp-cflags := -DCONFIG_MM_NR_CPUS=$(SMP)
endif

ifeq ($(origin O),command line)
OUT := $(O)
else
OUT := build/$(ARCH)$(if $(smp-cflags),-smp$(SMP))
endif

CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
SIZE := $(CROSS_COMPILE)size

# Options for every object. -fno-tree-loop-distribute-patterns keeps gcc from
# turning our own loops into memset/memcpy calls that freestanding code lacks.
COMMON_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -ffunction-sections -fdata-sections -MMD -MP $(EXTRA_CFLAGS)
FREESTANDING := -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-stack-protector

# Allocator options (mm/include/mm/config.h). The demo firmware compiles the
# debug layer in, so that its console can show red zones and poison at work;
# no cache debugs unless asked. `make lib MM_CONFIG=` builds the plain library.
MM_CONFIG ?= -DCONFIG_MM_DEBUG=1

MM_CFLAGS := $(COMMON_CFLAGS) $(FREESTANDING) $(arch-cflags) -Imm/include -Imm $(arch-mm-config) \
	$(MM_CONFIG) $(smp-cflags)
KERNEL_CFLAGS := $(COMMON_CFLAGS) $(FREESTANDING) $(arch-cflags) -I. -Ikernel -Imm/include \
	$(MM_CONFIG) $(smp-cflags)
ARCH_CFLAGS := $(COMMON_CFLAGS) $(arch-cflags) $(arch-local-cflags) -I. -Iarch/$(ARCH) -Imm/include \
	$(smp-cflags)

include mm/Makefile
include kernel/Makefile

# bareslab as the C library's malloc (mm/libc/): libmm_libc.a is hosted code,
# compiled against the board's C library (arch-libc-cflags: newlib-nano's or
# picolibc's specs; nothing on host).
include mm/libc/Makefile
LIBC_CFLAGS := $(COMMON_CFLAGS) -fno-builtin $(arch-cflags) $(arch-libc-cflags) -Imm/include \
	-Imm/libc $(MM_CONFIG) $(smp-cflags)
LIBC_OBJS := $(addprefix $(OUT)/mm/libc/,$(libc-y))
LIBMM_LIBC := $(OUT)/libmm_libc.a

MM_OBJS := $(addprefix $(OUT)/mm/,$(mm-y))
KERNEL_OBJS := $(addprefix $(OUT)/kernel/,$(kernel-y))
ARCH_OBJS := $(addprefix $(OUT)/arch/$(ARCH)/,$(arch-y))

# Every object depends on a stamp named after the options, so that a change
# of MM_CONFIG, EXTRA_CFLAGS or the toolchain rebuilds what it affects.
CONFIG_STAMP := $(OUT)/.config-$(shell echo '$(MM_CONFIG) $(smp-cflags) $(EXTRA_CFLAGS) \
	$(CROSS_COMPILE)' | md5sum | cut -c1-12)

$(CONFIG_STAMP):
	@mkdir -p $(OUT)
	@rm -f $(OUT)/.config-*
	@touch $@

LIBMM := $(OUT)/libmm.a
IMAGE := $(OUT)/bareslab.elf

.PHONY: all lib lib-libc libc-image unit-image preload run test bench fuzz deps help clean
.DEFAULT_GOAL := all

all: $(IMAGE)

lib: $(LIBMM)

lib-libc: $(LIBMM_LIBC)

$(OUT)/mm/%.o: mm/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(MM_CFLAGS) -c $< -o $@

$(OUT)/kernel/%.o: kernel/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(OUT)/arch/$(ARCH)/%.o: arch/$(ARCH)/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ARCH_CFLAGS) -c $< -o $@

$(OUT)/arch/$(ARCH)/%.o: arch/$(ARCH)/%.S $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $@")
	$(Q)$(CC) $(ARCH_CFLAGS) -c $< -o $@

$(LIBMM): $(MM_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(OUT)/mm/libc/%.o: mm/libc/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(LIBC_CFLAGS) -c $< -o $@

$(LIBMM_LIBC): $(LIBC_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# The demo firmware linked with a C library (newlib-nano on arm, picolibc on
# riscv): its console command `libc` runs kernel/libc_demo.c (printf of
# floats, snprintf, strdup, qsort) with bareslab as the C library's malloc,
# and the board's system glue arch/$(ARCH)/libc.c. No sbrk is linked.
LIBC_IMAGE := $(OUT)/bareslab-libc.elf
LIBC_DEMO_OBJS := $(addprefix $(OUT)/libc-demo/kernel/,$(kernel-libc-y)) \
	$(addprefix $(OUT)/libc-demo/arch/,$(arch-libc-y))

libc-image: $(LIBC_IMAGE)

$(OUT)/libc-demo/kernel/%.o: kernel/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(COMMON_CFLAGS) $(arch-cflags) $(arch-libc-cflags) -I. -Ikernel -Imm/include \
		-Imm/libc $(MM_CONFIG) $(smp-cflags) -c $< -o $@

$(OUT)/libc-demo/arch/%.o: arch/$(ARCH)/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(COMMON_CFLAGS) $(arch-cflags) $(arch-libc-cflags) -I. -Imm/include \
		$(MM_CONFIG) $(smp-cflags) -c $< -o $@

$(LIBC_IMAGE): $(ARCH_OBJS) $(KERNEL_OBJS) $(LIBC_DEMO_OBJS) $(LIBMM_LIBC) $(LIBMM) $(arch-ldscript)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(arch-cflags) $(arch-libc-cflags) $(arch-libc-ldflags) -o $@ $(ARCH_OBJS) \
		$(KERNEL_OBJS) $(LIBC_DEMO_OBJS) -Wl,--undefined=malloc $(LIBMM_LIBC) $(LIBMM) -lc -lgcc

# The unit tests of tests/unit/ on the board (make unit-image): the same
# sources as the host's Criterion binary, compiled against tests/harness/'s
# criterion.h and the board's C library, with the board's start-up code and
# tests/harness/runner.c as kernel_main(). bareslab and the C library's own
# malloc (the tests' bookkeeping) each get RAM of their own (runner.c).
UNIT_IMAGE := $(OUT)/unit.elf
UNIT_OUT := $(OUT)/unit
# Test files the boards do not build, and why: their tests are listed as skipped.
unit-host-only := test_libc.c test_smp.c churn.c port_threads.c
unit-host-only-why.test_libc.c := hosted port hooks of the glue (mmap(), a 4 MiB static \
	region to grow into); tests/libc/boards.sh runs the glue itself on the boards
unit-host-only-why.test_smp.c := threads (pthreads); the SMP board runs its own stress on \
	every hart (tests/boot)
unit-host-only-why.churn.c := threads (pthreads), for test_smp.c and tests/tsan
unit-host-only-why.port_threads.c := a mutex and a CPU number per thread; a board has its \
	own lock (arch/common/lock.c)
UNIT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -ffunction-sections \
	-fdata-sections -MMD -MP $(EXTRA_CFLAGS) $(arch-cflags) $(arch-libc-cflags) \
	-Itests/harness -I. -Imm/include -Imm -Ikernel -Itests/unit -I$(UNIT_OUT) $(arch-mm-config) \
	$(MM_CONFIG) $(smp-cflags)
UNIT_TEST_OBJS := $(patsubst tests/unit/%.c,$(UNIT_OUT)/tests/%.o,$(filter-out \
	$(addprefix tests/unit/,$(unit-host-only)),$(wildcard tests/unit/*.c))) \
	$(UNIT_OUT)/tests/bench/trace.o $(UNIT_OUT)/runner.o
UNIT_OBJS := $(ARCH_OBJS) $(addprefix $(OUT)/libc-demo/arch/,$(arch-libc-y)) $(MM_OBJS) \
	$(addprefix $(OUT)/kernel/,$(kernel-test-y)) $(UNIT_TEST_OBJS)

ifeq ($(ARCH),host)
unit-image:
	@echo "unit-image: on the host the unit tests run under Criterion (tests/Makefile)" >&2; exit 1
else
unit-image: $(UNIT_IMAGE)
endif

# One line { "suite", "name", "why" } per Test() of tests/unit/$1.
unit-skip-lines = sed -nE 's|^Test\(([a-z0-9_]+), *([a-z0-9_]+).*|	{ "\1", "\2", "$(strip \
	$(unit-host-only-why.$1))" },|p' tests/unit/$1;

$(UNIT_OUT)/host_only.h: $(addprefix tests/unit/,$(unit-host-only)) Makefile
	@mkdir -p $(dir $@)
	$(Q){ echo '/* Generated from unit-host-only of the top Makefile. */'; \
	echo 'static const struct { const char *suite, *name, *why; } host_only_tests[] = {'; \
	$(foreach f,$(unit-host-only),$(call unit-skip-lines,$f)) echo '};'; } >$@

$(UNIT_OUT)/tests/bench/%.o: tests/bench/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -Itests/bench -c $< -o $@

$(UNIT_OUT)/tests/%.o: tests/unit/%.c $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_OUT)/runner.o: tests/harness/runner.c $(UNIT_OUT)/host_only.h $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_IMAGE): $(UNIT_OBJS) $(arch-ldscript)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(arch-cflags) $(arch-libc-cflags) $(arch-libc-ldflags) -o $@ $(UNIT_OBJS) -lc -lgcc

# build/host/libbareslab.so: bareslab as the malloc of Linux programs (LD_PRELOAD).
ifeq ($(ARCH),host)
PRELOAD_OUT := $(OUT)
include arch/host/preload.mk
else
preload:
	@echo "preload: the LD_PRELOAD library is built with ARCH=host" >&2; exit 1
endif

$(IMAGE): $(ARCH_OBJS) $(KERNEL_OBJS) $(LIBMM) $(arch-ldscript)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(arch-cflags) $(arch-ldflags) -o $@ $(ARCH_OBJS) $(KERNEL_OBJS) $(LIBMM) \
		$(arch-libs)

# Boot the demo with the serial console on this terminal; fails unless it exits 0.
run: deps
	$(Q)$(MAKE) --no-print-directory ARCH=$(ARCH) SMP=$(SMP) \
		$(if $(filter command line,$(origin O)),O=$(O)) all
	$(Q)SMP=$(SMP) scripts/run.sh $(ARCH) $(IMAGE)

# Every test: the unit tests on the host and on every board (several allocator builds),
# checks of the tree, fuzzing, the C library glue, the console tests (scripts/run-tests.sh).
test: deps
	$(Q)scripts/run-tests.sh

# Instructions per operation, heap needed and code size against other allocators.
bench: deps
	$(Q)scripts/bench.sh

# Fuzz the allocator with libFuzzer for FUZZ_TIME seconds (default 30).
fuzz: deps
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME)

# Install what is missing (Debian packages), or say what to install.
deps:
	$(Q)scripts/deps.sh $(if $(filter run,$(MAKECMDGOALS)),run-$(ARCH),$(MAKECMDGOALS))

help:
	@echo 'bareslab: a slab allocator for bare-metal firmware'
	@echo
	@echo 'Targets:'
	@echo '  all (default)  build the demo image $$(O)/bareslab.elf for ARCH'
	@echo '  lib            build the allocator library $$(O)/libmm.a for ARCH'
	@echo '  lib-libc       build $$(O)/libmm_libc.a: bareslab as the C library'"'"'s malloc'
	@echo '  libc-image     build $$(O)/bareslab-libc.elf: the demo with newlib/picolibc (command libc)'
	@echo '  unit-image     build $$(O)/unit.elf: the unit tests of tests/unit/ for the board'
	@echo '  preload        ARCH=host: build $$(O)/libbareslab.so for LD_PRELOAD'
	@echo '  run            build and boot the demo (QEMU, or a process for ARCH=host)'
	@echo '  test           run every test (installs missing packages first)'
	@echo '  bench          benchmark against glibc, jemalloc, mimalloc, tcmalloc (QUICK=1: short)'
	@echo '  fuzz           fuzz the allocator with libFuzzer (FUZZ_TIME=seconds, default 30)'
	@echo '  deps           install the Debian packages the build and tests need'
	@echo '  clean          remove build/'
	@echo
	@echo 'Variables:'
	@echo '  ARCH=board            $(BOARDS) (QEMU; arch/boards.mk) or host (default $(firstword $(BOARDS)))'
	@echo '  SMP=N                 N CPUs (riscv: up to 8; build/$$(ARCH)-smpN), per-CPU caches'
	@echo '  O=dir                 build directory (default build/$$(ARCH))'
	@echo '  CROSS_COMPILE=prefix  toolchain prefix (default per board)'
	@echo '  V=1                   show full commands'
	@echo '  MM_CONFIG="-DCONFIG_MM_...=..."   override allocator options (mm/include/mm/config.h)'

clean:
	rm -rf build

-include $(MM_OBJS:.o=.d) $(KERNEL_OBJS:.o=.d) $(ARCH_OBJS:.o=.d) \
	$(LIBC_OBJS:.o=.d) $(LIBC_DEMO_OBJS:.o=.d) $(UNIT_TEST_OBJS:.o=.d)
