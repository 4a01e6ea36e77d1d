/*
 * The PS/2 keyboard (drivers/input/serio/i8042.c, the controller;
 * drivers/tty/vt/keyboard.c, the translation): scancodes to the bytes a
 * terminal sends.
 *
 * The i8042 controller hands us scancode set 1 (it translates the
 * keyboard's set 2; the firmware leaves translation on and we keep it).
 * kbd_translate() is pure: it turns one byte from the controller into
 * the characters of a US keyboard with Shift, Ctrl, Alt (sent as an ESC
 * prefix, as Linux's console does) and Caps Lock, and the cursor and
 * editing keys into the VT100 sequences Linux's console sends
 * ("\e[A" for Up, "\e[3~" for Delete, ...). Enter sends '\r' and
 * Backspace DEL (0x7f), as a terminal does; the tty's ICRNL and VERASE
 * take it from there.
 */
#ifndef KESTREL_KEYBOARD_H
#define KESTREL_KEYBOARD_H

#include <kestrel/types.h>

#define KBD_MAX_OUT 8	/* the longest output of one scancode byte */

struct kbd_state {
	bool lshift, rshift, lctrl, rctrl, lalt, ralt;
	bool caps_lock;		/* toggled by each press of Caps Lock */
	bool e0;		/* the previous byte was the 0xe0 prefix */
	u8 e1_skip;		/* bytes of a Pause sequence (0xe1 ...) still to ignore */
};

/* One byte from the controller; writes up to KBD_MAX_OUT bytes to out, returns how many. */
int kbd_translate(struct kbd_state *st, u8 scancode, char *out);

/* Boot: find the i8042, take IRQ 1, feed the screen's tty. */
int i8042_init(void);
/*
 * Have the controller hand us scancode as if the keyboard sent it
 * (command 0xd2), interrupt and all: the self-test of the keyboard path.
 */
int i8042_inject(u8 scancode);

#endif
