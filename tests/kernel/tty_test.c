/*
 * ktests of the tty layer: an n_tty instance on a test driver that
 * records what the tty writes (echo and output). Input is fed with
 * n_tty_receive_buf (as the flip-buffer work does) or through the flip
 * buffer itself; reads take kernel buffers (n_tty_read), so no user
 * memory is involved.
 */
#include <kestrel/errno.h>
#include <kestrel/completion.h>
#include <kestrel/contract/file.h>
#include <kestrel/keyboard.h>
#include <kestrel/kthread.h>
#include <kestrel/sched_signal.h>
#include <kestrel/ktest.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/pid.h>
#include <kestrel/poll.h>
#include <kestrel/serial.h>
#include <kestrel/timer.h>
#include <kestrel/tty.h>

struct test_tty {
	struct tty_struct tty;
	char out[8192];		/* everything the tty wrote */
	size_t out_len;
};

static int test_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	struct test_tty *t = container_of(tty, struct test_tty, tty);
	size_t room = sizeof(t->out) - 1 - t->out_len;

	if (n > room)
		n = room;
	memcpy(t->out + t->out_len, buf, n);
	t->out_len += n;
	t->out[t->out_len] = 0;
	return n;
}

static const struct tty_operations test_ops = { .write = test_write };
static struct tty_driver test_driver = { .name = "ttytest", .ops = &test_ops };

static struct test_tty *tt_new(void)
{
	struct test_tty *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	test_driver.init_termios = tty_std_termios;
	tty_struct_init(&t->tty, &test_driver, 0);
	return t;
}

static void tt_free(struct test_tty *t)
{
	flush_work(&t->tty.buf.work);
	kfree(t);
}

static void feed(struct test_tty *t, const char *s)
{
	n_tty_receive_buf(&t->tty, (const u8 *)s, strlen(s));
}

/* Read what a read() of nr bytes returns now, as a string (or the error as a number). */
static ssize_t rd(struct test_tty *t, char *buf, size_t nr)
{
	ssize_t n = n_tty_read(&t->tty, NULL, (u8 *)buf, nr);

	buf[n > 0 ? n : 0] = 0;
	return n;
}

static void clear_out(struct test_tty *t)
{
	t->out_len = 0;
	t->out[0] = 0;
}

KTEST(tty, canon_line_and_echo)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "hello\r");	/* Enter sends CR; ICRNL makes it '\n' */
	KEXPECT_EQ(n_tty_readable(&tt->tty), 6);
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 6);
	KEXPECT_STREQ(buf, "hello\n");
	KEXPECT_STREQ(tt->out, "hello\r\n");	/* echo with ONLCR */
	tt_free(tt);
}

KTEST(tty, canon_incomplete_line_waits)
{
	struct test_tty *tt = tt_new();
	struct file f = { .f_flags = O_NONBLOCK };
	char buf[64];

	KASSERT(tt);
	feed(tt, "abc");
	KEXPECT_EQ(n_tty_readable(&tt->tty), 0);
	KEXPECT(!n_tty_input_available(&tt->tty));
	f.f_version = tt->tty.hangup_gen;
	KEXPECT_EQ(n_tty_read(&tt->tty, &f, (u8 *)buf, sizeof(buf)), -EAGAIN);
	feed(tt, "\n");
	KEXPECT(n_tty_input_available(&tt->tty));
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "abc\n");
	tt_free(tt);
}

KTEST(tty, canon_one_line_per_read)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "one\ntwo\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "one\n");
	/* A short buffer takes the line in pieces. */
	KEXPECT_EQ(rd(tt, buf, 2), 2);
	KEXPECT_STREQ(buf, "tw");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);
	KEXPECT_STREQ(buf, "o\n");
	tt_free(tt);
}

KTEST(tty, erase_echoe)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "abx\x7f" "c\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "abc\n");
	KEXPECT_STREQ(tt->out, "abx\b \bc\r\n");
	/* Erasing more than the line has stops at its start. */
	clear_out(tt);
	feed(tt, "a\x7f\x7f\x7f" "b\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);
	KEXPECT_STREQ(buf, "b\n");
	KEXPECT_STREQ(tt->out, "a\b \bb\r\n");
	tt_free(tt);
}

