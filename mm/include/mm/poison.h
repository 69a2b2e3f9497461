/* SPDX-License-Identifier: MIT */
/*
 * mm/poison.h - the byte patterns the debug layer writes, so that a hex dump
 * read off a UART can be decoded. The values are Linux's, which kernel
 * engineers already recognise.
 *
 * An object of a cache with SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER:
 *
 *   slot start                 object (what the caller gets)
 *   |                          |
 *   v                          v
 *   +--------------------------+---------------------+--------+-------+
 *   | left red zone            | object bytes        | right  | track |
 *   | bb bb bb .. (free)       | 6b 6b .. 6b a5 free | red    | alloc |
 *   | cc cc cc .. (in use)     | 5a 5a .. 5a  new    | zone   | + free|
 *   +--------------------------+---------------------+--------+-------+
 *                              |<- requested size ->|<-cc/bb->|
 *
 * The right red zone begins right after the size the caller asked for (for
 * kmalloc, the request, not the size class), so an overflow of even one byte
 * past the request is caught.
 */
#ifndef MM_POISON_H
#define MM_POISON_H

#define POISON_INUSE 0x5a /* a new object, before the caller writes to it */
#define POISON_FREE 0x6b /* every byte of a free object but the last */
#define POISON_END 0xa5 /* the last byte of a free object */
#define RED_INACTIVE 0xbb /* red zone of a free object */
#define RED_ACTIVE 0xcc /* red zone of an object in use */

#endif /* MM_POISON_H */
