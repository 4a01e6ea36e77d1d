/*
 * The out-of-memory killer (Linux's mm/oom_kill.c, reduced to what a
 * machine without swap and without memory cgroups needs).
 *
 * When an allocation that may sleep finds no free block even after
 * reclaim (alloc_pages, mm/page_alloc.c), or a user page fault could not
 * get its page (arch/x86/mm/fault.c), the one way left to get memory is
 * to end a process: out_of_memory() picks the one whose death gives back
 * the most and sends it SIGKILL.
 *
 * The choice (oom_badness): resident pages of every kind (anonymous,
 * file, tmpfs: the mm's counters) plus its page-table pages. Kestrel has
 * no swap, so Linux's swap entries count nothing. Never init, a kernel
 * thread, or a process already dying. Processes sharing the victim's mm
 * (CLONE_VM without CLONE_THREAD) are killed with it, or nothing would be
 * freed.
 *
 * One victim at a time: the victim's mm carries MMF_OOM_VICTIM until its
 * exit_mmap has given the pages back (oom_victim_freed); meanwhile
 * out_of_memory chooses nobody else and the allocators wait for it
 * (oom_wait_for_victim). A victim still there after OOM_VICTIM_GRACE (an
 * uninterruptible sleep that does not end) gets MMF_OOM_SKIP and the next
 * one is chosen.
 *
 * What it prints, as Linux does:
 *   hog invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0
 *   Mem-Info: free:812 file:1532 shmem:201 total:131072 pages
 *   Tasks state (memory values in pages): a line per process
 *   oom-kill:constraint=CONSTRAINT_NONE,global_oom,task=hog,pid=123,uid=1000
 *   Out of memory: Killed process 123 (hog) total-vm:4194408kB, anon-rss:480012kB,
 *   file-rss:84kB, shmem-rss:0kB, UID:1000 pgtables:956kB oom_score_adj:0
 * (the last one is one line). With nobody to kill: "Out of memory and no
 * killable processes...", and the allocation fails: the caller gets
 * ENOMEM (Linux panics there instead).
 *
 * Locking: oom_lock (a mutex, trylock: a second caller just waits for the
 * first one's victim) serializes choices; the task list is walked under
 * tasklist_lock read, and each task's mm read under its task_lock.
 */
#include <kestrel/bitops.h>
#include <kestrel/cred.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/mutex.h>
#include <kestrel/oom.h>
#include <kestrel/pagemap.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/signal.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/wait.h>

#define OOM_VICTIM_GRACE (2 * HZ)	/* a victim not gone by then is passed over */

static DEFINE_MUTEX(oom_lock);
static atomic_t oom_victims;		/* victims whose mm has not been torn down yet */
static u64 oom_victim_deadline;		/* jiffies; under oom_lock */
static DECLARE_WAIT_QUEUE_HEAD(oom_victims_wait);
atomic_long_t oom_kill_count;		/* victims so far (tests, /proc/vmstat's oom_kill) */

unsigned long oom_badness(struct mm_struct *mm)
{
	return get_mm_rss(mm) + mm_pgtables_bytes(mm) / PAGE_SIZE;
}

/* A process the killer may not choose (whatever its size). */
static bool oom_unkillable_task(struct task_struct *p)
{
	if (p->flags & (PF_KTHREAD | PF_IDLE | PF_EXITING))
		return true;
	if (is_global_init(p) || p->exit_state || !p->signal)
		return true;
	return READ_ONCE(p->signal->flags) & SIGNAL_GROUP_EXIT;	/* dying already */
}

struct oom_choice {
	struct task_struct *chosen;	/* referenced */
	unsigned long points;
	bool wait;			/* an earlier victim is still giving memory back */
};

/* One task of the walk: a better candidate, or a victim still in progress. tasklist_lock held. */
static void oom_evaluate_task(struct task_struct *p, struct oom_choice *oc)
{
	struct mm_struct *mm;
	unsigned long points;

	if (oom_unkillable_task(p))
		return;
	task_lock(p);
	mm = p->mm;
	if (!mm) {
		task_unlock(p);
		return;
	}
	if (test_bit(MMF_OOM_VICTIM, &mm->flags) && !test_bit(MMF_OOM_SKIP, &mm->flags)) {
		if ((s64)(get_jiffies_64() - oom_victim_deadline) < 0)
			oc->wait = true;
		else
			set_bit(MMF_OOM_SKIP, &mm->flags);	/* stuck: choose another */
		task_unlock(p);
		return;
	}
	if (test_bit(MMF_OOM_SKIP, &mm->flags)) {
		task_unlock(p);
		return;
	}
	points = oom_badness(mm);
	task_unlock(p);
	if (!oc->chosen || points > oc->points) {
		if (oc->chosen)
			put_task_struct(oc->chosen);
		get_task_struct(p);
		oc->chosen = p;
		oc->points = points;
	}
}

static void select_bad_process(struct oom_choice *oc)
{
	struct task_struct *p;

	read_lock(&tasklist_lock);
	for_each_task(p) {
		oom_evaluate_task(p, oc);
		if (oc->wait)
			break;
	}
	read_unlock(&tasklist_lock);
	if (oc->wait && oc->chosen) {
		put_task_struct(oc->chosen);
		oc->chosen = NULL;
	}
}

