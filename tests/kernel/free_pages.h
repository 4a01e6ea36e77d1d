/*
 * Free-page counts for the tests of the allocators (buddy_test.c,
 * slab_test.c, vmalloc_test.c), which compare the count before and after
 * and want it exact. Tests run one at a time with nothing else
 * allocating, but frees that earlier tests left pending (the reaper
 * freeing the stacks of their exited threads, RCU callbacks) could land
 * in the middle: settled_free_pages() lets them finish first.
 */
#ifndef TESTS_KERNEL_FREE_PAGES_H
#define TESTS_KERNEL_FREE_PAGES_H

#include <kestrel/mm.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>

static inline void settle_deferred_frees(void)
{
	sched_reap_wait();
	rcu_barrier();
}

/* The free-page count to compare against, once pending frees are done. */
static inline unsigned long settled_free_pages(void)
{
	settle_deferred_frees();
	return nr_free_pages();
}

#endif
