/*
 * The gdb remote serial protocol, stub side (gdb's manual, appendix "gdb
 * Remote Serial Protocol"): packets $data#checksum, each acknowledged
 * with + (or - to ask for it again), over kgdboc's polled line.
 *
 * What this stub answers:
 *	?			why we stopped: T<signal>thread:<tid>; (watch:<addr>;)
 *	g G P			registers of the selected thread (Hg)
 *	m M			memory (never faults: an error packet instead)
 *	c s			continue, single step (optional new rip)
 *	D k			detach (breakpoints removed) and run on
 *	H T			select a thread, is it alive
 *	Z0-Z4 z0-z4		software breakpoints, hardware breakpoints,
 *				write and access watchpoints (no read-only ones)
 *	qSupported qC qfThreadInfo qsThreadInfo qThreadExtraInfo
 *	qAttached qSymbol	threads and the rest of gdb's connection set-up
 * Anything else gets the empty reply ("not supported"), which gdb
 * understands: no vCont (gdb uses Hc with c and s), no X (gdb uses M),
 * no p (gdb reads all registers with g).
 *
 * Threads: every task is one (tid = pid; idle tasks, all pid 0, get
 * PID_MAX_DEFAULT + cpu). A task running on a stopped CPU has that CPU's
 * saved registers; a switched-out one those __switch_to_asm saved, the
 * others "unavailable" (xx) in the g reply.
 *
 * Runs on the master with every other CPU stopped: the buffers are static.
 * Linux: kernel/debug/gdbstub.c.
 */
#include <kestrel/errno.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/string.h>
#include <kestrel/vsprintf.h>
#include <asm/kgdb.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include "debug_core.h"

#define BUFMAX 4096		/* PacketSize: the longest packet either side sends */

static char in_buf[BUFMAX + 1];		/* [M] the packet from gdb */
static char out_buf[BUFMAX + 1];	/* [M] our reply */
static u8 mem_buf[BUFMAX / 2];		/* [M] memory in or out, decoded */
static u8 reg_buf[NUMREGBYTES];		/* [M] registers in gdb's layout */
static struct task_struct *usethread;	/* [M] Hg: whose registers g/G/P show */
static unsigned int thread_cursor;	/* [M] where qsThreadInfo goes on */

static const char hexchars[] = "0123456789abcdef";

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a hex number at *p, moving *p past it; false if there is none. */
static bool parse_hex(const char **p, unsigned long *val)
{
	unsigned long v = 0;
	int n = 0, d;

	while ((d = hex(**p)) >= 0) {
		v = v << 4 | d;
		(*p)++;
		n++;
	}
	*val = v;
	return n > 0;
}

static char *mem2hex(const u8 *mem, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		*out++ = hexchars[mem[i] >> 4];
		*out++ = hexchars[mem[i] & 0xf];
	}
	*out = 0;
	return out;
}

/* Decode 2n hex digits; false on a bad digit. */
static bool hex2mem(const char *in, u8 *mem, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex(in[2 * i]), lo = hex(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		mem[i] = (u8)(hi << 4 | lo);
	}
	return true;
}

static void error_packet(char *out, int err)
{
	snprintf(out, BUFMAX, "E%02x", (unsigned int)(-err & 0xff));
}

/* ---------------------------------------------------------------- packets */

static int read_char_wait(void)
{
	int c;

	while ((c = dbg_io_ops->read_char()) < 0)
		cpu_relax();
	return c;
}

static void write_flush(void)
{
	if (dbg_io_ops->flush)
		dbg_io_ops->flush();
}

/* The next well-formed packet's data into buf (acknowledged). */
static void get_packet(char *buf)
{
	for (;;) {
		unsigned int count = 0;
		u8 sum = 0;
		int c, hi, lo;

		while (read_char_wait() != '$')
			;	/* acks, Ctrl-C, noise between packets */
		kgdb_connected = true;
		for (;;) {
			c = read_char_wait();
			if (c == '$') {	/* a new start: gdb gave up on the last one */
				count = 0;
				sum = 0;
				continue;
			}
			if (c == '#' || count == BUFMAX)
				break;
			buf[count++] = (char)c;
			sum += (u8)c;
		}
		buf[count] = 0;
		hi = hex((char)read_char_wait());
		lo = hex((char)read_char_wait());
		if (c == '#' && hi >= 0 && lo >= 0 && (u8)(hi << 4 | lo) == sum) {
			dbg_io_ops->write_char('+');
			write_flush();
			return;
		}
		dbg_io_ops->write_char('-');
		write_flush();
	}
}

