/*
 * tmpfs mount options: "size=64m,nr_inodes=1k,mode=1777". Pure code (no
 * kernel state): the host tests build it as is.
 */
#include <kestrel/errno.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/string.h>

#define OPT_MAX 64
#define PAGE_BYTES 4096ULL

/* N with an optional k/m/g suffix (binary units). */
static int parse_memsize(const char *s, unsigned long long *out)
{
	char num[OPT_MAX];
	size_t len = strlen(s);
	unsigned long long v, mult = 1;
	int err;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': mult = 1ULL << 10; break;
	case 'm': case 'M': mult = 1ULL << 20; break;
	case 'g': case 'G': mult = 1ULL << 30; break;
	default: break;
	}
	if (mult != 1)
		num[--len] = 0;
	if (!len)
		return -EINVAL;
	err = kstrtoull(num, 10, &v);
	if (err)
		return err;
	if (v > ~0ULL / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

static int parse_one(const char *key, const char *val, struct tmpfs_options *o,
		     unsigned long long total_pages, bool ignore_unknown)
{
	unsigned long long v;
	size_t len;
	int err;

	if (!strcmp(key, "size") && val) {
		len = strlen(val);
		if (len && val[len - 1] == '%') {
			char pct[OPT_MAX];

			if (len >= sizeof(pct))
				return -EINVAL;
			memcpy(pct, val, len - 1);
			pct[len - 1] = 0;
			err = kstrtoull(pct, 10, &v);
			if (err || v > 100)
				return -EINVAL;
			o->max_blocks = total_pages * v / 100;
		} else {
			err = parse_memsize(val, &v);
			if (err)
				return err;
			o->max_blocks = (v + PAGE_BYTES - 1) / PAGE_BYTES;
		}
		o->seen |= TMPFS_OPT_SIZE;
	} else if (!strcmp(key, "nr_blocks") && val) {
		err = parse_memsize(val, &o->max_blocks);
		if (err)
			return err;
		o->seen |= TMPFS_OPT_SIZE;
	} else if (!strcmp(key, "nr_inodes") && val) {
		err = parse_memsize(val, &o->max_inodes);
		if (err)
			return err;
		o->seen |= TMPFS_OPT_INODES;
	} else if (!strcmp(key, "mode") && val) {
		err = kstrtoull(val, 8, &v);
		if (err || v > 07777)
			return -EINVAL;
		o->mode = (umode_t)v;
		o->seen |= TMPFS_OPT_MODE;
	} else if (!strcmp(key, "uid") && val) {
		err = kstrtoull(val, 10, &v);
		if (err || v > 0xffffffffULL)
			return -EINVAL;
		o->uid = (kuid_t)v;
		o->seen |= TMPFS_OPT_UID;
	} else if (!strcmp(key, "gid") && val) {
		err = kstrtoull(val, 10, &v);
		if (err || v > 0xffffffffULL)
			return -EINVAL;
		o->gid = (kgid_t)v;
		o->seen |= TMPFS_OPT_GID;
	} else if (!ignore_unknown) {
		return -EINVAL;
	}
	return 0;
}

int tmpfs_parse_options(const char *data, struct tmpfs_options *opts,
			unsigned long long total_pages, bool ignore_unknown)
{
	const char *p = data;

	while (p && *p) {
		char word[OPT_MAX], *eq;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int err;

		if (len >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, len);
		word[len] = 0;
		p = end ? end + 1 : NULL;
		if (!len)
			continue;	/* ",," or a trailing comma */
		eq = strchr(word, '=');
		if (eq)
			*eq++ = 0;
		err = parse_one(word, eq, opts, total_pages, ignore_unknown);
		if (err)
			return err;
	}
	return 0;
}