KTEST(tty, erase_without_echoe_echoes_the_key)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	tt->tty.termios.c_lflag &= ~(ECHOE | ECHOCTL);
	feed(tt, "ab#");
	tt->tty.termios.c_cc[VERASE] = '#';
	feed(tt, "#\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_STREQ(buf, "ab\n");
	KEXPECT_STREQ(tt->out, "ab##\r\n");
	tt_free(tt);
}

KTEST(tty, kill_echoke_erases_visually)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "abc\x15xy\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_STREQ(buf, "xy\n");
	KEXPECT_STREQ(tt->out, "abc\b \b\b \b\b \bxy\r\n");
	tt_free(tt);
}

KTEST(tty, kill_echok_prints_newline)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	tt->tty.termios.c_lflag &= ~ECHOKE;
	feed(tt, "abc\x15xy\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_STREQ(buf, "xy\n");
	KEXPECT_STREQ(tt->out, "abc^U\r\nxy\r\n");
	tt_free(tt);
}

KTEST(tty, werase_word)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "foo bar  \x17" "baz\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 8);
	KEXPECT_STREQ(buf, "foo baz\n");
	KEXPECT_STREQ(tt->out, "foo bar  \b \b\b \b\b \b\b \b\b \bbaz\r\n");
	tt_free(tt);
}

KTEST(tty, eof_ends_line_and_gives_zero)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "abc\x04");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);	/* no newline: ^D pushed the line */
	KEXPECT_STREQ(buf, "abc");
	feed(tt, "\x04");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 0);	/* ^D at line start: EOF */
	KEXPECT_STREQ(tt->out, "abc");			/* ^D is not echoed */
	feed(tt, "x\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);	/* reading goes on after EOF */
	tt_free(tt);
}

KTEST(tty, echoctl_and_its_erase)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "\x01\x02\x7f\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);
	KEXPECT_EQ(buf[0], 1);
	KEXPECT_STREQ(tt->out, "^A^B\b \b\b \b\r\n");
	tt_free(tt);
}

KTEST(tty, erase_tab_goes_back_to_its_column)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	n_tty_write(&tt->tty, NULL, (const u8 *)"$ ", 2);	/* a prompt: the line starts at column 2 */
	KEXPECT_EQ(tt->tty.column, 2);
	feed(tt, "a\t");
	KEXPECT_EQ(tt->tty.column, 8);
	clear_out(tt);
	feed(tt, "\x7f");
	KEXPECT_STREQ(tt->out, "\b\b\b\b\b");	/* from 8 back to 3, after the 'a' */
	KEXPECT_EQ(tt->tty.column, 3);
	feed(tt, "\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);
	KEXPECT_STREQ(buf, "a\n");
	tt_free(tt);
}

KTEST(tty, input_cr_nl_modes)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	tt->tty.termios.c_iflag |= IGNCR;
	feed(tt, "a\rb\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_STREQ(buf, "ab\n");
	tt->tty.termios.c_iflag &= ~(IGNCR | ICRNL);
	feed(tt, "c\rd\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "c\rd\n");
	tt->tty.termios.c_iflag |= INLCR;	/* '\n' becomes '\r': no line end */
	feed(tt, "e\n");
	KEXPECT_EQ(n_tty_readable(&tt->tty), 0);
	tt_free(tt);
}

KTEST(tty, echo_off_and_echonl)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	tt->tty.termios.c_lflag &= ~ECHO;
	feed(tt, "secret\n");
	KEXPECT_STREQ(tt->out, "");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 7);
	tt->tty.termios.c_lflag |= ECHONL;
	feed(tt, "pw\n");
	KEXPECT_STREQ(tt->out, "\r\n");
	tt_free(tt);
}