static void dump_header(gfp_t gfp, unsigned int order)
{
	struct pagecache_stats st;

	pagecache_get_stats(&st);
	pr_warn("%s invoked oom-killer: gfp_mask=%#x, order=%u, oom_score_adj=0\n", current->comm,
		gfp, order);
	pr_warn("Mem-Info: free:%lu file:%lu shmem:%lu total:%lu pages\n", nr_free_pages(),
		st.nr_pages, shmem_total_pages(), (unsigned long)(totalram_bytes >> PAGE_SHIFT));
}

/* Linux's dump_tasks: one line per process with memory, in pages. */
static void dump_tasks(void)
{
	struct task_struct *p;

	pr_info("Tasks state (memory values in pages):\n");
	pr_info("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
	rcu_read_lock();		/* the creds we read */
	read_lock(&tasklist_lock);
	for_each_process(p) {
		struct mm_struct *mm;

		if (p->flags & PF_KTHREAD)
			continue;
		task_lock(p);
		mm = p->mm;
		if (mm)
			pr_info("[%7d] %5u %5d %8lu %8lu %8lu %8lu         %5d %s\n", p->pid,
				READ_ONCE(p->cred)->uid, p->tgid, mm->total_vm, get_mm_rss(mm),
				mm_pgtables_bytes(mm), 0UL, 0, p->comm);
		task_unlock(p);
	}
	read_unlock(&tasklist_lock);
	rcu_read_unlock();
}

/*
 * SIGKILL to every other process using mm (CLONE_VM without
 * CLONE_THREAD): the memory is freed only when all of them are gone.
 */
static void kill_other_users(struct mm_struct *mm, struct task_struct *victim)
{
	struct task_struct *p, *others[16];
	int n = 0;

	read_lock(&tasklist_lock);
	for_each_process(p) {
		if (p->tgid == victim->tgid || (p->flags & PF_KTHREAD) || p->exit_state)
			continue;
		if (READ_ONCE(p->mm) != mm || n == (int)ARRAY_SIZE(others))
			continue;
		if (is_global_init(p)) {
			pr_info("oom killer: process %d (%s) has mm pinned by %d (%s)\n",
				victim->tgid, victim->comm, p->tgid, p->comm);
			continue;
		}
		get_task_struct(p);
		others[n++] = p;
	}
	read_unlock(&tasklist_lock);
	for (int i = 0; i < n; i++) {
		send_sig_group(SIGKILL, others[i], 1);
		put_task_struct(others[i]);
	}
}

/* Kill victim (referenced) and say so. */
static void oom_kill_process(struct task_struct *victim)
{
	struct mm_struct *mm;
	unsigned long vm, anon, file, shmem, pgt;
	const struct cred *cred;
	int tgid = victim->tgid;

	task_lock(victim);
	mm = victim->mm;
	if (!mm) {	/* it exited meanwhile: its memory is coming back anyway */
		task_unlock(victim);
		return;
	}
	mmgrab(mm);
	set_bit(MMF_OOM_VICTIM, &mm->flags);
	atomic_inc(&oom_victims);
	oom_victim_deadline = get_jiffies_64() + OOM_VICTIM_GRACE;
	vm = mm->total_vm;
	anon = get_mm_counter(mm, MM_ANONPAGES);
	file = get_mm_counter(mm, MM_FILEPAGES);
	shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	pgt = mm_pgtables_bytes(mm);
	task_unlock(victim);

	send_sig_group(SIGKILL, victim, 1);
	atomic_long_inc(&oom_kill_count);
	cred = get_task_cred(victim);
	pr_info("oom-kill:constraint=CONSTRAINT_NONE,global_oom,task=%s,pid=%d,uid=%u\n",
		victim->comm, tgid, cred->uid);
	pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:0\n",
	       tgid, victim->comm, vm << (PAGE_SHIFT - 10), anon << (PAGE_SHIFT - 10),
	       file << (PAGE_SHIFT - 10), shmem << (PAGE_SHIFT - 10), cred->uid, pgt >> 10);
	put_cred(cred);
	kill_other_users(mm, victim);
	mmdrop(mm);
}

bool out_of_memory(gfp_t gfp, unsigned int order)
{
	struct oom_choice oc = { NULL, 0, false };

	if (!mutex_trylock(&oom_lock))
		return true;	/* someone is choosing right now: wait for that victim */
	select_bad_process(&oc);
	if (oc.wait) {
		mutex_unlock(&oom_lock);
		return true;
	}
	if (!oc.chosen) {
		dump_header(gfp, order);
		pr_warn("Out of memory and no killable processes...\n");
		mutex_unlock(&oom_lock);
		return false;
	}
	dump_header(gfp, order);
	dump_tasks();
	oom_kill_process(oc.chosen);
	put_task_struct(oc.chosen);
	mutex_unlock(&oom_lock);
	return true;
}

void oom_victim_freed(struct mm_struct *mm)
{
	if (!test_and_clear_bit(MMF_OOM_VICTIM, &mm->flags))
		return;
	atomic_dec(&oom_victims);
	wake_up_all(&oom_victims_wait);
}

void oom_wait_for_victim(long timeout)
{
	wait_event_killable_timeout(oom_victims_wait, atomic_read(&oom_victims) == 0, timeout);
}
