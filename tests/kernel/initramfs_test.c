/*
 * ktests of fs/initramfs.c: archives built in memory are unpacked into
 * the real root under /ktinit, and what the VFS then shows is checked:
 * types, modes, owners, mtimes (directories' too, set last), file bodies,
 * symlink targets, device numbers, hard links (body on the last link, as
 * GNU cpio writes it), concatenated archives, an entry replacing one of
 * another type, and a corrupt archive refused with -EINVAL.
 */
#include <kestrel/cpio_build.h>
#include <kestrel/fs.h>
#include <kestrel/initramfs.h>
#include <kestrel/ktest.h>
#include <kestrel/slab.h>
#include <kestrel/syscalls.h>

#define ARCHIVE_CAP 4096

static struct cpio_buf new_archive(void)
{
	return (struct cpio_buf){ .buf = kmalloc(ARCHIVE_CAP, GFP_KERNEL), .cap = ARCHIVE_CAP };
}

static long stat_of(const char *path, struct stat *st)
{
	return ksys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

static bool file_is(const char *path, const char *want)
{
	char buf[64];
	long fd = ksys_open(path, O_RDONLY, 0);
	ssize_t n;

	if (fd < 0)
		return false;
	n = ksys_read(fd, buf, sizeof(buf));
	ksys_close(fd);
	return n == (ssize_t)strlen(want) && !memcmp(buf, want, n);
}

static void remove_tree(void)
{
	static const char *const files[] = { "/ktinit/d/f", "/ktinit/l", "/ktinit/null",
					     "/ktinit/fifo", "/ktinit/h1", "/ktinit/h2",
					     "/ktinit/second", "/ktinit/was_dir" };

	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++)
		ksys_unlink(files[i]);
	ksys_rmdir("/ktinit/was_dir");
	ksys_rmdir("/ktinit/d");
	ksys_rmdir("/ktinit");
}

static void add_tree(struct cpio_buf *b)
{
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit", .ino = 1, .mode = S_IFDIR | 0750,
					  .uid = 7, .gid = 8, .nlink = 3, .mtime = 111 });
	cpio_add(b, &(struct cpio_spec){ .name = "./ktinit/d", .ino = 2, .mode = S_IFDIR | 0700,
					  .nlink = 2, .mtime = 222 });
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/d/f", .ino = 3, .mode = S_IFREG | 04755,
					  .uid = 1000, .gid = 100, .mtime = 333,
					  .data = "body\n", .size = 5 });
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/l", .ino = 4, .mode = S_IFLNK | 0777,
					  .data = "d/f", .size = 3 });
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/null", .ino = 5, .mode = S_IFCHR | 0666,
					  .rdevmajor = 1, .rdevminor = 3 });
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/fifo", .ino = 6, .mode = S_IFIFO | 0600 });
	/* Hard links, GNU cpio style: the body travels with the last name. */
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/h1", .ino = 9, .mode = S_IFREG | 0640,
					  .nlink = 2 });
	cpio_add(b, &(struct cpio_spec){ .name = "ktinit/h2", .ino = 9, .mode = S_IFREG | 0640,
					  .nlink = 2, .data = "shared", .size = 6 });
	cpio_add_trailer(b);
}

