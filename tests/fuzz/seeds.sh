#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/fuzz/seeds.sh DIR - write the seed inputs of fuzz_ops into DIR.
#
# An input is 4 seed bytes, then operations of 8 bytes each: the op byte (an
# index into op_table[] of fuzz_ops.c) and 7 argument bytes (see each do_*()
# there for what they mean; missing ones read as 0). The seeds walk each kind
# of call and misuse once, so the fuzzer starts from a heap with live blocks,
# caches and planted corruption instead of having to find them.
set -euo pipefail

dir=${1:?usage: $0 DIR}
mkdir -p "$dir"

# Indexes into op_table[] (the first entry of each operation).
declare -A OP=(
    [kmalloc]=0 [kzalloc]=6 [kcalloc]=7 [krealloc]=8 [free]=11
    [cache_create]=17 [cache_alloc]=18 [cache_destroy]=21 [pages]=22 [exact]=23
    [fail_nth]=24 [shrink]=25 [validate]=26 [query]=27 [double_free]=28
    [interior_free]=30 [foreign_free]=31 [wrong_cache]=32 [destroy_busy]=33
    [red_zone]=34 [use_after_free]=36 [bad_pages]=38 [overflow_neighbour]=39
    [scribble_freed]=41 [cache_handle]=43
)

input=()