KTEST(tty, isig_flushes_and_echoes)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	/* No foreground group: the key only flushes the line and echoes. */
	feed(tt, "ls\x03");
	KEXPECT_STREQ(tt->out, "ls^C");
	KEXPECT_EQ(tt->tty.ldata.read_head, tt->tty.ldata.read_tail);
	feed(tt, "pwd\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "pwd\n");
	/* NOFLSH keeps the line. */
	tt->tty.termios.c_lflag |= NOFLSH;
	feed(tt, "ab\x1c" "c\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_STREQ(buf, "abc\n");
	/* Without ISIG ^C is just a byte. */
	tt->tty.termios.c_lflag &= ~ISIG;
	feed(tt, "\x03\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);
	KEXPECT_EQ(buf[0], 3);
	tt_free(tt);
}

KTEST(tty, lnext_quotes_a_key)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	feed(tt, "\x16\x03\x16\x7f\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_EQ(buf[0], 3);
	KEXPECT_EQ(buf[1], 0x7f);
	KEXPECT_EQ(buf[2], '\n');
	tt_free(tt);
}

KTEST(tty, raw_vmin_vtime)
{
	struct test_tty *tt = tt_new();
	struct termios old = tt ? tt->tty.termios : tty_std_termios;
	char buf[64];

	KASSERT(tt);
	tt->tty.termios.c_lflag &= ~(ICANON | ECHO);
	n_tty_set_termios(&tt->tty, &old);
	feed(tt, "ab\x7f\x04");	/* no editing in raw mode */
	KEXPECT_EQ(n_tty_readable(&tt->tty), 4);
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);
	KEXPECT_EQ(buf[2], 0x7f);
	/* VMIN 0, VTIME 0: a read with nothing there returns 0 at once. */
	tt->tty.termios.c_cc[VMIN] = 0;
	tt->tty.termios.c_cc[VTIME] = 0;
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 0);
	/* VMIN 0, VTIME 1: returns 0 once 0.1 s passed without input. */
	tt->tty.termios.c_cc[VTIME] = 1;
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 0);
	/* VMIN 3: a read of 2 is satisfied by 2. */
	tt->tty.termios.c_cc[VMIN] = 3;
	tt->tty.termios.c_cc[VTIME] = 0;
	feed(tt, "xyz");
	KEXPECT_EQ(rd(tt, buf, 2), 2);
	KEXPECT_STREQ(buf, "xy");
	tt->tty.termios.c_cc[VMIN] = 1;
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 1);
	KEXPECT_STREQ(tt->out, "");
	tt_free(tt);
}

KTEST(tty, icanon_switch_moves_the_edit_line)
{
	struct test_tty *tt = tt_new();
	struct termios old;
	char buf[64];

	KASSERT(tt);
	feed(tt, "par");
	KEXPECT_EQ(n_tty_readable(&tt->tty), 0);
	old = tt->tty.termios;
	tt->tty.termios.c_lflag &= ~ICANON;
	n_tty_set_termios(&tt->tty, &old);
	KEXPECT_EQ(n_tty_readable(&tt->tty), 3);	/* raw: the typed bytes are input now */
	feed(tt, "t");
	old = tt->tty.termios;
	tt->tty.termios.c_lflag |= ICANON;
	n_tty_set_termios(&tt->tty, &old);
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 4);	/* back to canonical: one pushed line */
	KEXPECT_STREQ(buf, "part");
	tt_free(tt);
}

KTEST(tty, canon_line_limit)
{
	struct test_tty *tt = tt_new();
	char *buf = kmalloc(N_TTY_BUF_SIZE + 16, GFP_KERNEL);
	char chunk[256];

	KASSERT(tt);
	KASSERT(buf);
	tt->tty.termios.c_lflag &= ~ECHO;
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 20; i++)
		n_tty_receive_buf(&tt->tty, (const u8 *)chunk, sizeof(chunk));
	feed(tt, "\n");	/* room was kept for the line's end */
	KEXPECT_EQ(n_tty_read(&tt->tty, NULL, (u8 *)buf, N_TTY_BUF_SIZE + 16), N_TTY_BUF_SIZE);
	KEXPECT_EQ(buf[N_TTY_BUF_SIZE - 2], 'a');
	KEXPECT_EQ(buf[N_TTY_BUF_SIZE - 1], '\n');
	kfree(buf);
	tt_free(tt);
}

KTEST(tty, output_processing)
{
	struct test_tty *tt = tt_new();

	KASSERT(tt);
	KEXPECT_EQ(n_tty_write(&tt->tty, NULL, (const u8 *)"a\nb\tc", 5), 5);
	KEXPECT_STREQ(tt->out, "a\r\nb\tc");
	KEXPECT_EQ(tt->tty.column, 9);
	clear_out(tt);
	tt->tty.termios.c_oflag &= ~ONLCR;
	n_tty_write(&tt->tty, NULL, (const u8 *)"x\n", 2);
	KEXPECT_STREQ(tt->out, "x\n");
	clear_out(tt);
	tt->tty.termios.c_oflag = ONLCR;	/* OPOST off: nothing is processed */
	n_tty_write(&tt->tty, NULL, (const u8 *)"y\n", 2);
	KEXPECT_STREQ(tt->out, "y\n");
	tt_free(tt);
}

