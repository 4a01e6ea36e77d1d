/*
 * GFP ("get free pages") flags: how an allocation may be satisfied.
 *
 * GFP_KERNEL and GFP_ATOMIC are the same value: whether an allocation may
 * reclaim (and sleep) is decided from the context it runs in, not from
 * its flags (try_to_free_pages, mm/vmscan.c, does nothing in interrupts,
 * with preemption off or in a no-sleep section). Code still says which
 * one it means, as in Linux, so the reader knows the context.
 */
#ifndef KESTREL_GFP_H
#define KESTREL_GFP_H

typedef unsigned int gfp_t;

#define __GFP_DMA32 0x01u	/* only memory below 4 GiB (32-bit DMA devices) */
#define __GFP_ZERO 0x02u	/* return zeroed memory */
#define __GFP_NOWARN 0x04u	/* no "allocation failure" message on failure */

#define GFP_KERNEL 0u		/* normal kernel allocation (may sleep to reclaim) */
#define GFP_ATOMIC 0u		/* never sleeps: interrupt handlers, spinlocks held */
#define GFP_DMA32 __GFP_DMA32

#endif
