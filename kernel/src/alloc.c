/*
 * alloc.c - keel's allocator front end, with fault injection for tests.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown;
static atomic_bool fail_sticky;
static atomic_ulong alloc_total;

void keel_alloc_fail_after(long n, bool sticky)
{
    atomic_store(&fail_sticky, sticky);
    atomic_store(&fail_countdown, n);
}

unsigned long keel_alloc_count(void)
{
    return atomic_load(&alloc_total);
}

/* True when this allocation must fail. The common case (injection off) is
 * one relaxed load. */
static bool should_fail(void)
{
    atomic_fetch_add_explicit(&alloc_total, 1, memory_order_relaxed);
    long left = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (left > 0) {
        /* one thread wins each step of the countdown */
        long next = left == 1 ? (atomic_load(&fail_sticky) ? 1 : 0) : left - 1;
        if (atomic_compare_exchange_weak(&fail_countdown, &left, next))
            return left == 1;
    }
    return false;
}

void *keel_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *keel_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *keel_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

char *keel_strndup(const char *s, size_t n)
{
    char *d = keel_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *keel_strdup(const char *s)
{
    return keel_strndup(s, strlen(s));
}

void keel_free(void *p)
{
    free(p);
}
