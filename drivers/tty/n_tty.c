/*
 * The N_TTY line discipline: what turns keystrokes into the lines a
 * program reads, and a program's "\n" into "\r\n" on the wire.
 *
 * Input (n_tty_receive_buf, from the flip-buffer work in process
 * context) goes byte by byte through
 *   1. input processing (c_iflag): ISTRIP, IGNCR, ICRNL, INLCR;
 *   2. flow control (IXON): VSTART/VSTOP restart/stop output;
 *   3. signals (ISIG): VINTR -> SIGINT, VQUIT -> SIGQUIT, VSUSP -> SIGTSTP
 *      to the foreground process group, input flushed unless NOFLSH;
 *   4. canonical editing (ICANON): VERASE, VKILL, VWERASE, VLNEXT,
 *      VREPRINT edit the current line; '\n', VEOL, VEOL2 and VEOF end it.
 *      VEOF is stored as a 0 byte that ends the line and is never handed
 *      to read(): at the start of a line read() then returns 0 (EOF);
 *   5. echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL) through the
 *      same output processing as written text.
 * Non-canonical mode (raw) keeps every byte; read() follows VMIN/VTIME.
 *
 * The input ring (struct n_tty_data in include/kestrel/tty.h) holds
 * complete lines in [read_tail, canon_head) and the line being edited in
 * [canon_head, read_head); a bit in read_flags marks each line's last
 * byte. In raw mode canon_head follows read_head.
 *
 * Locking: tty->ldisc_lock (a mutex) protects the ring and tty->column;
 * termios is read under termios_rwsem (readers). read() drops the mutex
 * while it sleeps on tty->read_wait; every change that makes input
 * readable wakes that queue.
 */
#include <kestrel/errno.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/tty.h>

#define RING_MASK (N_TTY_BUF_SIZE - 1)
#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

#define I_FLAG(tty, f) ((tty)->termios.c_iflag & (f))
#define O_FLAG(tty, f) ((tty)->termios.c_oflag & (f))
#define L_FLAG(tty, f) ((tty)->termios.c_lflag & (f))
#define CC(tty, v) ((tty)->termios.c_cc[v])

static bool is_cntrl(u8 c)
{
	return c < 0x20 || c == 0x7f;
}

static bool is_word_char(u8 c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80;
}

/* Is c the control character cc[idx]? A 0 entry is disabled (_POSIX_VDISABLE). */
static bool is_char(const struct tty_struct *tty, int idx, u8 c)
{
	return CC(tty, idx) && c == CC(tty, idx);
}

static bool test_flag(const struct n_tty_data *ld, size_t i)
{
	i &= RING_MASK;
	return ld->read_flags[i / BITS_PER_LONG_] & (1UL << (i % BITS_PER_LONG_));
}

static void set_flag(struct n_tty_data *ld, size_t i, bool on)
{
	unsigned long bit;

	i &= RING_MASK;
	bit = 1UL << (i % BITS_PER_LONG_);
	if (on)
		ld->read_flags[i / BITS_PER_LONG_] |= bit;
	else
		ld->read_flags[i / BITS_PER_LONG_] &= ~bit;
}

static size_t read_cnt(const struct n_tty_data *ld)
{
	return ld->read_head - ld->read_tail;
}

static u8 read_byte(const struct n_tty_data *ld, size_t i)
{
	return ld->read_buf[i & RING_MASK];
}

void n_tty_open(struct tty_struct *tty)
{
	struct n_tty_data *ld = &tty->ldata;

	mutex_lock(&tty->ldisc_lock);
	memset(ld->read_flags, 0, sizeof(ld->read_flags));
	ld->read_head = ld->read_tail = ld->canon_head = 0;
	ld->lnext = false;
	ld->canon_column = 0;
	mutex_unlock(&tty->ldisc_lock);
}

/* ============================== output ============================== */

/* Output staging: expanded bytes collect here and go to the driver in one call. */
struct out_buf {
	u8 data[256];
	size_t len;
};

static void out_flush(struct tty_struct *tty, struct out_buf *ob)
{
	size_t done = 0;

	while (done < ob->len) {
		int n = tty->driver->ops->write(tty, ob->data + done, ob->len - done);

		if (n <= 0)
			break;	/* the driver cannot take more: drop, as a dead line would */
		done += n;
	}
	ob->len = 0;
}

static void out_raw(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	if (ob->len == sizeof(ob->data))
		out_flush(tty, ob);
	ob->data[ob->len++] = c;
}

