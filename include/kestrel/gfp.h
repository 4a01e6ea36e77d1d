/*
 * GFP ("get free pages") flags: how an allocation may be satisfied.
 *
 * Nothing in Kestrel sleeps yet, so GFP_KERNEL and GFP_ATOMIC behave the
 * same today; code should still say which one it means, so that the day
 * the allocator can wait for memory, callers in interrupt context are
 * already marked.
 */
#ifndef KESTREL_GFP_H
#define KESTREL_GFP_H

typedef unsigned int gfp_t;

#define __GFP_DMA32 0x01u	/* only memory below 4 GiB (32-bit DMA devices) */
#define __GFP_ZERO 0x02u	/* return zeroed memory */
#define __GFP_NOWARN 0x04u	/* no "allocation failure" message on failure */

#define GFP_KERNEL 0u		/* normal kernel allocation (may sleep, one day) */
#define GFP_ATOMIC 0u		/* never sleeps: interrupt handlers, spinlocks held */
#define GFP_DMA32 __GFP_DMA32

#endif
