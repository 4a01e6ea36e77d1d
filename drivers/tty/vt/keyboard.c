/*
 * Scancode set 1 to characters: a US keyboard layout (see
 * include/kestrel/keyboard.h for what comes out).
 *
 * Set 1 in brief: a key's press is one byte (its "make code", below
 * 0x80), its release the same byte with bit 7 set ("break code"). Keys
 * added after the original PC keyboard (right Ctrl and Alt, the arrow
 * block, keypad Enter and /) send 0xe0 before their make and break
 * codes. Pause sends 0xe1 0x1d 0x45 0xe1 0x9d 0xc5 and has no release.
 *
 * Pure code with no locks: the caller owns the state (the keyboard
 * interrupt; the host tests).
 */
#include <kestrel/keyboard.h>
#include <kestrel/string.h>

#define SC_LCTRL 0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_LALT 0x38
#define SC_CAPS 0x3a
#define SC_RELEASE 0x80

/* Make code -> character, unshifted and shifted; 0: no character. */
static const char plain[0x60] = {
	[0x01] = 0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f,
	[0x0f] = '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r',
	[0x1e] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2b] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x37] = '*', [0x39] = ' ',
	/* The keypad, as digits (Num Lock on). */
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

static const char shifted[0x60] = {
	[0x01] = 0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f,
	[0x0f] = '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r',
	[0x1e] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2b] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x37] = '*', [0x39] = ' ',
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

/* The 0xe0 keys that send a sequence (Linux console's). */
static const char *extended_seq(u8 code)
{
	switch (code) {
	case 0x48: return "\x1b[A";	/* Up */
	case 0x50: return "\x1b[B";	/* Down */
	case 0x4d: return "\x1b[C";	/* Right */
	case 0x4b: return "\x1b[D";	/* Left */
	case 0x47: return "\x1b[1~";	/* Home */
	case 0x4f: return "\x1b[4~";	/* End */
	case 0x49: return "\x1b[5~";	/* Page Up */
	case 0x51: return "\x1b[6~";	/* Page Down */
	case 0x52: return "\x1b[2~";	/* Insert */
	case 0x53: return "\x1b[3~";	/* Delete */
	case 0x1c: return "\r";		/* keypad Enter */
	case 0x35: return "/";		/* keypad / */
	default: return NULL;
	}
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Ctrl with a key: letters and @[\]^_ give 0x00-0x1f (the unshifted key decides). */
static int ctrl_char(char base)
{
	if (base >= 'a' && base <= 'z')
		return base - 'a' + 1;
	switch (base) {
	case '2': case ' ': return 0x00;
	case '[': return 0x1b;
	case '\\': return 0x1c;
	case ']': return 0x1d;
	case '6': return 0x1e;
	case '-': case '/': return 0x1f;
	case 0x7f: return 0x08;		/* Ctrl-Backspace: BS */
	default: return -1;		/* no control character: the key as is */
	}
}

/* Modifier keys: update the state; true if code was one. */
static bool modifier(struct kbd_state *st, u8 code, bool extended, bool release)
{
	bool down = !release;

	switch (code) {
	case SC_LSHIFT:
		if (!extended)	/* e0 2a / e0 aa: fake shifts around some keys; ignore */
			st->lshift = down;
		return true;
	case SC_RSHIFT:
		if (!extended)
			st->rshift = down;
		return true;
	case SC_LCTRL:
		if (extended)
			st->rctrl = down;
		else
			st->lctrl = down;
		return true;
	case SC_LALT:
		if (extended)
			st->ralt = down;
		else
			st->lalt = down;
		return true;
	case SC_CAPS:
		if (down)
			st->caps_lock = !st->caps_lock;
		return true;
	default:
		return false;
	}
}

int kbd_translate(struct kbd_state *st, u8 scancode, char *out)
{
	bool extended = st->e0, release = scancode & SC_RELEASE;
	u8 code = scancode & ~SC_RELEASE;
	bool shift, ctrl, alt;
	const char *seq;
	char c;
	int n = 0, cc;

	if (st->e1_skip) {
		st->e1_skip--;
		return 0;
	}
	if (scancode == 0xe1) {
		st->e1_skip = 5;	/* Pause: nothing to type */
		return 0;
	}
	if (scancode == 0xe0) {
		st->e0 = true;
		return 0;
	}
	st->e0 = false;
	if (modifier(st, code, extended, release) || release)
		return 0;

	shift = st->lshift || st->rshift;
	ctrl = st->lctrl || st->rctrl;
	alt = st->lalt || st->ralt;
	if (extended) {
		seq = extended_seq(code);
		if (!seq)
			return 0;
		n = strlen(seq);
		memcpy(out, seq, n);
		return n;
	}
	if (code >= sizeof(plain) || !plain[code])
		return 0;	/* function keys, Num/Scroll Lock: nothing to type */
	c = shift ? shifted[code] : plain[code];
	if (st->caps_lock && is_letter(c))
		c ^= 0x20;	/* Caps Lock inverts Shift for letters only */
	if (ctrl && (cc = ctrl_char(plain[code])) >= 0)
		c = (char)cc;
	if (alt)
		out[n++] = 0x1b;	/* Meta: ESC before the key, as Linux's console */
	out[n++] = c;
	return n;
}
