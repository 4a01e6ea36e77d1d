/*
 * GFP ("get free pages") flags: how an allocation may be satisfied.
 *
 * When no block is free, the allocator reclaims and then, if it may sleep,
 * calls the OOM killer and waits for the victim's memory (mm/page_alloc.c).
 * Whether it may sleep is judged from the context (preemptible, not in an
 * interrupt, no spinlock held), so GFP_KERNEL and GFP_ATOMIC have the same
 * bits; code still says which one it means. __GFP_NORETRY is for callers
 * with a fallback (readahead, a smaller buffer): fail rather than kill.
 */
#ifndef KESTREL_GFP_H
#define KESTREL_GFP_H

typedef unsigned int gfp_t;

#define __GFP_DMA32 0x01u	/* only memory below 4 GiB (32-bit DMA devices) */
#define __GFP_ZERO 0x02u	/* return zeroed memory */
#define __GFP_NOWARN 0x04u	/* no "allocation failure" message on failure */
#define __GFP_NORETRY 0x08u	/* after reclaim, fail: no OOM kill, no waiting */

#define GFP_KERNEL 0u		/* normal kernel allocation (may sleep, one day) */
#define GFP_ATOMIC 0u		/* never sleeps: interrupt handlers, spinlocks held */
#define GFP_DMA32 __GFP_DMA32

#endif