/*
 * One byte of output with c_oflag processing; keeps tty->column (the
 * erase echo needs it). ldisc_lock held.
 */
static void out_char(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	if (!O_FLAG(tty, OPOST)) {
		out_raw(tty, ob, c);
		return;
	}
	switch (c) {
	case '\n':
		if (O_FLAG(tty, ONLRET))
			tty->column = 0;
		if (O_FLAG(tty, ONLCR)) {
			tty->column = 0;
			out_raw(tty, ob, '\r');
		}
		out_raw(tty, ob, '\n');
		return;
	case '\r':
		if (O_FLAG(tty, ONOCR) && tty->column == 0)
			return;
		if (O_FLAG(tty, OCRNL)) {
			if (O_FLAG(tty, ONLRET))
				tty->column = 0;
			out_raw(tty, ob, '\n');
			return;
		}
		tty->column = 0;
		out_raw(tty, ob, '\r');
		return;
	case '\t':
		tty->column = (tty->column | 7) + 1;
		out_raw(tty, ob, '\t');
		return;
	case '\b':
		if (tty->column > 0)
			tty->column--;
		out_raw(tty, ob, '\b');
		return;
	default:
		if (O_FLAG(tty, OLCUC) && c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		/* UTF-8 continuation bytes take no column of their own. */
		if (!is_cntrl(c) && !(I_FLAG(tty, IUTF8) && (c & 0xc0) == 0x80))
			tty->column++;
		out_raw(tty, ob, c);
	}
}

/* Echo c as the user typed it: with ECHOCTL a control character shows as ^X. */
static void echo_char(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	if (L_FLAG(tty, ECHOCTL) && is_cntrl(c) && c != '\t' && c != '\n') {
		out_char(tty, ob, '^');
		out_char(tty, ob, c ^ 0x40);
	} else {
		out_char(tty, ob, c);
	}
}

ssize_t n_tty_write(struct tty_struct *tty, struct file *file, const u8 *kbuf, size_t nr)
{
	struct out_buf ob = { .len = 0 };

	mutex_lock(&tty->ldisc_lock);
	for (size_t i = 0; i < nr; i++)
		out_char(tty, &ob, kbuf[i]);
	out_flush(tty, &ob);
	mutex_unlock(&tty->ldisc_lock);
	return nr;
}

/* ============================== input ============================== */

static void put_input(struct n_tty_data *ld, u8 c, bool ends_line)
{
	set_flag(ld, ld->read_head, ends_line);
	ld->read_buf[ld->read_head & RING_MASK] = c;
	ld->read_head++;
}

/* The line being edited is empty: remember where on screen it starts (erase echo). */
static void note_line_start(struct tty_struct *tty)
{
	if (tty->ldata.read_head == tty->ldata.canon_head)
		tty->ldata.canon_column = tty->column;
}

static void flush_input_locked(struct tty_struct *tty)
{
	struct n_tty_data *ld = &tty->ldata;

	ld->read_tail = ld->canon_head = ld->read_head;
	ld->lnext = false;
}

void n_tty_flush_input(struct tty_struct *tty)
{
	mutex_lock(&tty->ldisc_lock);
	flush_input_locked(tty);
	mutex_unlock(&tty->ldisc_lock);
}

/* Bytes of the character ending at index end (UTF-8 with IUTF8: lead plus continuations). */
static size_t char_len_before(struct tty_struct *tty, size_t end)
{
	struct n_tty_data *ld = &tty->ldata;
	size_t n = 1;

	if (!I_FLAG(tty, IUTF8))
		return 1;
	while (end - n > ld->canon_head && (read_byte(ld, end - n) & 0xc0) == 0x80)
		n++;
	return n;
}

/* The column the edited line reaches at index end (ECHOE of a tab goes back there). */
static unsigned int column_at(struct tty_struct *tty, size_t end)
{
	struct n_tty_data *ld = &tty->ldata;
	unsigned int col = ld->canon_column;

	for (size_t i = ld->canon_head; i != end; i++) {
		u8 c = read_byte(ld, i);

		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_cntrl(c))
			col += L_FLAG(tty, ECHOCTL) ? 2 : 0;
		else if (!(I_FLAG(tty, IUTF8) && (c & 0xc0) == 0x80))
			col++;
	}
	return col;
}