/* Send buf until gdb acknowledges it. */
static void put_packet(const char *buf)
{
	for (;;) {
		u8 sum = 0;
		int c;

		dbg_io_ops->write_char('$');
		for (const char *p = buf; *p; p++) {
			dbg_io_ops->write_char((u8)*p);
			sum += (u8)*p;
		}
		dbg_io_ops->write_char('#');
		dbg_io_ops->write_char(hexchars[sum >> 4]);
		dbg_io_ops->write_char(hexchars[sum & 0xf]);
		write_flush();
		c = read_char_wait();
		if (c == '+')
			return;
		if (c == '$') {
			/* gdb is sending a new packet (it reconnected): refuse it, it will resend. */
			dbg_io_ops->write_char('-');
			write_flush();
			return;
		}
	}
}

/* ---------------------------------------------------------------- commands */

static struct task_struct *master_task(struct kgdb_state *ks)
{
	return kgdb_info[ks->cpu].task;
}

static void stop_reply(struct kgdb_state *ks, char *out)
{
	int n = snprintf(out, BUFMAX, "T%02xthread:%lx;", ks->signo & 0xff,
			 kgdb_task_tid(master_task(ks)));

	if (ks->watch_hit)
		snprintf(out + n, BUFMAX - n, "%s:%lx;",
			 ks->watch_type == BP_WRITE_WATCHPOINT ? "watch" : "awatch", ks->watch_addr);
}

/* g: the selected thread's registers; unknown ones as xx. */
static void cmd_getregs(char *out)
{
	int cpu = kgdb_task_cpu(usethread);
	unsigned long known = 0;
	char *p = out;

	if (cpu >= 0) {
		pt_regs_to_gdb_regs(reg_buf, kgdb_info[cpu].regs);
		known = ~0UL;
	} else if (!READ_ONCE(usethread->on_cpu)) {
		known = sleeping_thread_to_gdb_regs(reg_buf, usethread);
	}	/* else: running on a CPU that did not stop: nothing known */
	for (int r = 0; r < DBG_MAX_REG_NUM; r++) {
		unsigned int size = gdb_reg_size(r);

		if (known & (1UL << r)) {
			p = mem2hex(reg_buf + gdb_reg_offset(r), p, size);
		} else {
			memset(p, 'x', 2 * size);
			p += 2 * size;
		}
	}
	*p = 0;
}

/* The registers gdb may change: those of a task running on a stopped CPU. */
static struct pt_regs *writable_regs(void)
{
	int cpu = kgdb_task_cpu(usethread);

	return cpu >= 0 ? kgdb_info[cpu].regs : NULL;
}

/* G: every register (segment registers and xx bytes are ignored). */
static void cmd_setregs(const char *in, char *out)
{
	struct pt_regs *regs = writable_regs();

	if (!regs) {
		error_packet(out, -EINVAL);	/* a switched-out task: its frame is not a pt_regs */
		return;
	}
	for (int r = 0; r <= GDB_PS; r++) {
		const char *h = in + 2 * gdb_reg_offset(r);
		u8 val[8];

		if (strlen(in) < 2 * (gdb_reg_offset(r) + gdb_reg_size(r)))
			break;
		if (hex2mem(h, val, gdb_reg_size(r)))
			gdb_regs_write(regs, r, val);
	}
	strlcpy(out, "OK", BUFMAX);
}

/* P n=v: one register. */
static void cmd_setreg(const char *in, char *out)
{
	struct pt_regs *regs = writable_regs();
	unsigned long regno;
	u8 val[8];

	if (!parse_hex(&in, &regno) || *in++ != '=' || regno >= DBG_MAX_REG_NUM ||
	    strlen(in) < 2 * gdb_reg_size(regno) || !hex2mem(in, val, gdb_reg_size(regno))) {
		error_packet(out, -EINVAL);
		return;
	}
	if (!regs || gdb_regs_write(regs, (int)regno, val)) {
		error_packet(out, -EINVAL);
		return;
	}
	strlcpy(out, "OK", BUFMAX);
}

/* m addr,len */
static void cmd_readmem(const char *in, char *out)
{
	unsigned long addr, len;

	if (!parse_hex(&in, &addr) || *in++ != ',' || !parse_hex(&in, &len)) {
		error_packet(out, -EINVAL);
		return;
	}
	if (len > sizeof(mem_buf))
		len = sizeof(mem_buf);
	if (kgdb_read_mem(mem_buf, addr, len)) {
		error_packet(out, -EFAULT);
		return;
	}
	mem2hex(mem_buf, out, len);
}

/* M addr,len:hex */
static void cmd_writemem(const char *in, char *out)
{
	unsigned long addr, len;

	if (!parse_hex(&in, &addr) || *in++ != ',' || !parse_hex(&in, &len) || *in++ != ':' ||
	    len > sizeof(mem_buf) || strlen(in) < 2 * len || !hex2mem(in, mem_buf, len)) {
		error_packet(out, -EINVAL);
		return;
	}
	if (kgdb_write_mem(addr, mem_buf, len)) {
		error_packet(out, -EFAULT);
		return;
	}
	strlcpy(out, "OK", BUFMAX);
}

/* A thread id: -1 (all) and 0 (any) mean the task that stopped. */
static struct task_struct *parse_thread(struct kgdb_state *ks, const char *in)
{
	unsigned long tid;

	if (in[0] == '-' || (in[0] == '0' && !in[1]))
		return master_task(ks);
	if (!parse_hex(&in, &tid))
		return NULL;
	return kgdb_tid_task(tid);
}

/* Hg<tid> / Hc<tid> */
static void cmd_thread_select(struct kgdb_state *ks, const char *in, char *out)
{
	struct task_struct *p = parse_thread(ks, in + 1);

	if (!p) {
		error_packet(out, -ESRCH);
		return;
	}
	if (in[0] == 'g')
		usethread = p;
	/* Hc: continue and step always act on the CPU that stopped. */
	strlcpy(out, "OK", BUFMAX);
}

/* One batch of qfThreadInfo/qsThreadInfo: "m<tid>,<tid>..." or "l" at the end. */
static void thread_list_batch(char *out)
{
	struct task_struct *p;
	unsigned int i = 0;
	int n = 0;

	for_each_task(p) {
		if (i++ < thread_cursor)
			continue;
		if (n > BUFMAX - 32)
			break;
		n += snprintf(out + n, BUFMAX - n, "%c%lx", n ? ',' : 'm', kgdb_task_tid(p));
		thread_cursor++;
	}
	if (!n)
		strlcpy(out, "l", BUFMAX);
}

static char task_state_letter(struct task_struct *p)
{
	long s = READ_ONCE(p->state);

	if (p->exit_state & EXIT_ZOMBIE)
		return 'Z';
	if (s == TASK_RUNNING)
		return 'R';
	if (s & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (s & TASK_INTERRUPTIBLE)
		return 'S';
	if (s & TASK_STOPPED)
		return 'T';
	return 'X';
}

/* qThreadExtraInfo,<tid>: "comm (pid N, state S, CPU C)" in hex, shown by `info threads`. */
static void cmd_thread_info(struct kgdb_state *ks, const char *in, char *out)
{
	struct task_struct *p = parse_thread(ks, in);
	char text[96];
	int cpu, n;

	if (!p) {
		error_packet(out, -ESRCH);
		return;
	}
	cpu = kgdb_task_cpu(p);
	n = snprintf(text, sizeof(text), "%s (pid %d, %c, %s %u)", p->comm, p->pid,
		     task_state_letter(p), cpu >= 0 ? "on CPU" : "last on CPU",
		     cpu >= 0 ? (unsigned int)cpu : task_cpu(p));
	mem2hex((const u8 *)text, out, (size_t)n);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void cmd_query(struct kgdb_state *ks, const char *in, char *out)
{
	if (starts_with(in, "qSupported")) {
		snprintf(out, BUFMAX, "PacketSize=%x", BUFMAX);
	} else if (!strcmp(in, "qC")) {
		snprintf(out, BUFMAX, "QC%lx", kgdb_task_tid(master_task(ks)));
	} else if (!strcmp(in, "qfThreadInfo")) {
		thread_cursor = 0;
		thread_list_batch(out);
	} else if (!strcmp(in, "qsThreadInfo")) {
		thread_list_batch(out);
	} else if (starts_with(in, "qThreadExtraInfo,")) {
		cmd_thread_info(ks, in + strlen("qThreadExtraInfo,"), out);
	} else if (!strcmp(in, "qAttached")) {
		strlcpy(out, "1", BUFMAX);	/* detaching leaves the kernel running */
	} else if (starts_with(in, "qSymbol")) {
		strlcpy(out, "OK", BUFMAX);	/* no symbols wanted */
	}	/* else: not supported (empty reply) */
}

/* Z/z type,addr,kind */
static void cmd_break(const char *in, char *out)
{
	bool set = in[0] == 'Z';
	unsigned long type, addr, len;
	int err;

	in++;
	if (!parse_hex(&in, &type) || *in++ != ',' || !parse_hex(&in, &addr) || *in++ != ',' ||
	    !parse_hex(&in, &len)) {
		error_packet(out, -EINVAL);
		return;
	}
	if (type == BP_BREAKPOINT)
		err = set ? dbg_set_sw_break(addr) : dbg_remove_sw_break(addr);
	else if (type == BP_READ_WATCHPOINT || type > BP_ACCESS_WATCHPOINT)
		return;	/* x86 cannot watch reads alone: not supported */
	else if (set)
		err = kgdb_arch_set_hw_break(addr, (int)len, (enum kgdb_bptype)type);
	else
		err = kgdb_arch_remove_hw_break(addr, (int)len, (enum kgdb_bptype)type);
	if (err)
		error_packet(out, err);
	else
		strlcpy(out, "OK", BUFMAX);
}

/* c[addr] / s[addr]; C sig[;addr] / S sig[;addr] (the signal is ignored). */
static void resume_at(struct kgdb_state *ks, const char *in)
{
	unsigned long addr;

	if (in[0] == 'C' || in[0] == 'S') {
		in = strchr(in, ';');
		if (!in)
			return;
	}
	in++;
	if (parse_hex(&in, &addr))
		ks->linux_regs->rip = addr;
}

int gdb_serial_stub(struct kgdb_state *ks)
{
	usethread = master_task(ks);
	if (kgdb_connected) {	/* gdb waits for this stop: tell it */
		stop_reply(ks, out_buf);
		put_packet(out_buf);
	}
	for (;;) {
		get_packet(in_buf);
		out_buf[0] = 0;
		switch (in_buf[0]) {
		case '?':
			stop_reply(ks, out_buf);
			break;
		case 'g':
			cmd_getregs(out_buf);
			break;
		case 'G':
			cmd_setregs(in_buf + 1, out_buf);
			break;
		case 'P':
			cmd_setreg(in_buf + 1, out_buf);
			break;
		case 'm':
			cmd_readmem(in_buf + 1, out_buf);
			break;
		case 'M':
			cmd_writemem(in_buf + 1, out_buf);
			break;
		case 'H':
			cmd_thread_select(ks, in_buf + 1, out_buf);
			break;
		case 'T':
			if (parse_thread(ks, in_buf + 1))
				strlcpy(out_buf, "OK", BUFMAX);
			else
				error_packet(out_buf, -ESRCH);
			break;
		case 'q':
			cmd_query(ks, in_buf, out_buf);
			break;
		case 'Z':
		case 'z':
			cmd_break(in_buf, out_buf);
			break;
		case 'D':
			put_packet("OK");
			return DBG_DETACH;
		case 'k':
			return DBG_DETACH;	/* no reply: gdb forgets the target; the kernel runs on */
		case 'c':
		case 'C':
			resume_at(ks, in_buf);
			return DBG_CONTINUE;
		case 's':
		case 'S':
			resume_at(ks, in_buf);
			return DBG_STEP;
		default:
			break;	/* not supported: the empty reply */
		}
		put_packet(out_buf);
	}
}
