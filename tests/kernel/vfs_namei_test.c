/*
 * ktests for path-name corner cases of the namei system calls (suite
 * vfs): trailing slashes in rename and RENAME_EXCHANGE, as Linux's
 * do_renameat2 treats them.
 */
#include <kestrel/errno.h>
#include "vfs_testfs.h"

KTEST(vfs, rename_exchange_trailing_slash)
{
	struct vfs_env env;
	struct stat st;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/dir", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/file", "f", 1), 1);
	/* the new side's slash asks for a directory: "file" is not one */
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir", AT_FDCWD, "file/", RENAME_EXCHANGE), -ENOTDIR);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir/", AT_FDCWD, "file", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/dir", &st), 0);	/* now the file */
	KEXPECT(S_ISREG(st.st_mode));
	/* the slash is on the directory side: allowed for an exchange */
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir", AT_FDCWD, "file/", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/dir", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "file", AT_FDCWD, "dir/", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/file", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir/", AT_FDCWD, "file", RENAME_EXCHANGE), -ENOTDIR);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "file/", AT_FDCWD, "dir", RENAME_EXCHANGE), 0);
	/* back to: /dir a directory, /file a file. Plain rename: a slash on
	 * either name needs a directory source. */
	KEXPECT_EQ(ksys_rename("file", "x/"), -ENOTDIR);
	KEXPECT_EQ(ksys_rename("file/", "x"), -ENOTDIR);
	KEXPECT_EQ(ksys_stat("/x", &st), -ENOENT);
	KEXPECT_EQ(ksys_rename("dir", "x/"), 0);
	KEXPECT_EQ(ksys_rmdir("/x"), 0);
	KEXPECT_EQ(ksys_unlink("/file"), 0);
	vfs_env_end(t, &env);
}