/* Visually erase the character c that was just removed from the line. */
static void echo_erase(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	unsigned int cols = 1;

	if (c == '\t') {
		unsigned int to = column_at(tty, tty->ldata.read_head);
		unsigned int n = tty->column > to ? min(tty->column - to, 8u) : 0;

		/* Only backspaces: the tab left blanks behind it. */
		while (n--)
			out_char(tty, ob, '\b');
		return;
	}
	if (is_cntrl(c))
		cols = L_FLAG(tty, ECHOCTL) ? 2 : 0;
	for (unsigned int i = 0; i < cols; i++) {
		out_char(tty, ob, '\b');
		out_char(tty, ob, ' ');
		out_char(tty, ob, '\b');
	}
}

enum erase_kind { ERASE, WERASE, KILL };

/* VERASE, VWERASE, VKILL on the line being edited. */
static void eraser(struct tty_struct *tty, struct out_buf *ob, u8 key, enum erase_kind kind)
{
	struct n_tty_data *ld = &tty->ldata;
	bool seen_word = false;

	if (ld->read_head == ld->canon_head)
		return;	/* nothing to erase: the previous line is already given away */
	if (kind == KILL) {
		if (!L_FLAG(tty, ECHO)) {
			ld->read_head = ld->canon_head;
			return;
		}
		if (!L_FLAG(tty, ECHOK) || !L_FLAG(tty, ECHOKE) || !L_FLAG(tty, ECHOE)) {
			ld->read_head = ld->canon_head;
			echo_char(tty, ob, key);
			if (L_FLAG(tty, ECHOK))
				out_char(tty, ob, '\n');
			note_line_start(tty);
			return;
		}
	}
	while (ld->read_head != ld->canon_head) {
		size_t len = char_len_before(tty, ld->read_head);
		u8 c = read_byte(ld, ld->read_head - len);

		if (kind == WERASE) {
			if (is_word_char(c))
				seen_word = true;
			else if (seen_word)
				break;	/* the space before the word stays */
		}
		ld->read_head -= len;
		if (L_FLAG(tty, ECHO)) {
			if (!L_FLAG(tty, ECHOE) && kind == ERASE)
				echo_char(tty, ob, key);
			else
				echo_erase(tty, ob, c);
		}
		if (kind == ERASE)
			break;
	}
}

/* VREPRINT: show the key, a new line, and the line as typed so far. */
static void reprint(struct tty_struct *tty, struct out_buf *ob, u8 key)
{
	struct n_tty_data *ld = &tty->ldata;

	echo_char(tty, ob, key);
	out_char(tty, ob, '\n');
	ld->canon_column = tty->column;
	for (size_t i = ld->canon_head; i != ld->read_head; i++)
		echo_char(tty, ob, read_byte(ld, i));
}

/* ISIG: signal the foreground group; flush unless NOFLSH. */
static void isig(struct tty_struct *tty, struct out_buf *ob, int sig, u8 c)
{
	if (!L_FLAG(tty, NOFLSH))
		flush_input_locked(tty);
	if (L_FLAG(tty, ECHO))
		echo_char(tty, ob, c);
	out_flush(tty, ob);	/* "^C" shows before the program reacts */
	tty_signal_fg(tty, sig);
}

/* Room for the byte: canonical mode keeps one slot for the line's end. */
static bool room_for(struct tty_struct *tty, bool ends_line)
{
	size_t used = read_cnt(&tty->ldata);

	if (L_FLAG(tty, ICANON) && !ends_line)
		return used < N_TTY_BUF_SIZE - 1;
	return used < N_TTY_BUF_SIZE;
}

/* A byte that ends the line (newline, EOL, EOF as 0): the line becomes readable. */
static void end_line(struct tty_struct *tty, u8 stored)
{
	struct n_tty_data *ld = &tty->ldata;

	if (!room_for(tty, true))
		return;
	put_input(ld, stored, true);
	ld->canon_head = ld->read_head;
	ld->canon_column = tty->column;
}