KTEST(tty, flip_buffer_to_ldisc)
{
	struct test_tty *tt = tt_new();
	char buf[64];

	KASSERT(tt);
	KEXPECT_EQ(tty_insert_flip_string(&tt->tty, (const u8 *)"ok\r", 3), 3);
	flush_work(&tt->tty.buf.work);
	tty_flip_flush(&tt->tty);	/* whatever the work has not taken yet */
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 3);
	KEXPECT_STREQ(buf, "ok\n");
	tt_free(tt);
}

KTEST(tty, hangup_gives_eof)
{
	struct test_tty *tt = tt_new();
	struct file f = { .f_flags = 0 };
	char buf[16];

	KASSERT(tt);
	f.f_version = tt->tty.hangup_gen;
	KEXPECT(!tty_file_hung_up(&tt->tty, &f));
	feed(tt, "lost");
	tty_hangup(&tt->tty);
	KEXPECT(tty_file_hung_up(&tt->tty, &f));
	/* A blocking read of a hung-up file returns 0 instead of sleeping. */
	KEXPECT_EQ(n_tty_read(&tt->tty, &f, (u8 *)buf, sizeof(buf)), 0);
	tt_free(tt);
}

/*
 * ttyS0's receive path end to end: the UART in loopback mode receives
 * what it sends, raises IRQ 4, the handler fills the flip buffer, the
 * work runs n_tty. Raw mode without echo, or the echo would loop too.
 */
KTEST(tty, serial_loopback_receive_interrupt)
{
	struct tty_struct *tty = serial_tty_get();
	struct file nonblock = { .f_flags = O_NONBLOCK, .f_version = ~0ULL };	/* never hung up */
	struct termios saved;
	unsigned long irqs;
	char buf[32];
	ssize_t n;

	KASSERT(tty);
	down_write(&tty->termios_rwsem);
	saved = tty->termios;
	tty->termios.c_lflag &= ~(ICANON | ECHO | ISIG);
	tty->termios.c_iflag &= ~(IXON | ICRNL);
	up_write(&tty->termios_rwsem);
	n_tty_set_termios(tty, &saved);
	n_tty_flush_input(tty);
	irqs = serial_rx_irq_count();

	serial_set_loopback(true);
	for (const char *s = "kestrel"; *s; s++)
		serial_putc(*s);
	for (int i = 0; i < 200 && n_tty_readable(tty) < 7; i++)
		msleep(5);
	serial_set_loopback(false);

	n = n_tty_read(tty, &nonblock, (u8 *)buf, 7);
	KEXPECT_EQ(n, 7);
	buf[n > 0 ? n : 0] = 0;
	KEXPECT_STREQ(buf, "kestrel");
	KEXPECT(serial_rx_irq_count() > irqs);

	down_write(&tty->termios_rwsem);
	tty->termios = saved;
	up_write(&tty->termios_rwsem);
	n_tty_flush_input(tty);
}

KTEST(tty, poll_reports_lines_and_hangup)
{
	struct test_tty *tt = tt_new();
	struct file f = { .f_op = &tty_fops };

	KASSERT(tt);
	f.private_data = &tt->tty;
	f.f_version = tt->tty.hangup_gen;
	KEXPECT_EQ(vfs_poll(&f, NULL), EPOLLOUT | EPOLLWRNORM);
	feed(tt, "half");
	KEXPECT_EQ(vfs_poll(&f, NULL) & EPOLLIN, 0);	/* canonical: no line yet */
	feed(tt, "\n");
	KEXPECT_EQ(vfs_poll(&f, NULL) & (EPOLLIN | EPOLLRDNORM), EPOLLIN | EPOLLRDNORM);
	tty_hangup(&tt->tty);
	KEXPECT_EQ(vfs_poll(&f, NULL) & EPOLLHUP, EPOLLHUP);
	tt_free(tt);
}

/* write(2) of a kernel buffer to a tty file, through ->write_iter. */
static ssize_t tty_write_k(struct file *f, const char *buf, size_t n)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = n };
	struct iov_iter iter;
	struct kiocb kiocb;

	init_sync_kiocb(&kiocb, f);
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, n);
	return vfs_call_write_iter(f, &kiocb, &iter);
}

struct flow_writer {
	struct file *file;
	ssize_t ret;
	struct completion done;
};