# op NAME [BYTE...]: append one operation, its arguments padded to 7 bytes.
op() {
    local name=$1 i
    shift
    input+=("${OP[$name]}")
    for i in 0 1 2 3 4 5 6; do
        input+=("${1:-0}")
        [ $# -eq 0 ] || shift
    done
}

# write NAME: write the input built so far as DIR/NAME and start a new one.
write() {
    local b
    for b in "${input[@]}"; do
        # shellcheck disable=SC2059 # the format is the byte's \x escape
        printf "\\x$(printf %02x "$b")"
    done >"$dir/$1"
    input=()
}

# kmalloc FLAGS SEL V_LO V_HI: SEL < 128 means 1 + V % 128 bytes, 128..175
# 129 + V % 896, 176..195 the upper classes (1025 + V % 7168; without the
# page allocator the upper half of its classes), 196..223 the V-th edge size,
# 224..239 just above the largest class + 4V % 256 KiB, 240..245 zero,
# 246..251 256 KiB + 64V, 252..253 4 MiB (+1), 254.. impossible. FLAGS bit 1:
# __GFP_ZERO. The same inputs run in both modes (tests/fuzz/run.sh): the
# sizes then fall in different classes or runs.

# Plain kmalloc traffic: small, edge and large sizes, resizes, frees.
input=(1 2 3 4)
op kmalloc 0 0 15 0          # 16 bytes
op kmalloc 0 0 99 0          # 100
op kmalloc 0 128 71 0        # 200
op kmalloc 0 176 0xb7 7      # 3000
op kmalloc 0 196 24 0        # 4096
op kmalloc 0 196 25 0        # 4097
op kmalloc 0 224 0x88 0x0b   # 8193 + 4 * 2952
op kzalloc 0 0 40 0
op kcalloc 8 0 20 0          # 2 x 21
op krealloc 0 128 200 0 0 0  # grow a block
op krealloc 0 0 3 0 1 0      # shrink one
op krealloc 0 240 0 0 2 0    # to 0: frees
op free 0 0 0
op free 0 3 0
op validate
op kmalloc 0 240             # kmalloc(0)
op query 1 0
write basic

# Caches: a plain one, one with a constructor and HWCACHE_ALIGN, their
# objects, misuse of caches, destruction.
input=(5 6 7 8)
op cache_create 0 0 40 0 3   # fuzz-0: 41 bytes, align 16
op cache_create 7 0 99 0 5   # fuzz-1: 100 bytes, align 64, ctor, HWCACHE_ALIGN
op cache_alloc 0 0
op cache_alloc 0 0
op cache_alloc 0 1
op cache_alloc 6 1           # kmem_cache_zalloc
op kmalloc 0 0 63 0
op wrong_cache 0 0 0         # kmem_cache_free to the other cache
op destroy_busy 0
op free 0 0 0
op free 0 1 0
op cache_destroy 2
op shrink 0 1
op validate
write caches

# Misuse of kmalloc blocks: double frees, interior and foreign pointers,
# red-zone overflows, writes after free, then a validation that sees them.
input=(9 10 11 12)
for i in 0 1 2 3 4 5 6 7; do
    op kmalloc 0 0 $((i * 13 + 7)) 0
done
op double_free 1 0 0         # immediate
op double_free 2             # late
op interior_free 0 5 0 0 0
op interior_free 1 9 0 1 0
op interior_free 2 3 0 2 0   # through krealloc
op foreign_free 0 0 0 0      # a stack address, kfree
op foreign_free 1 3 0 0      # static data
op foreign_free 0x12 7 0 0   # region metadata (page descriptors, or free lists), free_pages
op foreign_free 3 0x40 1 0   # free memory (a free page, or a free run)
op foreign_free 4 0 0 0      # an address outside memory
op red_zone 0 3 0 0          # 4 bytes past a block
op red_zone 3 5 1 0          # before another
op use_after_free 0 4 0
op use_after_free 1 0 0x10
op kmalloc 0 0 20 0          # may take a written freed object back
op validate
op free 0 0 0                # may free a red-zone-written block
write misuse

# Pages: get_free_pages, alloc_pages_exact, bad frees of both.
input=(13 14 15 16)
op pages 0 0 0               # order 0
op pages 2 2 0               # order 2, zeroed
op pages 0xf0 1 0            # order MAX_ORDER + 2: fails
op exact 0 0x10 0x27         # 30 KiB
op exact 0xf0                # size 0: fails
op kmalloc 0 224 0 0x40
op bad_pages 1 0 0           # wrong order
op bad_pages 0 1 0           # kfree of pages
op bad_pages 0 3 0           # free_pages_exact, wrong size
op bad_pages 2 5 0           # free_pages of a kmalloc block
op free 0 0 0
op free 0 0 0
op validate
write pages

# Fault injection: the third allocation after mm_fail_nth(3) fails.
input=(17 18 19 20)
op fail_nth 3
op kmalloc 0 0 10 0
op cache_alloc 0 0           # creates fuzz-0 (counted)
op kmalloc 0 224 0 1         # fails
op kmalloc 0 0 30 0
op fail_nth 1
op krealloc 0 176 0 4 0 0    # grows: fails, the block stays
op fail_nth 0
op validate
write fail-nth

# Hardening: one-byte overflows into free neighbours, bytes and bit flips in
# freed objects (where free-list links used to be), cache handles freed and
# destroyed where blocks belong.
input=(21 22 23 24)
op cache_create 0 0 63 0 0   # fuzz-0: 64 bytes
for i in 0 1 2 3 4 5; do
    op cache_alloc 0 0
    op kmalloc 0 0 $((i * 20 + 30)) 0
done
op overflow_neighbour 0x21 0 0
op overflow_neighbour 0x42 3 0
op free 0 0 0
op free 0 2 0
op free 0 5 0
op scribble_freed 1 0x10 0 3 0     # flip bits of a freed object's first words
op scribble_freed 0 0x09 0x30 0xff 0xff
op scribble_freed 6 0x22 0 0x55 0  # anywhere in the object
op double_free 2                   # late
op cache_handle 0 0                # kfree(fuzz-0's handle)
op cache_handle 2 0 1 0            # kmem_cache_destroy(a kmalloc block)
op cache_handle 3                  # kmem_cache_destroy(static data)
op kmalloc 0 0 40 0
op validate
op cache_create 0 0 99 0 0         # fuzz-1, then destroyed with nothing live
op cache_destroy 1
op cache_handle 1 1                # destroyed: kmem_cache_destroy() again
op validate
write hardening