KTEST(initramfs, unpacks_every_kind_of_entry)
{
	struct cpio_buf b = new_archive();
	struct initramfs_stats st;
	struct stat s, s2;
	char link[16];

	KASSERT(b.buf);
	add_tree(&b);
	KASSERT(!b.overflow);
	KEXPECT_EQ(unpack_to_rootfs(b.buf, b.len, &st), 0);
	KEXPECT_EQ(st.files, 8);
	KEXPECT_EQ(st.failed, 0);
	KEXPECT_EQ(st.bytes, 11);

	KEXPECT_EQ(stat_of("/ktinit", &s), 0);
	KEXPECT_EQ(s.st_mode, S_IFDIR | 0750);
	KEXPECT_EQ(s.st_uid, 7);
	KEXPECT_EQ(s.st_gid, 8);
	KEXPECT_EQ(s.st_mtime, 111);	/* set after its entries were made */
	KEXPECT_EQ(stat_of("/ktinit/d", &s), 0);
	KEXPECT_EQ(s.st_mode, S_IFDIR | 0700);
	KEXPECT_EQ(s.st_mtime, 222);
	KEXPECT_EQ(stat_of("/ktinit/d/f", &s), 0);
	KEXPECT_EQ(s.st_mode, S_IFREG | 04755);	/* set-uid survives: chmod after chown */
	KEXPECT_EQ(s.st_uid, 1000);
	KEXPECT_EQ(s.st_gid, 100);
	KEXPECT_EQ(s.st_size, 5);
	KEXPECT_EQ(s.st_mtime, 333);
	KEXPECT(file_is("/ktinit/d/f", "body\n"));
	KEXPECT_EQ(ksys_readlink("/ktinit/l", link, sizeof(link)), 3);
	KEXPECT(!memcmp(link, "d/f", 3));
	KEXPECT(file_is("/ktinit/l", "body\n"));
	KEXPECT_EQ(stat_of("/ktinit/null", &s), 0);
	KEXPECT_EQ(s.st_mode, S_IFCHR | 0666);
	KEXPECT_EQ(s.st_rdev, MKDEV(1, 3));
	KEXPECT_EQ(stat_of("/ktinit/fifo", &s), 0);
	KEXPECT_EQ(s.st_mode, S_IFIFO | 0600);
	KEXPECT_EQ(stat_of("/ktinit/h1", &s), 0);
	KEXPECT_EQ(stat_of("/ktinit/h2", &s2), 0);
	KEXPECT_EQ(s.st_ino, s2.st_ino);
	KEXPECT_EQ(s.st_nlink, 2);
	KEXPECT(file_is("/ktinit/h1", "shared"));
	remove_tree();
	kfree(b.buf);
}

KTEST(initramfs, concatenated_archives_and_type_change)
{
	struct cpio_buf b = new_archive();
	struct initramfs_stats st;
	struct stat s;

	KASSERT(b.buf);
	add_tree(&b);
	/* Second archive: same ino numbers mean other files (links are per archive). */
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit/second", .ino = 9, .nlink = 2,
					   .mode = S_IFREG | 0600, .data = "2", .size = 1 });
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit/was_dir", .mode = S_IFDIR | 0755 });
	cpio_add_trailer(&b);
	for (int i = 0; i < 7; i++)	/* NUL padding between archives */
		cpio_put(&b, "", 1);
	cpio_pad4(&b);
	/* Third: a file where the second made a directory. */
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit/was_dir", .mode = S_IFREG | 0644,
					   .data = "file", .size = 4 });
	cpio_add_trailer(&b);
	KASSERT(!b.overflow);
	KEXPECT_EQ(unpack_to_rootfs(b.buf, b.len, &st), 0);
	KEXPECT_EQ(st.failed, 0);
	KEXPECT_EQ(st.files, 11);
	KEXPECT(file_is("/ktinit/second", "2"));
	KEXPECT_EQ(stat_of("/ktinit/second", &s), 0);
	KEXPECT_EQ(s.st_nlink, 1);
	KEXPECT(file_is("/ktinit/was_dir", "file"));
	remove_tree();
	kfree(b.buf);
}

KTEST(initramfs, corrupt_archive_is_einval_and_keeps_the_good_part)
{
	struct cpio_buf b = new_archive();
	struct initramfs_stats st;
	struct stat s;
	size_t good;

	KASSERT(b.buf);
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit", .mode = S_IFDIR | 0755 });
	good = b.len;
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit/cut", .mode = S_IFREG | 0644,
					   .data = "0123456789", .size = 10 });
	KEXPECT_EQ(unpack_to_rootfs(b.buf, b.len - 6, &st), -EINVAL);	/* body cut */
	KEXPECT_EQ(st.files, 1);
	KEXPECT_EQ(stat_of("/ktinit", &s), 0);
	KEXPECT_NE(stat_of("/ktinit/cut", &s), 0);
	/* A missing parent is a refused entry, not a corrupt archive. */
	b.len = good;
	cpio_add(&b, &(struct cpio_spec){ .name = "ktinit/none/x", .mode = S_IFREG | 0644 });
	cpio_add_trailer(&b);
	KEXPECT_EQ(unpack_to_rootfs(b.buf, b.len, &st), 0);
	KEXPECT_EQ(st.failed, 1);
	remove_tree();
	kfree(b.buf);
}