static int flow_writer_fn(void *arg)
{
	struct flow_writer *w = arg;

	w->ret = tty_write_k(w->file, "xyz", 3);
	complete(&w->done);
	return 0;
}

/*
 * Output flow control: ^S and ^Q typed with IXON, and TCXONC. A stopped
 * tty makes a blocking writer wait (until ^Q) and a non-blocking one get
 * -EAGAIN, and poll stops reporting EPOLLOUT; the keys themselves are not
 * input. TCIOFF/TCION send the stop and start characters.
 */
KTEST(tty, flow_control_ixon_and_tcxonc)
{
	static struct flow_writer w;
	static struct file f;	/* the writer thread's: outlives a failed KASSERT */
	struct test_tty *tt = tt_new();
	struct file nb = { .f_op = &tty_fops, .f_flags = O_NONBLOCK };
	struct task_struct *k;
	char buf[16];

	KASSERT(tt);
	f = (struct file){ .f_op = &tty_fops, .private_data = &tt->tty };
	nb.private_data = &tt->tty;
	f.f_version = nb.f_version = tt->tty.hangup_gen;
	feed(tt, "\x13");	/* ^S */
	KEXPECT(tt->tty.flow_stopped);
	KEXPECT_EQ(vfs_call_poll(&f, NULL) & EPOLLOUT, 0);
	KEXPECT_EQ(tty_write_k(&nb, "n", 1), -EAGAIN);

	w = (struct flow_writer){ .file = &f, .ret = -1 };
	init_completion(&w.done);
	k = kthread_run(flow_writer_fn, &w, "ttyflow");
	KASSERT(!IS_ERR(k));
	msleep(50);
	KEXPECT(!completion_done(&w.done));	/* waits for ^Q */
	KEXPECT(strstr(tt->out, "xyz") == NULL);
	feed(tt, "\x11");	/* ^Q */
	KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(20 * 1000)));
	KEXPECT_EQ(w.ret, 3);
	KEXPECT(strstr(tt->out, "xyz") != NULL);
	KEXPECT(!tt->tty.flow_stopped);
	feed(tt, "a\n");
	KEXPECT_EQ(rd(tt, buf, sizeof(buf) - 1), 2);	/* ^S and ^Q were not input */
	KEXPECT_STREQ(buf, "a\n");

	KEXPECT_EQ(vfs_call_unlocked_ioctl(&f, TCXONC, TCOOFF), 0);
	KEXPECT(tt->tty.flow_stopped);
	KEXPECT_EQ(tty_write_k(&nb, "n", 1), -EAGAIN);
	KEXPECT_EQ(vfs_call_unlocked_ioctl(&f, TCXONC, TCOON), 0);
	KEXPECT(!tt->tty.flow_stopped);
	KEXPECT_EQ(vfs_call_poll(&f, NULL) & EPOLLOUT, EPOLLOUT);
	clear_out(tt);
	KEXPECT_EQ(vfs_call_unlocked_ioctl(&f, TCXONC, TCIOFF), 0);
	KEXPECT_EQ(vfs_call_unlocked_ioctl(&f, TCXONC, TCION), 0);
	KEXPECT_STREQ(tt->out, "\x13\x11");
	KEXPECT_EQ(vfs_call_unlocked_ioctl(&f, TCXONC, 7), -EINVAL);
	tt_free(tt);
}

/*
 * The keyboard path end to end: scancodes injected into the i8042's
 * output buffer raise IRQ 1, are translated and land on tty1.
 */
KTEST(tty, keyboard_types_into_tty1)
{
	static const u8 codes[] = {
		0x2a, 0x23, 0xa3, 0xaa,	/* Shift h */
		0x17, 0x97,		/* i */
		0x1d, 0x16, 0x96, 0x9d,	/* Ctrl-U: kill the line... */
		0x11, 0x91, 0x1e, 0x9e,	/* w a */
		0x1c, 0x9c,		/* Enter */
	};
	struct tty_struct *tty = vt_tty_get();
	struct file nonblock = { .f_flags = O_NONBLOCK, .f_version = ~0ULL };
	char buf[32];
	ssize_t n;

	KASSERT(tty);
	down_write(&tty->termios_rwsem);
	tty->termios.c_lflag &= ~ECHO;
	up_write(&tty->termios_rwsem);
	n_tty_flush_input(tty);
	for (size_t i = 0; i < sizeof(codes); i++)
		KASSERT_EQ(i8042_inject(codes[i]), 0);
	for (int i = 0; i < 200 && !n_tty_readable(tty); i++)
		msleep(5);
	n = n_tty_read(tty, &nonblock, (u8 *)buf, sizeof(buf) - 1);
	KEXPECT_EQ(n, 3);
	buf[n > 0 ? n : 0] = 0;
	KEXPECT_STREQ(buf, "wa\n");	/* "Hi" was killed; Enter's CR became NL */
	down_write(&tty->termios_rwsem);
	tty->termios.c_lflag |= ECHO;
	up_write(&tty->termios_rwsem);
}

