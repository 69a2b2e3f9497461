// SPDX-License-Identifier: MIT
/*
 * tests/unit/churn.c - the threaded workload of churn.h.
 *
 *   thread t (CPU t): allocate --+--> keep (32 slots; the one it replaces is freed)
 *                                '--> ring t --> thread t + 1 frees it
 *
 * Objects are kmalloc() blocks of 8 to 511 bytes, one in 200 a page-backed
 * block of up to 24 KiB, one in 50 grown by krealloc(), and a quarter come
 * from the given cache. Each carries its size, maker and a byte pattern of
 * the maker, checked by whoever frees it.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <mm/config.h>
#include <mm/debug.h>
#include <mm/stats.h>
#include "churn.h"
#include "helpers.h"

#define RING 64
#define KEEP 32

/* Objects from thread t to thread t + 1, under a mutex. */
struct ring {
	pthread_mutex_t lock;
	void *slot[RING];
	unsigned int head, tail; /* tail - head objects waiting */
};

struct worker {
	struct churn *c;
	unsigned int cpu;
	struct ring *out, *in;
	uint64_t seed;
	unsigned long bad, failed;
};

struct tag {
	uint32_t size;
	uint16_t cpu;
	uint16_t cached; /* from the churn's cache, not kmalloc() */
};

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static bool ring_put(struct ring *r, void *p)
{
	bool ok;

	pthread_mutex_lock(&r->lock);
	ok = r->tail - r->head < RING;
	if (ok)
		r->slot[r->tail++ % RING] = p;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

static void *ring_get(struct ring *r)
{
	void *p = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->tail != r->head)
		p = r->slot[r->head++ % RING];
	pthread_mutex_unlock(&r->lock);
	return p;
}

static void fill_tag(struct tag *t)
{
	memset(t + 1, 0xa0 + t->cpu, t->size - sizeof(*t));
}

static void *make(struct worker *w)
{
	struct kmem_cache *cache = w->c->cache;
	uint64_t r = next_rand(&w->seed);
	bool cached = cache && r % 4 == 0;
	size_t size = r % 200 == 1 ? 4096 + (r >> 8) % 20480 : 8 + (r >> 8) % 504;
	struct tag *t, *n;

	if (cached)
		size = kmem_cache_size(cache);
	t = cached ? kmem_cache_alloc(cache, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);
	if (!t) {
		w->failed++;
		return NULL;
	}
	t->size = (uint32_t)size;
	t->cpu = (uint16_t)w->cpu;
	t->cached = cached;
	fill_tag(t);
	if (!cached && r % 50 == 2) {
		n = krealloc(t, size + 300, GFP_KERNEL);
		if (!n) {
			w->failed++;
			return t;
		}
		n->size = (uint32_t)(size + 300);
		fill_tag(n);
		t = n;
	}
	return t;
}

static void unmake(struct worker *w, struct tag *t)
{
	const unsigned char *b = (const unsigned char *)(t + 1);
	size_t i;

	for (i = 0; i < t->size - sizeof(*t); i++)
		if (b[i] != (unsigned char)(0xa0 + t->cpu)) {
			w->bad++;
			break;
		}
	if (t->cached)
		kmem_cache_free(w->c->cache, t);
	else
		kfree(t);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	void *keep[KEEP] = { 0 };
	unsigned int i, k;
	void *p;

	test_cpu = w->cpu % CONFIG_MM_NR_CPUS;
	for (i = 0; i < w->c->ops; i++) {
		p = make(w);
		if (p && next_rand(&w->seed) % 2 == 0 && ring_put(w->out, p))
			p = NULL;
		k = (unsigned int)(next_rand(&w->seed) % KEEP);
		if (p) {
			if (keep[k])
				unmake(w, keep[k]);
			keep[k] = p;
		}
		while ((p = ring_get(w->in)) != NULL)
			unmake(w, p);
	}
	for (k = 0; k < KEEP; k++)
		if (keep[k])
			unmake(w, keep[k]);
	return NULL;
}

struct meddler {
	struct churn *c;
	volatile int stop; /* under stop_lock */
	pthread_mutex_t stop_lock;
};

static bool meddler_stopped(struct meddler *m)
{
	bool stop;

	pthread_mutex_lock(&m->stop_lock);
	stop = m->stop;
	pthread_mutex_unlock(&m->stop_lock);
	return stop;
}

/* What a shell or another CPU may do any time: read, check, drain, shrink. */
static void *meddle(void *arg)
{
	struct meddler *m = arg;
	struct mm_stats st;
	unsigned int round = 0;

	test_cpu = m->c->threads % CONFIG_MM_NR_CPUS; /* its own CPU, or a shared one */
	while (!meddler_stopped(m)) {
		mm_get_stats(&st);
		m->c->problems += (unsigned long)mm_validate();
		mm_cpu_drain(round % m->c->threads);
		if (m->c->cache)
			kmem_cache_shrink(m->c->cache);
		if (round % 8 == 0)
			mm_shrink();
		round++;
	}
	m->c->meddles = round;
	return NULL;
}

void churn_run(struct churn *c)
{
	static struct ring rings[CHURN_MAX_THREADS];
	struct worker w[CHURN_MAX_THREADS];
	pthread_t th[CHURN_MAX_THREADS], mt;
	struct meddler m = { c, 0, PTHREAD_MUTEX_INITIALIZER };
	unsigned int t, n = c->threads < CHURN_MAX_THREADS ? c->threads : CHURN_MAX_THREADS;
	void *p;

	c->threads = n;
	c->bad = c->failed = c->problems = c->meddles = 0;
	for (t = 0; t < n; t++) {
		memset(&rings[t], 0, sizeof(rings[t]));
		pthread_mutex_init(&rings[t].lock, NULL);
		w[t] = (struct worker){ .c = c,
					.cpu = t,
					.out = &rings[t],
					.in = &rings[(t + n - 1) % n],
					.seed = 0x9e3779b97f4a7c15ull * (t + 1) };
	}
	if (c->meddle)
		pthread_create(&mt, NULL, meddle, &m);
	for (t = 0; t < n; t++)
		pthread_create(&th[t], NULL, work, &w[t]);
	for (t = 0; t < n; t++)
		pthread_join(th[t], NULL);
	if (c->meddle) {
		pthread_mutex_lock(&m.stop_lock);
		m.stop = 1;
		pthread_mutex_unlock(&m.stop_lock);
		pthread_join(mt, NULL);
	}
	/* What was still on its way when the receivers stopped. */
	for (t = 0; t < n; t++)
		while ((p = ring_get(&rings[t])) != NULL)
			unmake(&w[t], p);
	for (t = 0; t < n; t++) {
		c->bad += w[t].bad;
		c->failed += w[t].failed;
	}
}
