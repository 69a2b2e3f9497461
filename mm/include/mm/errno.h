/* SPDX-License-Identifier: MIT */
/*
 * mm/errno.h - error numbers returned (negated) by bareslab calls that return int.
 * They are bareslab's own so that mm/ needs no libc <errno.h>.
 */
#ifndef MM_ERRNO_H
#define MM_ERRNO_H

#define MM_ENOMEM 12 /* out of memory */
#define MM_EBUSY 16 /* object still in use */
#define MM_EINVAL 22 /* invalid argument */
#define MM_ENOSPC 28 /* no room left in a fixed-size table */

#endif /* MM_ERRNO_H */
