/*
 * The flip buffer: received bytes between a driver and the line discipline.
 *
 * A driver receives in its interrupt handler, where it may neither sleep
 * nor take the line discipline's mutex nor send signals. So it only
 * appends the bytes to tty->buf (a ring under buf.lock, irqsave) and
 * queues tty->buf.work; the work item (process context, a kworker) takes
 * them out in chunks and runs n_tty_receive_buf(), which edits, echoes
 * and signals. A full ring drops bytes (counted in buf.dropped), as a
 * UART overrun would.
 */
#include <kestrel/string.h>
#include <kestrel/tty.h>

#define FLIP_MASK (TTY_FLIPBUF_SIZE - 1)

size_t tty_insert_flip_string(struct tty_struct *tty, const u8 *chars, size_t n)
{
	struct tty_bufhead *b = &tty->buf;
	unsigned long flags;
	size_t i;

	spin_lock_irqsave(&b->lock, flags);
	for (i = 0; i < n && b->count < TTY_FLIPBUF_SIZE; i++)
		b->data[(b->head + b->count++) & FLIP_MASK] = chars[i];
	b->dropped += n - i;
	spin_unlock_irqrestore(&b->lock, flags);
	if (i)
		schedule_work(&b->work);
	return i;
}

/* Take up to max queued bytes out of the ring. */
static size_t flip_take(struct tty_bufhead *b, u8 *out, size_t max)
{
	unsigned long flags;
	size_t n;

	spin_lock_irqsave(&b->lock, flags);
	for (n = 0; n < max && b->count; n++) {
		out[n] = b->data[b->head];
		b->head = (b->head + 1) & FLIP_MASK;
		b->count--;
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return n;
}

void tty_flip_flush(struct tty_struct *tty)
{
	u8 chunk[64];
	size_t n;

	mutex_lock(&tty->buf.flush_lock);
	while ((n = flip_take(&tty->buf, chunk, sizeof(chunk))))
		n_tty_receive_buf(tty, chunk, n);
	mutex_unlock(&tty->buf.flush_lock);
}

static void flush_to_ldisc(struct work_struct *work)
{
	struct tty_bufhead *b = container_of(work, struct tty_bufhead, work);

	tty_flip_flush(container_of(b, struct tty_struct, buf));
}

void tty_buffer_init(struct tty_struct *tty)
{
	spin_lock_init(&tty->buf.lock);
	tty->buf.head = tty->buf.count = 0;
	mutex_init(&tty->buf.flush_lock);
	INIT_WORK(&tty->buf.work, flush_to_ldisc);
}
