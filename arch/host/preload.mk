# SPDX-License-Identifier: MIT
#
# arch/host/preload.mk - build/host/libbareslab.so, bareslab as the malloc of
# unmodified Linux programs (LD_PRELOAD): mm-y and libc-y built -fPIC with
# hidden visibility, and arch/host/preload.c; only the malloc family is
# exported. Included by the top Makefile for `make ARCH=host preload`, or
# used alone:
#
#   make -f arch/host/preload.mk [PRELOAD_OUT=build/host] [PRELOAD_NR_CPUS=32]
#        [PRELOAD_MM_CONFIG=-D...] [V=1]

PRELOAD_OUT ?= build/host
PRELOAD_SO := $(PRELOAD_OUT)/libbareslab.so
PRELOAD_DIR := $(PRELOAD_OUT)/preload
PRELOAD_CC ?= gcc

# Quiet unless V=1 (the top Makefile has set Q already).
ifeq ($(origin Q),undefined)
include scripts/verbose.mk
endif

# The heap grows one mapped region at a time (preload.c): allow 64 of them.
# Options of its own, not the firmware's MM_CONFIG: every object of the
# library must agree, whichever Makefile built it.
#
# Threads allocate through slots, bareslab's CPUs (preload.c): 32 of them.
# Each slot costs one struct kmem_cache_cpu (64 bytes on 64-bit) in every
# cache: for the 30 caches of malloc (kmalloc classes and the cache of cache
# descriptors, kept at the start of the first region), 60 KiB more of
# metadata than with one slot; and a slot in use holds an active pool in
# each size class it allocates from, until its thread exits. What visits
# every slot grows with the count too: each refill of a reservation sums
# every slot's counters, a pool that empties looks for it among the slots'
# active pools, statistics and fork() lock every slot. One thread running
# tests/libc/churn.c takes 15% more CPU time with 16 slots than with one
# lock for everything, 18% with 32, 27% with 64, 45% with 128. 32 gives
# each thread a slot of its own in programs that run a thread per core on
# machines of up to 32 cores; beyond, threads share slots (preload.c).
# PRELOAD_NR_CPUS=1 builds the library with one lock for everything, as
# before there were slots.
PRELOAD_NR_CPUS ?= 32
PRELOAD_MM_CONFIG ?=
PRELOAD_CONFIG := -DCONFIG_MM_MAX_REGIONS=64 -DCONFIG_MM_NR_CPUS=$(PRELOAD_NR_CPUS) \
	$(PRELOAD_MM_CONFIG)

mm-cc := $(PRELOAD_CC)
mm-config := $(PRELOAD_CONFIG)
include mm/Makefile
include mm/libc/Makefile
PRELOAD_BASE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -fPIC -fvisibility=hidden -MMD -MP -Imm/include -Imm/libc \
	$(PRELOAD_CONFIG) $(EXTRA_CFLAGS)
PRELOAD_MM_CFLAGS := $(PRELOAD_BASE_CFLAGS) -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -Imm
# No builtins in the glue: gcc must not turn its code into calls to malloc itself.
PRELOAD_LIBC_CFLAGS := $(PRELOAD_BASE_CFLAGS) -fno-builtin
PRELOAD_PORT_CFLAGS := $(PRELOAD_BASE_CFLAGS) -fno-builtin

PRELOAD_OBJS := $(addprefix $(PRELOAD_DIR)/mm/,$(mm-y)) \
	$(addprefix $(PRELOAD_DIR)/mm/libc/,$(libc-y)) $(PRELOAD_DIR)/preload.o

# A change of options rebuilds every object (the stamp is named after them).
PRELOAD_STAMP := $(PRELOAD_DIR)/.config-$(shell echo '$(PRELOAD_CONFIG) $(EXTRA_CFLAGS)' | \
	md5sum | cut -c1-12)

.PHONY: preload
preload: $(PRELOAD_SO)

$(PRELOAD_STAMP):
	@mkdir -p $(PRELOAD_DIR)
	@rm -f $(PRELOAD_DIR)/.config-*
	@touch $@

$(PRELOAD_DIR)/mm/libc/%.o: mm/libc/%.c $(PRELOAD_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(PRELOAD_CC) $(PRELOAD_LIBC_CFLAGS) -c $< -o $@

$(PRELOAD_DIR)/mm/%.o: mm/%.c $(PRELOAD_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(PRELOAD_CC) $(PRELOAD_MM_CFLAGS) -c $< -o $@

$(PRELOAD_DIR)/preload.o: arch/host/preload.c $(PRELOAD_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(PRELOAD_CC) $(PRELOAD_PORT_CFLAGS) -c $< -o $@

# -z defs: every symbol resolved now, not at the first malloc of some program.
$(PRELOAD_SO): $(PRELOAD_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(PRELOAD_CC) -shared -pthread -Wl,-z,defs -Wl,--gc-sections -o $@ $^

-include $(PRELOAD_OBJS:.o=.d)