struct blocked_reader {
	struct tty_struct *tty;
	ssize_t result;
	char buf[16];
	struct completion done;
};

static int reader_fn(void *data)
{
	struct blocked_reader *r = data;

	r->result = n_tty_read(r->tty, NULL, (u8 *)r->buf, sizeof(r->buf));
	flush_signals(current);
	complete_all(&r->done);
	return 0;
}

/* A reader asleep for a line wakes on a signal with -ERESTARTSYS, and on a line with the line. */
KTEST(tty, blocked_read_ends_on_signal_or_line)
{
	static struct blocked_reader r;
	struct test_tty *tt = tt_new();
	struct task_struct *k;

	KASSERT(tt);
	r.tty = &tt->tty;
	r.result = 12345;
	init_completion(&r.done);
	k = kthread_create(reader_fn, &r, "ttyread");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	msleep(30);
	feed(tt, "not yet");
	msleep(10);
	KEXPECT(!completion_done(&r.done));	/* no line: still asleep */
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&r.done, 5 * HZ));
	KEXPECT_EQ(r.result, -ERESTARTSYS);
	put_task_struct(k);

	r.result = 12345;
	init_completion(&r.done);
	k = kthread_run(reader_fn, &r, "ttyread");
	KASSERT(!IS_ERR(k));
	msleep(30);
	feed(tt, "\n");	/* completes "not yet" */
	KASSERT(wait_for_completion_timeout(&r.done, 5 * HZ));
	KEXPECT_EQ(r.result, 8);
	tt_free(tt);
}

/*
 * Job control on the test thread's own process (init_task's: pgrp and
 * session 1, a session leader). The signals it sends itself are blocked,
 * so they stay queued where the test can see them, and are flushed after.
 */
struct jc_saved {
	sigset_t blocked;
	struct tty_struct *tty;
};

static void jc_begin(struct jc_saved *sv, struct tty_struct *tty)
{
	sigset_t all;
	unsigned long flags;

	sv->blocked = current->blocked;
	sigfillset(&all);
	set_current_blocked(&all);
	write_lock_irqsave(&tasklist_lock, flags);
	sv->tty = current->signal->tty;
	current->signal->tty = tty;
	if (tty)
		tty->session = current->signal->session;
	write_unlock_irqrestore(&tasklist_lock, flags);
}

static void jc_end(struct jc_saved *sv)
{
	unsigned long flags;

	write_lock_irqsave(&tasklist_lock, flags);
	current->signal->tty = sv->tty;
	write_unlock_irqrestore(&tasklist_lock, flags);
	flush_signals(current);
	set_current_blocked(&sv->blocked);
}

static bool queued(int sig)
{
	return sigismember(&current->signal->shared_pending.signal, sig);
}

KTEST(tty, isig_keys_signal_the_foreground_group)
{
	struct test_tty *tt = tt_new();
	struct jc_saved sv;

	KASSERT(tt);
	jc_begin(&sv, &tt->tty);
	tt->tty.pgrp = current->signal->pgrp;
	feed(tt, "\x03");
	KEXPECT(queued(SIGINT));
	feed(tt, "\x1c");
	KEXPECT(queued(SIGQUIT));
	KEXPECT(!queued(SIGTSTP));
	feed(tt, "\x1a");
	KEXPECT(queued(SIGTSTP));
	KEXPECT_STREQ(tt->out, "^C^\\^Z");
	jc_end(&sv);
	/* Another group in the foreground: we get nothing. */
	jc_begin(&sv, &tt->tty);
	tt->tty.pgrp = 99999;
	feed(tt, "\x03");
	KEXPECT(!queued(SIGINT));
	jc_end(&sv);
	tt_free(tt);
}