static void receive_canon(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	struct n_tty_data *ld = &tty->ldata;
	bool echo = L_FLAG(tty, ECHO);

	if (is_char(tty, VERASE, c)) {
		eraser(tty, ob, c, ERASE);
		return;
	}
	if (is_char(tty, VKILL, c)) {
		eraser(tty, ob, c, KILL);
		return;
	}
	if (L_FLAG(tty, IEXTEN) && is_char(tty, VWERASE, c)) {
		eraser(tty, ob, c, WERASE);
		return;
	}
	if (L_FLAG(tty, IEXTEN) && is_char(tty, VLNEXT, c)) {
		ld->lnext = true;
		if (echo && L_FLAG(tty, ECHOCTL)) {
			out_char(tty, ob, '^');
			out_char(tty, ob, '\b');
		}
		return;
	}
	if (L_FLAG(tty, IEXTEN) && echo && is_char(tty, VREPRINT, c)) {
		reprint(tty, ob, c);
		return;
	}
	note_line_start(tty);
	if (c == '\n') {
		if (echo || L_FLAG(tty, ECHONL))
			out_char(tty, ob, '\n');
		end_line(tty, c);
		return;
	}
	if (is_char(tty, VEOF, c)) {
		end_line(tty, 0);	/* the 0 marks EOF; read() drops it */
		return;
	}
	if (is_char(tty, VEOL, c) || (L_FLAG(tty, IEXTEN) && is_char(tty, VEOL2, c))) {
		if (echo)
			echo_char(tty, ob, c);
		end_line(tty, c);
		return;
	}
	if (!room_for(tty, false))
		return;	/* line too long: drop (IMAXBEL would ring) */
	if (echo)
		echo_char(tty, ob, c);
	put_input(ld, c, false);
}

/* A byte stored as is (after VLNEXT, or in raw mode). */
static void receive_literal(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	struct n_tty_data *ld = &tty->ldata;

	if (!room_for(tty, false))
		return;
	note_line_start(tty);
	if (L_FLAG(tty, ECHO)) {
		if (L_FLAG(tty, ICANON) && ld->lnext && L_FLAG(tty, ECHOCTL)) {
			out_char(tty, ob, '\b');	/* over the '^' of VLNEXT's echo */
			if (tty->column)
				tty->column++;
		}
		echo_char(tty, ob, c);
	} else if (c == '\n' && L_FLAG(tty, ECHONL)) {
		out_char(tty, ob, '\n');
	}
	put_input(ld, c, false);
	if (!L_FLAG(tty, ICANON))
		ld->canon_head = ld->read_head;
}

