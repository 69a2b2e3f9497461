// SPDX-License-Identifier: MIT
/*
 * tests/libc/programs/sample.c - what the real-program test compiles with gcc
 * (with and without bareslab under it): enough code for the optimizer to
 * work on, and one deliberate warning so that gcc's stderr is compared too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *left, *right;
	int key;
};

static struct node *insert(struct node *t, int key)
{
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			exit(1);
		t->key = key;
	} else if (key < t->key) {
		t->left = insert(t->left, key);
	} else {
		t->right = insert(t->right, key);
	}
	return t;
}

static long sum_depths(const struct node *t, long depth)
{
	return t ? depth + sum_depths(t->left, depth + 1) + sum_depths(t->right, depth + 1) : 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	struct node *root = NULL;
	char *names[1000];
	unsigned int x = 1;
	int unused; /* the deliberate warning: -Wunused-variable */
	int i;

	for (i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		root = insert(root, (int)(x >> 8) % 100000);
		names[i] = malloc(16);
		snprintf(names[i], 16, "n%u", x % 7919);
	}
	qsort(names, 1000, sizeof(names[0]), compare);
	printf("depths %ld first %s last %s\n", sum_depths(root, 0), names[0], names[999]);
	return 0;
}
