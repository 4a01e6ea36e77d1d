/*
 * printk and the kernel log.
 *
 * Every message goes into log_buf, a ring of text that dmesg reads; each
 * line starts with "<L>" (its level) there. A message is also written to
 * every registered console when its level is below console_loglevel.
 *
 * Each complete line is also kept as a record (sequence number, time
 * since boot, level, text) in rec_buf, which /dev/kmsg reads in Linux's
 * "<level>,<seq>,<usec>,-;text" format (printk_get_record()).
 *
 * syslog(2) (do_syslog(), busybox's dmesg) reads log_buf: all of it since
 * the last clear, or, as a consumer, what it has not read yet.
 *
 * Locking: logbuf_lock (irqsave: printk is called from interrupts) protects
 * log_buf, log_head, log_len, log_total, the syslog positions, the record
 * ring (rec_*, line_*) and the console list, and serializes console
 * output so that lines from different CPUs do not interleave. In an oops
 * or panic the lock may be held by the CPU that crashed, so printk then
 * only tries the lock and writes regardless (oops_in_progress).
 */
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/cmdline.h>
#include <kestrel/panic.h>
#include <kestrel/errno.h>
#include <kestrel/time.h>
#include <kestrel/cred.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>

#define LOG_BUF_SIZE (1 << 17)

static DEFINE_SPINLOCK(logbuf_lock);	/* log_buf, log_head, log_len, console_list */
static char log_buf[LOG_BUF_SIZE];
static size_t log_head;			/* next write position */
static size_t log_len;			/* valid bytes, at most LOG_BUF_SIZE */
static u64 log_total;			/* bytes ever stored: log_buf holds [log_total - log_len, log_total) */
static u64 syslog_pos;			/* the next byte SYSLOG_ACTION_READ returns */
static u64 clear_pos;			/* SYSLOG_ACTION_READ_ALL starts here (CLEAR moves it) */
static int saved_console_loglevel = -1;	/* before SYSLOG_ACTION_CONSOLE_OFF, or -1 */
static struct console *console_list;
static int console_loglevel = 7;	/* print levels 0..6 */
static bool line_open;			/* the last message did not end in '\n' */

/*
 * The record ring: a byte ring of [struct rec_hdr][text] records, oldest
 * at rec_head; the oldest are dropped to make room. The line being built
 * (a message without '\n' and its KERN_CONT continuations) waits in
 * line_buf until it ends.
 */
#define REC_BUF_SIZE (1 << 17)
#define LINE_MAX 1024
struct rec_hdr {
	u64 seq;
	u64 ts_ns;
	u16 len;
	u8 level;
	u8 pad[5];
};
static u8 rec_buf[REC_BUF_SIZE];
static size_t rec_head, rec_used;	/* oldest record's offset, bytes in use */
static u64 rec_first_seq, rec_next_seq;	/* seq of the oldest record, of the next one */
static char line_buf[LINE_MAX];
static size_t line_len;
static int line_level;
static u64 line_ts;

int oops_in_progress;

int console_loglevel_get(void)
{
	return console_loglevel;
}

void console_loglevel_set(int level)
{
	console_loglevel = clamp(level, 1, 8);
}

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		log_buf[log_head] = s[i];
		log_head = (log_head + 1) % LOG_BUF_SIZE;
	}
	log_len = min(log_len + n, (size_t)LOG_BUF_SIZE);
	log_total += n;
}

static void rec_copy_in(size_t off, const void *src, size_t n)
{
	const u8 *p = src;

	for (size_t i = 0; i < n; i++)
		rec_buf[(off + i) % REC_BUF_SIZE] = p[i];
}

static void rec_copy_out(void *dst, size_t off, size_t n)
{
	u8 *p = dst;

	for (size_t i = 0; i < n; i++)
		p[i] = rec_buf[(off + i) % REC_BUF_SIZE];
}

