/*
 * The out-of-memory killer (mm/oom_kill.c; docs/mm.md "Out of memory").
 */
#ifndef KESTREL_OOM_H
#define KESTREL_OOM_H

#include <kestrel/atomic.h>
#include <kestrel/gfp.h>

struct mm_struct;

/*
 * No memory even after reclaim, for an allocation of 2^order pages with
 * gfp: kill the process whose death frees the most (SIGKILL, logged), or
 * find that an earlier victim is still giving memory back. True when the
 * caller may wait (oom_wait_for_victim) and try again; false when nobody
 * can be killed (the allocation must fail).
 */
bool out_of_memory(gfp_t gfp, unsigned int order);

/* Sleep until the victims have given their memory back, at most timeout jiffies (killable). */
void oom_wait_for_victim(long timeout);

/* exit_mmap of mm is done: if it was a victim's, the next choice may be made. */
void oom_victim_freed(struct mm_struct *mm);

/* The OOM killer's measure of mm: resident pages plus page-table pages. */
unsigned long oom_badness(struct mm_struct *mm);

/* Processes killed so far. */
extern atomic_long_t oom_kill_count;

#endif
