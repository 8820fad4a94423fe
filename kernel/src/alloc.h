/*
 * alloc.h - allocation hooks for tests.
 *
 * Every allocation in libkeel goes through keel_malloc and friends so that a
 * test can make the Nth allocation fail and prove that each path cleans up.
 */
#ifndef KEEL_ALLOC_H
#define KEEL_ALLOC_H

#include <keel/keel.h>

/* Makes the allocation n allocations from now fail (1 = the next one), and
 * every one after it while sticky is true. n = 0 turns injection off. */
void keel_alloc_fail_after(long n, bool sticky);
/* Number of allocations made since the process started. */
unsigned long keel_alloc_count(void);

#endif
