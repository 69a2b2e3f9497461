/* SPDX-License-Identifier: MIT */
/*
 * kernel/demo.h - the boot demo: the heap of a small running kernel.
 */
#ifndef KERNEL_DEMO_H
#define KERNEL_DEMO_H

/**
 * demo_run - create caches of typical kernel objects, allocate a mix through
 * them and kmalloc, free a part, then print slabinfo and meminfo.
 *
 * The objects left are never freed: they stand for the long-lived objects of
 * a running system, so slabinfo and the heap map show a realistic, partly
 * fragmented heap, and the console commands, stress and the selftests run on
 * top of it (each measures relative to where it starts). Their pointers stay
 * in a static table, so they remain reachable from a debugger.
 */
void demo_run(void);

#endif /* KERNEL_DEMO_H */
