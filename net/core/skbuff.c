/*
 * Socket buffers, after Linux's net/core/skbuff.c, cut down to what a
 * local socket needs: a buffer is one message (or one piece of a stream)
 * in a kernel allocation, queued on the receiver's sk_receive_queue.
 *
 * A buffer is charged to its sender: truesize bytes in the sender's
 * sk_wmem_alloc, held until the buffer is freed (read, or dropped with
 * its queue). That is how a writer is stopped when its peer does not
 * read: a sender whose sk_wmem_alloc has reached its sk_sndbuf waits
 * (net/unix/af_unix.c), and freeing a buffer wakes it.
 *
 * Locking: a queue's own lock guards its list and length; nothing else
 * is taken inside it.
 */
#include <kestrel/af_unix.h>
#include <kestrel/slab.h>
#include <kestrel/sock.h>
#include <kestrel/vmalloc.h>

/* Buffers larger than this come from vmalloc (a datagram may be ~200 KiB). */
#define SKB_KMALLOC_MAX (32 * 1024)
/* What a buffer costs beyond its data (Linux's truesize overhead, roughly). */
#define SKB_TRUESIZE_OVERHEAD 512

void skb_queue_head_init(struct sk_buff_head *q)
{
	INIT_LIST_HEAD(&q->head);
	q->qlen = 0;
	spin_lock_init(&q->lock);
}

struct sk_buff *alloc_skb_for(struct sock *sk, unsigned int len)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), GFP_KERNEL);

	if (!skb)
		return NULL;
	if (len) {
		skb->data = len <= SKB_KMALLOC_MAX ? kmalloc(len, GFP_KERNEL) : vmalloc(len);
		if (!skb->data) {
			kfree(skb);
			return NULL;
		}
	}
	INIT_LIST_HEAD(&skb->list);
	skb->len = len;
	skb->truesize = len + SKB_TRUESIZE_OVERHEAD;
	skb->sk = sk;
	sock_hold(sk);
	atomic_add(skb->truesize, &sk->sk_wmem_alloc);
	return skb;
}

static void skb_free_data(struct sk_buff *skb)
{
	if (!skb->data)
		return;
	if (skb->len <= SKB_KMALLOC_MAX)
		kfree(skb->data);
	else
		vfree(skb->data);
}

void kfree_skb(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (skb->fp)
		unix_destruct_fds(skb);	/* descriptors in flight that nobody received */
	skb_free_data(skb);
	if (sk) {
		atomic_sub(skb->truesize, &sk->sk_wmem_alloc);
		unix_write_space(sk);	/* room again: wake its writers */
		sock_put(sk);
	}
	kfree(skb);
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	spin_lock(&q->lock);
	list_add_tail(&skb->list, &q->head);
	WRITE_ONCE(q->qlen, q->qlen + 1);
	spin_unlock(&q->lock);
}

static void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	list_del_init(&skb->list);
	WRITE_ONCE(q->qlen, q->qlen - 1);
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	struct sk_buff *skb = NULL;

	spin_lock(&q->lock);
	if (!list_empty(&q->head)) {
		skb = list_first_entry(&q->head, struct sk_buff, list);
		__skb_unlink(skb, q);
	}
	spin_unlock(&q->lock);
	return skb;
}

void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	spin_lock(&q->lock);
	__skb_unlink(skb, q);
	spin_unlock(&q->lock);
}

void skb_queue_purge(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(q)))
		kfree_skb(skb);
}

struct sk_buff *skb_peek(struct sk_buff_head *q)
{
	return list_empty(&q->head) ? NULL : list_first_entry(&q->head, struct sk_buff, list);
}

struct sk_buff *skb_peek_next(struct sk_buff *skb, struct sk_buff_head *q)
{
	return skb->list.next == &q->head ? NULL :
	       list_entry(skb->list.next, struct sk_buff, list);
}
