/*
 * GFP ("get free pages") flags: how an allocation may be satisfied.
 *
 * When no block is free, the allocator reclaims (try_to_free_pages,
 * mm/vmscan.c) and then, if it may sleep, calls the OOM killer and waits
 * for the victim's memory (mm/page_alloc.c). Whether it may sleep is
 * decided from the context it runs in, not from its flags (nothing is
 * reclaimed in interrupts, with preemption off or in a no-sleep section),
 * so GFP_KERNEL and GFP_ATOMIC are the same value; code still says which
 * one it means, as in Linux, so the reader knows the context.
 * __GFP_NORETRY is for callers with a fallback (readahead, a smaller
 * buffer): fail rather than kill.
 */
#ifndef KESTREL_GFP_H
#define KESTREL_GFP_H

typedef unsigned int gfp_t;

#define __GFP_DMA32 0x01u	/* only memory below 4 GiB (32-bit DMA devices) */
#define __GFP_ZERO 0x02u	/* return zeroed memory */
#define __GFP_NOWARN 0x04u	/* no "allocation failure" message on failure */
#define __GFP_NORETRY 0x08u	/* after reclaim, fail: no OOM kill, no waiting */

#define GFP_KERNEL 0u		/* normal kernel allocation (may sleep to reclaim) */
#define GFP_ATOMIC 0u		/* never sleeps: interrupt handlers, spinlocks held */
#define GFP_DMA32 __GFP_DMA32

#endif
