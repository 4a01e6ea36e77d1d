/*
 * ktests for the dentry cache (suite dcache): hashed lookup by parent and
 * name, negative dentries caching a miss, the LRU of unused dentries
 * and its shrinking under memory pressure, d_move on rename, and path
 * walks completing in rcu-walk when everything is cached.
 */
#include <kestrel/shrinker.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include "vfs_testfs.h"

static struct dentry *root_dentry(void)
{
	return current_fs()->root.dentry;
}

static struct dentry *lookup_in(struct dentry *parent, const char *name)
{
	struct qstr q = QSTR_INIT(name, strlen(name));

	q.hash = full_name_hash(parent, name, q.len);
	return d_lookup(parent, &q);
}

KTEST(dcache, hash_lookup)
{
	struct vfs_env env;
	struct dentry *d, *x;
	struct stat st;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/d/x", "1", 1), 1);
	d = lookup_in(root_dentry(), "d");
	KASSERT(d);
	x = lookup_in(d, "x");
	KEXPECT(x && d_inode(x) && S_ISREG(d_inode(x)->i_mode));
	KEXPECT(x && x->d_parent == d);
	KEXPECT(lookup_in(root_dentry(), "x") == NULL);	/* same name, other parent */
	KEXPECT(lookup_in(d, "X") == NULL);
	KEXPECT_EQ(ksys_stat("/d/x", &st), 0);
	KEXPECT(x && st.st_ino == d_inode(x)->i_ino);
	dput(x);
	dput(d);
	vfs_env_end(t, &env);
}

KTEST(dcache, negative_dentries)
{
	struct vfs_env env;
	struct dentry_stat_t before, after;
	struct dentry *n;
	struct stat st;

	if (!vfs_env_begin(t, &env))
		return;
	dentry_stats(&before);
	KEXPECT_EQ(ksys_stat("/missing", &st), -ENOENT);
	n = lookup_in(root_dentry(), "missing");
	KASSERT(n);
	KEXPECT(d_really_is_negative(n));	/* the miss is cached */
	dentry_stats(&after);
	KEXPECT(after.nr_negative >= before.nr_negative + 1);
	dput(n);
	/* creating the name makes the same dentry positive */
	KEXPECT_EQ(testfs_write_file("/missing", "1", 1), 1);
	n = lookup_in(root_dentry(), "missing");
	KEXPECT(n && d_really_is_positive(n));
	dput(n);
	/* unlink turns it negative again, still hashed */
	KEXPECT_EQ(ksys_unlink("/missing"), 0);
	n = lookup_in(root_dentry(), "missing");
	KEXPECT(n && d_really_is_negative(n));
	dput(n);
	vfs_env_end(t, &env);
}

KTEST(dcache, lru_and_shrink)
{
	struct vfs_env env;
	struct super_block *sb;
	struct stat st;
	char name[32];
	long unused, freed;

	if (!vfs_env_begin(t, &env))
		return;
	sb = root_dentry()->d_sb;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/neg%d", i);
		KEXPECT_EQ(ksys_stat(name, &st), -ENOENT);
	}
	unused = READ_ONCE(sb->s_nr_dentry_unused);
	KEXPECT(unused >= 40);	/* unused negatives wait on the LRU */
	/* the first scan gives referenced dentries a second chance, later ones free */
	freed = 0;
	for (int pass = 0; pass < 4 && READ_ONCE(sb->s_nr_dentry_unused); pass++)
		freed += prune_dcache(1000);
	KEXPECT(freed >= 40);
	KEXPECT_EQ(READ_ONCE(sb->s_nr_dentry_unused), 0);
	KEXPECT(lookup_in(root_dentry(), "neg0") == NULL);
	/* the shrinker path does the same */
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "/again%d", i);
		ksys_stat(name, &st);
	}
	for (int pass = 0; pass < 4; pass++)
		shrink_slab(1000);
	KEXPECT_EQ(READ_ONCE(sb->s_nr_dentry_unused), 0);
	vfs_env_end(t, &env);
}

KTEST(dcache, d_move_on_rename)
{
	struct vfs_env env;
	struct dentry *a, *b, *x, *moved;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/a", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/b", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/a/x", "1", 1), 1);
	a = lookup_in(root_dentry(), "a");
	b = lookup_in(root_dentry(), "b");
	KASSERT(a && b);
	x = lookup_in(a, "x");
	KASSERT(x);
	KEXPECT_EQ(ksys_rename("/a/x", "/b/a_long_name_that_does_not_fit_inline_in_the_dentry"), 0);
	KEXPECT(x->d_parent == b);	/* the same dentry, moved */
	KEXPECT_EQ(x->d_name.len, strlen("a_long_name_that_does_not_fit_inline_in_the_dentry"));
	moved = lookup_in(b, "a_long_name_that_does_not_fit_inline_in_the_dentry");
	KEXPECT(moved == x);
	{
		struct dentry *old = lookup_in(a, "x");

		KEXPECT(!old || d_really_is_negative(old));	/* nothing by the old name */
		if (old)
			dput(old);
	}
	dput(moved);
	KEXPECT_EQ(ksys_rename("/b/a_long_name_that_does_not_fit_inline_in_the_dentry", "/a/y"), 0);
	KEXPECT(x->d_parent == a);
	KEXPECT_EQ(x->d_name.len, 1);
	KEXPECT(!memcmp(x->d_name.name, "y", 2));
	{
		char buf[64];
		struct path p = { .mnt = current_fs()->root.mnt, .dentry = x };
		char *s = d_path(&p, buf, sizeof(buf));

		KEXPECT(!IS_ERR(s) && !strcmp(s, "/a/y"));
	}
	dput(x);
	dput(a);
	dput(b);
	/* RENAME_EXCHANGE swaps two dentries */
	KEXPECT_EQ(testfs_write_file("/b/z", "2", 1), 1);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/a/y", AT_FDCWD, "/b/z", RENAME_EXCHANGE), 0);
	{
		char buf[4] = { 0 };

		KEXPECT_EQ(testfs_read_file("/a/y", buf, sizeof(buf)), 1);
		KEXPECT_EQ(buf[0], '2');
	}
	vfs_env_end(t, &env);
}

KTEST(dcache, rcu_walk_when_cached)
{
	struct vfs_env env;
	struct namei_stats s0, s1;
	struct stat st;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/p", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/p/q", 0755), 0);
	KEXPECT_EQ(ksys_stat("/p/q", &st), 0);	/* everything cached now */
	namei_get_stats(&s0);
	for (int i = 0; i < 10; i++)
		KEXPECT_EQ(ksys_stat("/p/q/../q/.", &st), 0);
	namei_get_stats(&s1);
	/* other CPUs may walk too: at least ours finished in rcu-walk */
	KEXPECT(s1.rcu_walks - s0.rcu_walks >= 10);
	/* a symlink needs ->get_link: the walk falls back to ref-walk */
	KEXPECT_EQ(ksys_symlink("/p", "/lnk"), 0);
	namei_get_stats(&s0);
	KEXPECT_EQ(ksys_stat("/lnk/q", &st), 0);
	namei_get_stats(&s1);
	KEXPECT(s1.rcu_fallbacks > s0.rcu_fallbacks);
	vfs_env_end(t, &env);
}