/* The line in line_buf becomes a record; the oldest records make room. */
static void rec_flush_line(void)
{
	struct rec_hdr h = { .seq = rec_next_seq, .ts_ns = line_ts, .len = (u16)line_len,
			     .level = (u8)line_level };
	size_t need = sizeof(h) + line_len;

	while (rec_used + need > REC_BUF_SIZE) {
		struct rec_hdr old;

		rec_copy_out(&old, rec_head, sizeof(old));
		rec_head = (rec_head + sizeof(old) + old.len) % REC_BUF_SIZE;
		rec_used -= sizeof(old) + old.len;
		rec_first_seq = old.seq + 1;
	}
	rec_copy_in((rec_head + rec_used) % REC_BUF_SIZE, &h, sizeof(h));
	rec_copy_in((rec_head + rec_used + sizeof(h)) % REC_BUF_SIZE, line_buf, line_len);
	rec_used += need;
	rec_next_seq++;
	line_len = 0;
}

/* Add text to the record being built; each '\n' ends a record. */
static void rec_store(const char *text, size_t n, int level, bool new_line)
{
	if (new_line && line_len)
		rec_flush_line();
	if (!line_len) {
		line_level = level;
		line_ts = ktime_get_ns();
	}
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n') {
			rec_flush_line();
			line_level = level;
			line_ts = ktime_get_ns();
		} else if (line_len < LINE_MAX) {
			line_buf[line_len++] = text[i];
		}
	}
}

int printk_get_record(u64 seq, struct printk_record_info *info, char *text, size_t size)
{
	unsigned long flags;
	struct rec_hdr h;
	size_t off, n;
	int ret = -EAGAIN;

	spin_lock_irqsave(&logbuf_lock, flags);
	if (seq < rec_first_seq)
		seq = rec_first_seq;	/* overwritten: the caller learns it from info->seq */
	if (seq >= rec_next_seq)
		goto out;
	off = rec_head;
	for (;;) {
		rec_copy_out(&h, off, sizeof(h));
		if (h.seq == seq)
			break;
		off = (off + sizeof(h) + h.len) % REC_BUF_SIZE;
	}
	n = min((size_t)h.len, size);
	rec_copy_out(text, off + sizeof(h), n);
	info->seq = h.seq;
	info->ts_ns = h.ts_ns;
	info->level = h.level;
	info->len = h.len;
	ret = (int)n;
out:
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return ret;
}

u64 printk_first_seq(void)
{
	return READ_ONCE(rec_first_seq);
}

u64 printk_next_seq(void)
{
	return READ_ONCE(rec_next_seq);
}

static void console_write_all(const char *s, size_t n)
{
	for (struct console *c = console_list; c; c = c->next)
		c->write(c, s, n);
}

/* Split off a KERN_* prefix; returns the level and advances *text. */
static int printk_level(const char **text, bool *cont)
{
	const char *t = *text;
	int level = LOGLEVEL_DEFAULT;

	*cont = false;
	while (t[0] == KERN_SOH[0] && t[1]) {
		if (t[1] >= '0' && t[1] <= '7')
			level = t[1] - '0';
		else if (t[1] == 'c')
			*cont = true;
		t += 2;
	}
	*text = t;
	return level;
}

