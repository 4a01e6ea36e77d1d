/*
 * The 8254 PIT, channel 2 only: its gate and output are wired to port
 * 0x61, so software can start a countdown and watch it end without any
 * interrupt. That makes it the reference clock of last resort for TSC and
 * APIC timer calibration, and the delay loop before calibration.
 *
 * Channel 2 is one piece of hardware: pit_lock serializes its users.
 */
#include <kestrel/spinlock.h>
#include <asm/io.h>
#include <asm/pit.h>

#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61		/* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20

/* Protects channel 2 and port 0x61 across a countdown. */
static DEFINE_SPINLOCK(pit_lock);

static void pit_oneshot_start(u16 ticks)
{
	u8 b = inb(PORT_B);

	/* Gate low (stops counting), speaker off. */
	outb(PORT_B, b & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
	/* Channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count), binary. */
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, ticks & 0xff);
	outb(PIT_CH2, ticks >> 8);
	/* Gate high: the count starts; OUT2 goes high when it reaches zero. */
	outb(PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
}

static bool pit_oneshot_done(void)
{
	return inb(PORT_B) & PORT_B_OUT2;
}

void pit_wait_us(u64 us)
{
	unsigned long flags;

	while (us) {
		u64 chunk = us > 50000 ? 50000 : us;
		u64 ticks = chunk * PIT_TICK_RATE / 1000000;

		if (!ticks)
			ticks = 1;
		spin_lock_irqsave(&pit_lock, flags);
		pit_oneshot_start(ticks);
		while (!pit_oneshot_done())
			cpu_relax();
		spin_unlock_irqrestore(&pit_lock, flags);
		us -= chunk;
	}
}

void pit_window(u16 ticks, void (*fn)(void *arg, bool end), void *arg)
{
	unsigned long flags;

	spin_lock_irqsave(&pit_lock, flags);
	pit_oneshot_start(ticks);
	fn(arg, false);
	while (!pit_oneshot_done())
		cpu_relax();
	fn(arg, true);
	spin_unlock_irqrestore(&pit_lock, flags);
}
