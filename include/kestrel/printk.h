/*
 * printk: the kernel log. Messages carry a level prefix (KERN_*), go into
 * the dmesg ring buffer and, if their level is below console_loglevel, to
 * every registered console.
 */
#ifndef KESTREL_PRINTK_H
#define KESTREL_PRINTK_H

#include <stdarg.h>
#include <kestrel/compiler.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"

#define LOGLEVEL_DEFAULT 4 /* level of a message without a prefix */

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

/* A console: an output device that printk writes to. */
struct console {
	const char *name;		/* "ttyS" or "tty" */
	int index;			/* ttyS0 -> 0 */
	void (*write)(struct console *con, const char *s, size_t len);
	struct console *next;		/* console list, under the console lock */
};

void register_console(struct console *con);
void unregister_console(struct console *con);
int console_loglevel_get(void);
void console_loglevel_set(int level);

/* Write text to every console without logging it (/dev/console). */
void console_emit(const char *s, size_t n);

/* Copy the newest part of the log into buf; returns bytes copied. */
size_t dmesg_read(char *buf, size_t size);

/* syslog(2): Linux's SYSLOG_ACTION_* on the log dmesg_read() reads. */
long do_syslog(int type, char __user *buf, int len);

/*
 * Log records (for /dev/kmsg): each complete line of the log, numbered
 * from 0 in order. printk_get_record() copies the text of record seq (or,
 * if that one was already overwritten, of the oldest kept; info->seq
 * says which) and returns the bytes copied, or -EAGAIN if there is no
 * such record yet.
 */
struct printk_record_info {
	u64 seq;
	u64 ts_ns;	/* ktime_get_ns() when the line began */
	int level;
	size_t len;	/* the whole text's length (copied: at most size) */
};
int printk_get_record(u64 seq, struct printk_record_info *info, char *text, size_t size);
u64 printk_first_seq(void);	/* oldest record kept */
u64 printk_next_seq(void);	/* the next record's number */

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG()                                                       \
	panic("kernel BUG at %s:%d in %s()", __FILE__, __LINE__, __func__)
#define BUG_ON(cond)              \
	do {                      \
		if (unlikely(cond)) \
			BUG();        \
	} while (0)

void __warn(const char *file, int line, const char *cond);
#define WARN_ON(cond)                                               \
	({                                                          \
		bool __c = !!(cond);                                \
		if (unlikely(__c))                                  \
			__warn(__FILE__, __LINE__, #cond);          \
		__c;                                                \
	})
#define WARN_ON_ONCE(cond)                                          \
	({                                                          \
		static bool __warned;                               \
		bool __c = !!(cond);                                \
		if (unlikely(__c) && !__warned) {                   \
			__warned = true;                            \
			__warn(__FILE__, __LINE__, #cond);          \
		}                                                   \
		__c;                                                \
	})

#endif