static void receive_char(struct tty_struct *tty, struct out_buf *ob, u8 c)
{
	struct n_tty_data *ld = &tty->ldata;

	if (I_FLAG(tty, ISTRIP))
		c &= 0x7f;
	if (ld->lnext) {
		receive_literal(tty, ob, c);
		ld->lnext = false;
		return;
	}
	if (c == '\r') {
		if (I_FLAG(tty, IGNCR))
			return;
		if (I_FLAG(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(tty, INLCR)) {
		c = '\r';
	}
	if (I_FLAG(tty, IXON)) {
		if (is_char(tty, VSTART, c)) {
			start_tty(tty);
			return;
		}
		if (is_char(tty, VSTOP, c)) {
			stop_tty(tty);
			return;
		}
	}
	if (L_FLAG(tty, ISIG)) {
		int sig = is_char(tty, VINTR, c) ? SIGINT :
			  is_char(tty, VQUIT, c) ? SIGQUIT :
			  is_char(tty, VSUSP, c) ? SIGTSTP : 0;

		if (sig) {
			isig(tty, ob, sig, c);
			return;
		}
	}
	if (L_FLAG(tty, ICANON))
		receive_canon(tty, ob, c);
	else
		receive_literal(tty, ob, c);
}

void n_tty_receive_buf(struct tty_struct *tty, const u8 *cp, size_t count)
{
	struct out_buf ob = { .len = 0 };
	bool readable;

	down_read(&tty->termios_rwsem);
	mutex_lock(&tty->ldisc_lock);
	for (size_t i = 0; i < count; i++)
		receive_char(tty, &ob, cp[i]);
	out_flush(tty, &ob);
	readable = tty->ldata.canon_head != tty->ldata.read_tail;
	mutex_unlock(&tty->ldisc_lock);
	up_read(&tty->termios_rwsem);
	if (readable)
		wake_up_all(&tty->read_wait);
}

void n_tty_set_termios(struct tty_struct *tty, const struct termios *old)
{
	struct n_tty_data *ld = &tty->ldata;
	bool readable;

	if (!((old->c_lflag ^ tty->termios.c_lflag) & ICANON))
		return;
	mutex_lock(&tty->ldisc_lock);
	memset(ld->read_flags, 0, sizeof(ld->read_flags));
	/* To raw: everything is readable. To canonical: pending bytes become one line. */
	if (L_FLAG(tty, ICANON) && read_cnt(ld))
		set_flag(ld, ld->read_head - 1, true);
	ld->canon_head = ld->read_head;
	ld->lnext = false;
	readable = read_cnt(ld) != 0;
	mutex_unlock(&tty->ldisc_lock);
	if (readable)
		wake_up_all(&tty->read_wait);
}

/* ============================== read ============================== */

size_t n_tty_readable(struct tty_struct *tty)
{
	size_t n;

	mutex_lock(&tty->ldisc_lock);
	n = tty->ldata.canon_head - tty->ldata.read_tail;
	mutex_unlock(&tty->ldisc_lock);
	return n;
}

/*
 * Would a read() return now? Canonical: a complete line. Raw with
 * VMIN > 0 and VTIME 0: VMIN bytes (poll's view, as Linux); else a byte.
 * Lockless: a hint for poll, re-checked under the lock by read.
 */
bool n_tty_input_available(struct tty_struct *tty)
{
	size_t n = READ_ONCE(tty->ldata.canon_head) - READ_ONCE(tty->ldata.read_tail);
	size_t want = 1;

	if (!L_FLAG(tty, ICANON) && !CC(tty, VTIME) && CC(tty, VMIN))
		want = CC(tty, VMIN);
	return n >= want;
}

/* Canonical: copy up to the end of the first line; its EOF marker is consumed, not copied. */
static size_t canon_copy(struct tty_struct *tty, u8 *kbuf, size_t nr)
{
	struct n_tty_data *ld = &tty->ldata;
	size_t n = 0;

	while (n < nr && ld->read_tail != ld->canon_head) {
		size_t i = ld->read_tail++;
		u8 c = read_byte(ld, i);

		if (test_flag(ld, i)) {
			set_flag(ld, i, false);
			if (c)	/* the EOF marker is a 0 byte flagged as a line end */
				kbuf[n++] = c;
			break;
		}
		kbuf[n++] = c;
	}
	return n;
}

/* Raw: copy what is there. */
static size_t raw_copy(struct tty_struct *tty, u8 *kbuf, size_t nr)
{
	struct n_tty_data *ld = &tty->ldata;
	size_t n = 0;

	while (n < nr && ld->read_tail != ld->canon_head)
		kbuf[n++] = read_byte(ld, ld->read_tail++);
	return n;
}

/* Is there something read() may take (a complete line in canonical mode)? */
static bool input_waiting(const struct n_tty_data *ld)
{
	return ld->read_tail != ld->canon_head;
}

ssize_t n_tty_read(struct tty_struct *tty, struct file *file, u8 *kbuf, size_t nr)
{
	struct n_tty_data *ld = &tty->ldata;
	long timeout = MAX_SCHEDULE_TIMEOUT, time = 0;
	size_t minimum = 1, got = 0;
	bool canon;
	ssize_t ret = 0;
	DEFINE_WAIT(wait);

	if (!nr)
		return 0;
	down_read(&tty->termios_rwsem);
	canon = L_FLAG(tty, ICANON);
	if (!canon) {
		minimum = CC(tty, VMIN);
		if (minimum) {
			time = (HZ / 10) * CC(tty, VTIME);
		} else {
			timeout = (HZ / 10) * CC(tty, VTIME);
			minimum = 1;
		}
	}
	up_read(&tty->termios_rwsem);

	mutex_lock(&tty->ldisc_lock);
	while (got < nr) {
		if (!input_waiting(ld)) {
			if (!timeout)
				break;
			if (file && tty_file_hung_up(tty, file))
				break;	/* EOF */
			if (file && (file->f_flags & O_NONBLOCK)) {
				ret = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				ret = -ERESTARTSYS;
				break;
			}
			prepare_to_wait(&tty->read_wait, &wait, TASK_INTERRUPTIBLE);
			if (input_waiting(ld) || (file && tty_file_hung_up(tty, file))) {
				finish_wait(&tty->read_wait, &wait);
				continue;
			}
			mutex_unlock(&tty->ldisc_lock);
			timeout = schedule_timeout(timeout);
			finish_wait(&tty->read_wait, &wait);
			mutex_lock(&tty->ldisc_lock);
			continue;
		}
		if (canon) {
			/* One line at most (or what fits); an EOF marker alone gives 0. */
			got = canon_copy(tty, kbuf, nr);
			break;
		} else {
			got += raw_copy(tty, kbuf + got, nr - got);
			if (got >= minimum)
				break;
			if (time)
				timeout = time;
		}
	}
	mutex_unlock(&tty->ldisc_lock);
	if (got)
		return got;
	return ret;
}