KTEST(tty, background_of_an_orphaned_group_gets_eio)
{
	struct test_tty *tt = tt_new();
	struct jc_saved sv;
	sigset_t none;

	KASSERT(tt);
	jc_begin(&sv, &tt->tty);
	/* Foreground: everything is allowed. */
	tt->tty.pgrp = current->signal->pgrp;
	KEXPECT_EQ(tty_check_read(&tt->tty), 0);
	KEXPECT_EQ(tty_check_change(&tt->tty), 0);
	/*
	 * Background. Our group has no parent in another group of the
	 * session (init's parent is nobody): orphaned, so no SIGTTIN/SIGTTOU
	 * that could never be undone, but EIO.
	 */
	tt->tty.pgrp = 99999;
	sigemptyset(&none);
	set_current_blocked(&none);
	KEXPECT_EQ(tty_check_read(&tt->tty), -EIO);
	KEXPECT_EQ(tty_check_write(&tt->tty), 0);	/* no TOSTOP: writes are fine */
	tt->tty.termios.c_lflag |= TOSTOP;
	KEXPECT_EQ(tty_check_write(&tt->tty), -EIO);
	KEXPECT_EQ(tty_check_change(&tt->tty), -EIO);
	KEXPECT(!queued(SIGTTIN));
	KEXPECT(!queued(SIGTTOU));
	/* SIGTTOU blocked: the write goes ahead; SIGTTIN blocked: the read fails. */
	{
		sigset_t ttx;

		sigemptyset(&ttx);
		sigaddset(&ttx, SIGTTOU);
		sigaddset(&ttx, SIGTTIN);
		set_current_blocked(&ttx);
	}
	KEXPECT_EQ(tty_check_write(&tt->tty), 0);
	KEXPECT_EQ(tty_check_read(&tt->tty), -EIO);
	jc_end(&sv);
	tt_free(tt);
}

KTEST(tty, controlling_tty_and_hangup)
{
	struct test_tty *tt = tt_new();
	struct file f = { .f_mode = FMODE_READ };
	struct jc_saved sv;
	unsigned long flags;

	KASSERT(tt);
	jc_begin(&sv, NULL);	/* we have no controlling tty now */
	tt->tty.session = 0;
	/* A session leader's open without O_NOCTTY takes the tty... */
	tty_open_set_ctty(&tt->tty, &f);
	KEXPECT(current->signal->tty == &tt->tty);
	KEXPECT_EQ(tt->tty.session, current->signal->session);
	KEXPECT_EQ(tt->tty.pgrp, current->signal->pgrp);
	/* ...and TIOCSCTTY of a tty we already have is a no-op. */
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCSCTTY, 0), 0);
	/* TIOCNOTTY by the leader: SIGHUP and SIGCONT to the foreground group, tty gone. */
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCNOTTY, 0), 0);
	KEXPECT(current->signal->tty == NULL);
	KEXPECT_EQ(tt->tty.session, 0);
	KEXPECT(queued(SIGHUP));
	KEXPECT(queued(SIGCONT));
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCNOTTY, 0), -ENOTTY);
	flush_signals(current);
	/* TIOCSCTTY takes it back; a hangup then signals the leader and takes it away. */
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCSCTTY, 0), 0);
	KEXPECT(current->signal->tty == &tt->tty);
	f.f_version = tt->tty.hangup_gen;
	tty_hangup(&tt->tty);
	KEXPECT(current->signal->tty == NULL);
	KEXPECT(queued(SIGHUP));
	KEXPECT(tty_file_hung_up(&tt->tty, &f));
	/* A tty owned by another session cannot be taken without arg 1 (and root). */
	write_lock_irqsave(&tasklist_lock, flags);
	tt->tty.session = 99999;
	write_unlock_irqrestore(&tasklist_lock, flags);
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCSCTTY, 0), -EPERM);
	KEXPECT_EQ(tty_jobctrl_ioctl(&tt->tty, &f, TIOCSCTTY, 1), 0);	/* the ktest thread is root */
	KEXPECT(current->signal->tty == &tt->tty);
	/* What do_exit does for a session leader: the tty hangs up. */
	f.f_version = tt->tty.hangup_gen;
	disassociate_ctty(1);
	KEXPECT(current->signal->tty == NULL);
	KEXPECT(tty_file_hung_up(&tt->tty, &f));
	KEXPECT_EQ(tt->tty.session, 0);
	jc_end(&sv);
	tt_free(tt);
}