static void emit(const char *text, size_t n, int level, bool cont)
{
	char prefix[4] = { '<', (char)('0' + level), '>', 0 };

	if (!(cont && line_open)) {
		if (line_open) {
			log_store("\n", 1);
			if (level < console_loglevel)
				console_write_all("\n", 1);
		}
		log_store(prefix, 3);
	}
	log_store(text, n);
	rec_store(text, n, level, !(cont && line_open));
	if (level < console_loglevel)
		console_write_all(text, n);
	line_open = n == 0 || text[n - 1] != '\n';
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	const char *text;
	unsigned long flags;
	bool cont, locked = true;
	int level, n;

	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	text = buf;
	level = printk_level(&text, &cont);
	n -= text - buf;

	flags = local_irq_save();
	if (READ_ONCE(oops_in_progress))
		locked = spin_trylock(&logbuf_lock);
	else
		spin_lock(&logbuf_lock);
	emit(text, n, level, cont);
	if (locked)
		spin_unlock(&logbuf_lock);
	local_irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* Replay the whole log to a new console, without the "<L>" prefixes. */
static void console_replay(struct console *con)
{
	size_t start = (log_head + LOG_BUF_SIZE - log_len) % LOG_BUF_SIZE;
	char line[256];
	size_t n = 0;
	int level = LOGLEVEL_DEFAULT;
	bool at_line_start = true;

	for (size_t i = 0; i < log_len; i++) {
		char c = log_buf[(start + i) % LOG_BUF_SIZE];
		if (at_line_start && c == '<' && i + 2 < log_len) {
			level = log_buf[(start + i + 1) % LOG_BUF_SIZE] - '0';
			i += 2;
			at_line_start = false;
			continue;
		}
		at_line_start = c == '\n';
		line[n++] = c;
		if (c == '\n' || n == sizeof(line)) {
			if (level < console_loglevel)
				con->write(con, line, n);
			n = 0;
		}
	}
	if (n && level < console_loglevel)
		con->write(con, line, n);
}

void register_console(struct console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	console_replay(con);
	con->next = console_list;
	console_list = con;
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

void unregister_console(struct console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	for (struct console **p = &console_list; *p; p = &(*p)->next) {
		if (*p == con) {
			*p = con->next;
			break;
		}
	}
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

void console_emit(const char *s, size_t n)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	console_write_all(s, n);
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

size_t dmesg_read(char *buf, size_t size)
{
	unsigned long flags;
	size_t n, start;

	spin_lock_irqsave(&logbuf_lock, flags);
	n = min(size, log_len);
	start = (log_head + LOG_BUF_SIZE - n) % LOG_BUF_SIZE;
	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(start + i) % LOG_BUF_SIZE];
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return n;
}

static int parse_loglevel(const char *val)
{
	long long level;

	if (!val || kstrtoll(val, 10, &level) || level < 0 || level > 8)
		return -1;
	console_loglevel_set((int)level);
	return 0;
}
KERNEL_PARAM("loglevel", parse_loglevel, "console log level: print messages below it (0-8)");

static int parse_quiet(const char *val)
{
	if (val)
		return -1;
	console_loglevel_set(5);
	return 0;
}
KERNEL_PARAM("quiet", parse_quiet, "print only errors and warnings to the console");

static int parse_debug(const char *val)
{
	if (val)
		return -1;
	console_loglevel_set(8);
	return 0;
}
KERNEL_PARAM("debug", parse_debug, "print every message to the console");

/* ---- syslog(2) ---- */

/* Linux's SYSLOG_ACTION_* (include/linux/syslog.h). */
enum {
	SYSLOG_ACTION_CLOSE, SYSLOG_ACTION_OPEN, SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR, SYSLOG_ACTION_CLEAR, SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON, SYSLOG_ACTION_CONSOLE_LEVEL, SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

#define MINIMUM_CONSOLE_LOGLEVEL 1	/* CONSOLE_OFF still lets KERN_EMERG through */

/* The oldest byte log_buf still holds; under logbuf_lock. */
static u64 log_first(void)
{
	return log_total - log_len;
}

/*
 * Copy log bytes [from, to) to user space, a piece at a time: the copy
 * may fault, so it cannot run under logbuf_lock. Bytes overwritten
 * meanwhile are skipped. Returns the bytes copied or -EFAULT.
 */
static long syslog_copy(char __user *buf, u64 from, u64 to)
{
	char chunk[256];
	long done = 0;

	while (from < to) {
		unsigned long flags;
		size_t n = min((u64)sizeof(chunk), to - from);

		spin_lock_irqsave(&logbuf_lock, flags);
		from = max(from, log_first());
		n = min((u64)n, to - from);
		for (size_t i = 0; i < n; i++)
			chunk[i] = log_buf[(from + i) % LOG_BUF_SIZE];
		spin_unlock_irqrestore(&logbuf_lock, flags);
		if (copy_to_user(buf + done, chunk, n))
			return -EFAULT;
		done += n;
		from += n;
	}
	return done;
}

/* SYSLOG_ACTION_READ: wait for unread bytes, return up to len of them. */
static long syslog_read(char __user *buf, int len)
{
	unsigned long flags;
	u64 from, to;
	long n;

	for (;;) {
		spin_lock_irqsave(&logbuf_lock, flags);
		syslog_pos = max(syslog_pos, log_first());
		from = syslog_pos;
		to = min(log_total, from + len);
		if (from < to)
			syslog_pos = to;
		spin_unlock_irqrestore(&logbuf_lock, flags);
		if (from < to)
			break;
		/* printk cannot wake a sleeper from every context: poll, as /dev/kmsg does. */
		if (signal_pending(current))
			return -ERESTARTSYS;
		msleep(10);
	}
	n = syslog_copy(buf, from, to);
	return n;
}

/*
 * SYSLOG_ACTION_READ_ALL: the newest len bytes since the last clear,
 * starting at a line.
 */
static long syslog_read_all(char __user *buf, int len, bool clear)
{
	unsigned long flags;
	u64 from, to;

	spin_lock_irqsave(&logbuf_lock, flags);
	to = log_total;
	from = max(clear_pos, log_first());
	if (to - from > (u64)len) {
		from = to - len;
		while (from < to && from > log_first() &&
		       log_buf[(from - 1) % LOG_BUF_SIZE] != '\n')
			from++;
	}
	if (clear)
		clear_pos = to;
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return syslog_copy(buf, from, to);
}

/*
 * Reading all of the log and its size is open to everyone (Linux's
 * default, dmesg_restrict=0); the rest needs CAP_SYSLOG.
 */
static bool syslog_allowed(int type)
{
	if (type == SYSLOG_ACTION_READ_ALL || type == SYSLOG_ACTION_SIZE_BUFFER)
		return true;
	return capable(CAP_SYSLOG);
}

long do_syslog(int type, char __user *buf, int len)
{
	unsigned long flags;
	long ret = 0;

	if (!syslog_allowed(type))
		return -EPERM;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		if (!buf || len < 0)
			return -EINVAL;
		if (!len)
			return 0;
		if (!access_ok(buf, len))
			return -EFAULT;
		if (type == SYSLOG_ACTION_READ)
			return syslog_read(buf, len);
		return syslog_read_all(buf, len, type == SYSLOG_ACTION_READ_CLEAR);
	case SYSLOG_ACTION_CLEAR:
		spin_lock_irqsave(&logbuf_lock, flags);
		clear_pos = log_total;
		spin_unlock_irqrestore(&logbuf_lock, flags);
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		spin_lock_irqsave(&logbuf_lock, flags);
		if (saved_console_loglevel < 0)
			saved_console_loglevel = console_loglevel;
		console_loglevel = MINIMUM_CONSOLE_LOGLEVEL;
		spin_unlock_irqrestore(&logbuf_lock, flags);
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		spin_lock_irqsave(&logbuf_lock, flags);
		if (saved_console_loglevel >= 0) {
			console_loglevel = saved_console_loglevel;
			saved_console_loglevel = -1;
		}
		spin_unlock_irqrestore(&logbuf_lock, flags);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		spin_lock_irqsave(&logbuf_lock, flags);
		console_loglevel = max(len, MINIMUM_CONSOLE_LOGLEVEL);
		saved_console_loglevel = -1;	/* CONSOLE_ON no longer undoes anything */
		spin_unlock_irqrestore(&logbuf_lock, flags);
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		spin_lock_irqsave(&logbuf_lock, flags);
		ret = (long)(log_total - max(syslog_pos, log_first()));
		spin_unlock_irqrestore(&logbuf_lock, flags);
		return ret;
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_BUF_SIZE;
	}
	return -EINVAL;
}

SYSCALL_DEFINE3(syslog, int, type, char __user *, buf, int, len)
{
	return do_syslog(type, buf, len);
}
