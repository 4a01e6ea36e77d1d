/*
 * ktests of tmpfs's mount-option parser (mm/shmem.c shmem_parse_options):
 * sizes with suffixes and percentages, inode limits, mode/uid/gid, and
 * the malformed options that must be -EINVAL.
 */
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/shmem_fs.h>

static struct shmem_options defaults(void)
{
	struct shmem_options o = { .mode = 01777 };
	return o;
}

KTEST(shmem_options, sizes)
{
	struct shmem_options o = defaults();

	KEXPECT_EQ(shmem_parse_options("size=1m", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 256);
	KEXPECT(o.seen & SHMEM_SEEN_BLOCKS);
	KEXPECT_EQ(shmem_parse_options("size=4097", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 2);	/* rounded up to pages */
	KEXPECT_EQ(shmem_parse_options("size=2G", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 524288);
	KEXPECT_EQ(shmem_parse_options("size=16k", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 4);
	KEXPECT_EQ(shmem_parse_options("size=50%", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 500);
	KEXPECT_EQ(shmem_parse_options("nr_blocks=7", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 7);
	KEXPECT_EQ(shmem_parse_options("size=0", &o, 1000, false), 0);
	KEXPECT_EQ(o.max_blocks, 0);
}

KTEST(shmem_options, inodes_mode_ids)
{
	struct shmem_options o = defaults();

	KEXPECT_EQ(shmem_parse_options("nr_inodes=3k,mode=755,uid=1000,gid=100", &o, 0, false), 0);
	KEXPECT_EQ(o.max_inodes, 3072);
	KEXPECT_EQ(o.mode, 0755);
	KEXPECT_EQ(o.uid, 1000);
	KEXPECT_EQ(o.gid, 100);
	KEXPECT_EQ(o.seen, SHMEM_SEEN_INODES | SHMEM_SEEN_MODE | SHMEM_SEEN_UID | SHMEM_SEEN_GID);
	/* Empty words are skipped; NULL and "" are no options at all. */
	KEXPECT_EQ(shmem_parse_options(",,mode=1777,", &o, 0, false), 0);
	KEXPECT_EQ(o.mode, 01777);
	KEXPECT_EQ(shmem_parse_options(NULL, &o, 0, false), 0);
	KEXPECT_EQ(shmem_parse_options("", &o, 0, false), 0);
}

KTEST(shmem_options, malformed)
{
	struct shmem_options o = defaults();

	KEXPECT_EQ(shmem_parse_options("size=", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("size=m", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("size=12q", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("size=101%", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("size=99999999999999999999", &o, 0, false) < 0, 1);
	KEXPECT_EQ(shmem_parse_options("size=17179869184g", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("mode=8", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("mode=17777", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("uid=-1", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("size", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("bogus=1", &o, 0, false), -EINVAL);
	KEXPECT_EQ(shmem_parse_options("bogus=1,mode=700", &o, 0, true), 0);
	KEXPECT_EQ(o.mode, 0700);
}
