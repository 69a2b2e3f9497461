// SPDX-License-Identifier: MIT
/*
 * tests/unit/port_threads.c - the host tests' lock and CPU number: the lock
 * is a mutex that counts its calls (test_lookup.c counts them per free), and
 * each thread says which CPU it is through test_cpu (test_smp.c, churn.c).
 * Host only: a board's lock is arch/common/lock.c.
 */
#include <pthread.h>

#include "helpers.h"

static pthread_mutex_t port_mutex = PTHREAD_MUTEX_INITIALIZER;
__thread unsigned int test_cpu;

void mm_port_lock(void)
{
	pthread_mutex_lock(&port_mutex);
	nr_lock_calls++;
}

void mm_port_unlock(void)
{
	nr_unlock_calls++;
	pthread_mutex_unlock(&port_mutex);
}

unsigned int mm_port_cpu_id(void)
{
	return test_cpu;
}
