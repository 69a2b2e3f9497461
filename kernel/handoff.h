/* SPDX-License-Identifier: MIT */
/*
 * kernel/handoff.h - blocks one CPU hands to another to free, for the
 * workloads of kernel/stress.c and kernel/churn.c: a ring per ordered pair of
 * CPUs, with one sender and one receiver, so no lock.
 *
 *   slot[tail % N] ... slot[(head - 1) % N]   handed, not yet taken
 *
 * The sender fills the slot at head, then moves head (a release: the block's
 * contents go with it); the receiver reads head (an acquire), copies the slot
 * at tail out, then moves tail (a release), which the sender reads before it
 * fills that slot again. A full ring refuses: the sender frees the block
 * itself. Nothing spins, so a CPU never waits for another here.
 */
#ifndef KERNEL_HANDOFF_H
#define KERNEL_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HANDOFF_SLOTS 64 /* a power of two: head and tail wrap around */

/* A block a workload holds, or hands over: where, how many bytes it asked for,
 * and the tag of its pattern. */
struct held {
	unsigned char *p;
	size_t size;
	uint32_t tag;
};

struct handoff {
	unsigned int head; /* blocks handed in since boot: the sender writes it */
	unsigned int tail; /* blocks taken out since boot: the receiver writes it */
	struct held slot[HANDOFF_SLOTS];
};

/* handoff_put - the sender's side: queue @b. Return: false when @q is full. */
static inline bool handoff_put(struct handoff *q, const struct held *b)
{
	unsigned int head = __atomic_load_n(&q->head, __ATOMIC_RELAXED);

	if (head - __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) == HANDOFF_SLOTS)
		return false;
	q->slot[head % HANDOFF_SLOTS] = *b;
	__atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

/* handoff_get - the receiver's side: take the oldest block into @b.
 * Return: false when @q is empty. */
static inline bool handoff_get(struct handoff *q, struct held *b)
{
	unsigned int tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED);

	if (tail == __atomic_load_n(&q->head, __ATOMIC_ACQUIRE))
		return false;
	*b = q->slot[tail % HANDOFF_SLOTS];
	__atomic_store_n(&q->tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}

#endif /* KERNEL_HANDOFF_H */
