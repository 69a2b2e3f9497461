# scripts/info.mk - what the scripts ask make, so that each fact is written
# once (scripts/board.sh wraps these):
#
#   make -s -f scripts/info.mk boards              the boards of arch/boards.mk
#   make -s -f scripts/info.mk board ARCH=arm      the board's facts from
#                                                  arch/arm/Makefile, as shell
#                                                  assignments board_NAME='...'
#   make -s -f scripts/info.mk mm-objects [CC=gcc] [MM_CONFIG=-D...]
#                                                  mm-y of mm/Makefile for those options
#
# Reading it compiles nothing, and needs no cross compiler (except mm-objects).

include arch/boards.mk

.PHONY: boards board mm-objects
boards:
	@echo $(BOARDS)

ifdef ARCH
include arch/$(ARCH)/Makefile

# Every fact a board's Makefile gives, by the name the scripts use.
board-facts := cross:CROSS_COMPILE bits:board-bits qemu:board-qemu packages:board-packages \
	banner:board-banner regions:board-regions timeout:board-timeout libc:board-libc \
	cflags:arch-cflags libc_cflags:arch-libc-cflags ldscript:arch-ldscript smp_max:board-smp-max

# A board that says nothing of CPUs has one.
board-smp-max ?= 1

quote = '$(subst ','\'',$1)'
board:
	@printf '%s\n' $(foreach f,$(board-facts),$(call quote,board_$(word 1,$(subst :, ,$f))=$(call \
		quote,$($(word 2,$(subst :, ,$f))))))
endif

ifeq ($(MAKECMDGOALS),mm-objects)
ifeq ($(origin CC),default)
CC := gcc
endif
include mm/Makefile
mm-objects:
	@echo $(mm-y)
endif
