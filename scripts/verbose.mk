# scripts/verbose.mk - included by every Makefile of the tree: V=1 shows each
# command as it runs; otherwise the $(Q) before a command hides it.
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif
