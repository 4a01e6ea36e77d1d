/*
 * Terminals: the tty core (drivers/tty/tty_io.c), the n_tty line
 * discipline (drivers/tty/n_tty.c), the input buffer between a driver's
 * interrupt and the line discipline (drivers/tty/tty_buffer.c) and job
 * control (drivers/tty/tty_jobctrl.c). docs/tty.md explains them for a
 * student.
 *
 * The user-visible structures and numbers are Linux's x86_64 ones:
 * struct termios (36 bytes, NCCS 19), struct winsize, the TC* / TIO*
 * ioctl numbers and the termios flag bits.
 *
 * A tty is a built-in device that is never freed: each driver makes its
 * ttys once at boot (tty_register_driver), so signal->tty and the
 * driver's table may point at them without reference counts.
 *
 * Signals (kill_pgrp) are sent with no tty lock held but ldisc_lock.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation (the driver makes its ttys at boot)
 *	[a] atomic
 *	[S] a lock, wait queue or work item itself
 *	[e] an embedded struct whose own members carry the tags
 *	[T] tty->termios_rwsem: TCSETS* write; readers, writers and the
 *	    line discipline read
 *	[L] tty->ldisc_lock (a mutex): the line discipline's state; held
 *	    while input is processed and echoed and while read() takes bytes
 *	[C] tty->ctrl_lock (irqsave)
 *	[t] tasklist_lock (include/kestrel/pid.h), written to change;
 *	    readers of one value use READ_ONCE (drivers/tty/tty_jobctrl.c)
 *	[b] tty->buf.lock (irqsave): the flip buffer the driver's
 *	    interrupt fills
 * tty->atomic_write_lock (a mutex) guards no field: it serializes
 * writers, so one write(2) is not interleaved with another's.
 * buf.flush_lock: one flip-buffer flusher at a time.
 */
#ifndef KESTREL_TTY_H
#define KESTREL_TTY_H

#include <kestrel/fs.h>
#include <kestrel/mutex.h>
#include <kestrel/rwsem.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>
#include <kestrel/wait.h>
#include <kestrel/workqueue.h>

/* ---------------- user-visible ABI (Linux x86_64) ---------------- */

typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;

#define NCCS 19
struct termios {
	tcflag_t c_iflag;	/* input modes */
	tcflag_t c_oflag;	/* output modes */
	tcflag_t c_cflag;	/* control modes */
	tcflag_t c_lflag;	/* local modes */
	cc_t c_line;		/* line discipline (0: N_TTY) */
	cc_t c_cc[NCCS];	/* control characters */
};

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

/* c_cc indexes */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040

/* c_cflag */
#define CBAUD 0010017
#define B9600 0000015
#define B38400 0000017
#define B115200 0010002
#define CSIZE 0000060
#define CS8 0000060
#define CSTOPB 0000100
#define CREAD 0000200
#define PARENB 0000400
#define HUPCL 0002000
#define CLOCAL 0004000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define FLUSHO 0010000
#define PENDIN 0040000
#define IEXTEN 0100000

/* ioctls */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541B
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

/* TCFLSH */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
/* TCXONC */
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* Character-device majors (Linux's). */
#define TTY_MAJOR 4		/* 4:0 tty0 (the screen now), 4:1.. ttyN, 4:64.. ttyS */
#define TTY_SERIAL_MINOR_BASE 64
/* TTYAUX_MAJOR (5) is in chrdev.h: 5:0 /dev/tty, 5:1 /dev/console. */

/* ---------------- kernel side ---------------- */

struct tty_struct;
struct poll_table_struct;

/* What a driver provides. */
struct tty_operations {
	/*
	 * Put n bytes on the wire or screen now; returns how many it took.
	 * Called with ldisc_lock held (echo) or atomic_write_lock held (write):
	 * it may not sleep for long, but may be called from process context only.
	 */
	int (*write)(struct tty_struct *tty, const u8 *buf, size_t n);
	/* Optional: first open and last close of the tty. */
	int (*open)(struct tty_struct *tty, struct file *file);
	void (*close)(struct tty_struct *tty, struct file *file);
};

struct tty_driver {
	const char *name;		/* "ttyS": tty names are name + index */
	unsigned int major, minor_start, num;
	const struct tty_operations *ops;
	struct termios init_termios;	/* what a tty starts with */
	struct tty_struct **ttys;	/* num entries, made by tty_register_driver */
};

#define N_TTY_BUF_SIZE 4096	/* a power of two */
#define TTY_FLIPBUF_SIZE 1024	/* a power of two */

/* The n_tty line discipline's state, under tty->ldisc_lock. */
struct n_tty_data {
	/*
	 * The input ring. Indexes run freely and are masked. Bytes in
	 * [read_tail, canon_head) are complete lines (canonical mode) or
	 * just input (raw mode: canon_head follows read_head); bytes in
	 * [canon_head, read_head) are the line being edited.
	 */
	u8 read_buf[N_TTY_BUF_SIZE];	/* [L] */
	/* Bit i set: read_buf[i] ends a line (a '\n', EOL, or EOF which read() drops). */
	unsigned long read_flags[N_TTY_BUF_SIZE / (8 * sizeof(unsigned long))]; /* [L] */
	size_t read_head, read_tail, canon_head; /* [L] */
	unsigned int canon_column;	/* [L] output column where the edited line started */
	bool lnext;			/* [L] the last byte was VLNEXT: take the next literally */
	bool erasing;			/* [L] ECHOPRT: inside a \...\ erase echo */
	bool pushing;			/* [L] an EOF at line start: read returns 0 */
};

/* Bytes from the driver (any context) waiting for the line discipline (process context). */
struct tty_bufhead {
	spinlock_t lock;		/* [S] irqsave: drivers push from interrupts */
	u8 data[TTY_FLIPBUF_SIZE];	/* [b] */
	unsigned int head, count;	/* [b] oldest byte, bytes waiting */
	unsigned long dropped;		/* [b] bytes lost because the buffer was full */
	struct work_struct work;	/* [S] flush_to_ldisc */
	struct mutex flush_lock;	/* [S] one flusher at a time, so bytes keep their order */
};

struct tty_struct {
	struct tty_driver *driver;	/* [c] */
	unsigned int index;		/* [c] */
	char name[16];			/* [c] "ttyS0", "tty1" */

	struct mutex atomic_write_lock;	/* [S] writers (see the top of this file) */
	struct rw_semaphore termios_rwsem;	/* [S] termios, winsize */
	struct termios termios;		/* [T] */
	struct winsize winsize;		/* [T] */

	struct mutex ldisc_lock;	/* [S] ldata, column */
	struct n_tty_data ldata;	/* [e] its members: [L] */
	unsigned int column;		/* [L] output column (for tab and erase echo) */

	int pgrp;			/* [t] foreground process group, 0: none */
	int session;			/* [t] session whose controlling tty this is, 0: none */
	spinlock_t ctrl_lock;		/* [S] the two fields below */
	bool flow_stopped;		/* [C] ^S / TCOOFF: output waits */
	unsigned int hangup_gen;	/* [C] bumped by a hangup: older files are hung up */

	atomic_t open_count;		/* [a] open files of this tty */
	wait_queue_head_t read_wait;	/* [S] readers, pollers: input arrived, hangup */
	wait_queue_head_t write_wait;	/* [S] writers, pollers: output restarted, hangup */
	struct tty_bufhead buf;		/* [e] */
};

/* Linux's default termios: cooked, echo, signals, ^C ^\ DEL ^U ^D ... */
extern const struct termios tty_std_termios;

/* Set up a zeroed tty of driver (tty_register_driver does it; tests use it on their own). */
void tty_struct_init(struct tty_struct *tty, struct tty_driver *driver, unsigned int index);
/* Make the driver's ttys and register its character-device range. 0 or -errno. */
int tty_register_driver(struct tty_driver *driver);
/* The tty of a device number, or NULL. */
struct tty_struct *tty_lookup(dev_t dev);
/* The file operations of every tty file (so /dev/tty and /dev/console files are ttys too). */
extern const struct file_operations tty_fops;
/* The tty behind an open tty file, or NULL for another file. */
struct tty_struct *file_tty(struct file *file);
/*
 * Output flow control (^S/^Q with IXON, TCXONC's TCOOFF/TCOON): stop_tty
 * makes writers wait, start_tty lets them go on. Any context but hard
 * interrupts; takes ctrl_lock.
 */
void stop_tty(struct tty_struct *tty);
void start_tty(struct tty_struct *tty);

/* ---- input: drivers ---- */

/* Queue received bytes (any context, interrupts included); the line discipline gets them soon. */
size_t tty_insert_flip_string(struct tty_struct *tty, const u8 *chars, size_t n);
/* Run the line discipline over everything queued (process context; tests and flush). */
void tty_flip_flush(struct tty_struct *tty);
void tty_buffer_init(struct tty_struct *tty);

/* ---- the line discipline (drivers/tty/n_tty.c) ---- */

void n_tty_open(struct tty_struct *tty);
/* Process received bytes: editing, echo, signals. Process context; takes ldisc_lock. */
void n_tty_receive_buf(struct tty_struct *tty, const u8 *cp, size_t count);
/*
 * read(2) into a kernel buffer, sleeping per termios (canonical: one
 * line; raw: VMIN/VTIME). Returns bytes, 0 at EOF, -EAGAIN (file with
 * O_NONBLOCK; file may be NULL for a blocking read), -ERESTARTSYS on a
 * signal, -EIO after a hangup.
 */
ssize_t n_tty_read(struct tty_struct *tty, struct file *file, u8 *kbuf, size_t nr);
/* write(2) from a kernel buffer with output processing (OPOST, ONLCR, ...). */
ssize_t n_tty_write(struct tty_struct *tty, struct file *file, const u8 *kbuf, size_t nr);
/* Bytes a read() could take now (FIONREAD; canonical: complete lines only). */
size_t n_tty_readable(struct tty_struct *tty);
/* Drop pending input (TCIFLUSH, signals without NOFLSH, TCSETSF). */
void n_tty_flush_input(struct tty_struct *tty);
/* termios changed (old is the previous one): ICANON switches re-split the buffer. */
void n_tty_set_termios(struct tty_struct *tty, const struct termios *old);
/* ->poll's input side: EPOLLIN when a read would not block. */
bool n_tty_input_available(struct tty_struct *tty);

/* ---- job control and controlling terminals (drivers/tty/tty_jobctrl.c) ---- */

/*
 * May current read from / write to / change tty? 0, or -ERESTARTSYS
 * after sending SIGTTIN / SIGTTOU to current's process group, or -EIO
 * for an orphaned group (SIGTTIN/SIGTTOU would stop it forever).
 */
int tty_check_read(struct tty_struct *tty);
int tty_check_write(struct tty_struct *tty);
int tty_check_change(struct tty_struct *tty);
/* Send sig to tty's foreground process group (ISIG keys, SIGWINCH). */
void tty_signal_fg(struct tty_struct *tty, int sig);
/* An open without O_NOCTTY by a session leader without a tty makes tty its controlling tty. */
void tty_open_set_ctty(struct tty_struct *tty, struct file *file);
long tty_jobctrl_ioctl(struct tty_struct *tty, struct file *file, unsigned int cmd,
		       unsigned long arg);
/*
 * The session leader current gives up its tty: on_exit (the leader
 * exits): the tty hangs up for the whole session (SIGHUP + SIGCONT to
 * its processes); else (TIOCNOTTY by the leader) SIGHUP and SIGCONT go to
 * the foreground group. Every process of the session loses the tty.
 * Does nothing unless current is a session leader; do_exit calls it
 * when a process dies (kernel/exit.c).
 */
void disassociate_ctty(int on_exit);
/* p's process no longer has a controlling tty (setsid: __proc_clear_tty under tasklist_lock for write). */
void proc_clear_tty(struct task_struct *p);
void __proc_clear_tty(struct task_struct *p);
/* Hang tty up: open files read EOF and write EIO; SIGHUP/SIGCONT to its session. */
void tty_hangup(struct tty_struct *tty);
/* Is file opened before tty's last hangup? */
bool tty_file_hung_up(struct tty_struct *tty, struct file *file);

/* ---- devices ---- */

/* Announce /dev/<name> (a warning if that fails). */
void tty_device(const char *name, dev_t devt, umode_t perm);
/* Boot: tty core, /dev/tty, /dev/console, ttyS0 (with receive interrupts) and the screen tty. */
int tty_init(void);
/* The screen tty driver (drivers/tty/vt/vt_tty.c): tty1, which tty0 names too. */
int vt_tty_init(void);
/* The screen's tty (keyboard input goes there), or NULL without a screen. */
struct tty_struct *vt_tty_get(void);
/* The serial tty driver (drivers/tty/serial8250.c): ttyS0 with receive interrupts. */
int serial_tty_init(void);
struct tty_struct *serial_tty_get(void);

#endif
