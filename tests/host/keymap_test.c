/*
 * Host tests of drivers/tty/vt/keyboard.c: scancode set 1 to characters.
 *
 * HOST_SOURCES: drivers/tty/vt/keyboard.c lib/string.c
 */
#include <kestrel/keyboard.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>

/* Feed a sequence of scancode bytes; return everything typed as a string. */
static const char *type(struct kbd_state *st, const u8 *codes, size_t n)
{
	static char buf[128];
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += kbd_translate(st, codes[i], buf + len);
	buf[len] = 0;
	return buf;
}

#define TYPE(st, ...) ({ static const u8 __c[] = { __VA_ARGS__ }; type((st), __c, sizeof(__c)); })

KTEST(keymap, letters_digits_and_release)
{
	struct kbd_state st = { 0 };

	/* h i, each pressed and released; releases type nothing */
	KEXPECT_STREQ(TYPE(&st, 0x23, 0xa3, 0x17, 0x97), "hi");
	KEXPECT_STREQ(TYPE(&st, 0x02, 0x0b, 0x39, 0x0c), "10 -");
	KEXPECT_STREQ(TYPE(&st, 0x1c, 0x0e, 0x0f, 0x01), "\r\x7f\t\x1b");
}

KTEST(keymap, shift_and_caps_lock)
{
	struct kbd_state st = { 0 };

	/* LShift down, a 1 /, LShift up, a */
	KEXPECT_STREQ(TYPE(&st, 0x2a, 0x1e, 0x02, 0x35, 0xaa, 0x1e), "A!?a");
	/* Right Shift too */
	KEXPECT_STREQ(TYPE(&st, 0x36, 0x28, 0xb6), "\"");
	/* Caps Lock: letters only; Shift inverts it back */
	KEXPECT_STREQ(TYPE(&st, 0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e, 0xaa), "A1a");
	KEXPECT(st.caps_lock);
	KEXPECT_STREQ(TYPE(&st, 0x3a, 0xba, 0x1e), "a");
}

KTEST(keymap, ctrl_and_alt)
{
	struct kbd_state st = { 0 };

	/* Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\ */
	KEXPECT_STREQ(TYPE(&st, 0x1d, 0x2e, 0x20, 0x2c, 0x2b, 0x9d), "\x03\x04\x1a\x1c");
	/* Right Ctrl (e0 1d) with Shift still gives the control character */
	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x1d, 0x2a, 0x26, 0xaa, 0xe0, 0x9d, 0x26), "\x0cl");
	/* Alt-x: ESC x */
	KEXPECT_STREQ(TYPE(&st, 0x38, 0x2d, 0xb8, 0x2d), "\x1bxx");
}

KTEST(keymap, extended_keys)
{
	struct kbd_state st = { 0 };

	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x48, 0xe0, 0xc8), "\x1b[A");
	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x4b, 0xe0, 0x4d, 0xe0, 0x50), "\x1b[D\x1b[C\x1b[B");
	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x53, 0xe0, 0x47, 0xe0, 0x4f), "\x1b[3~\x1b[1~\x1b[4~");
	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x1c, 0xe0, 0x35), "\r/");
	/* A fake shift (e0 2a) around an arrow does not shift the next key */
	KEXPECT_STREQ(TYPE(&st, 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, 0x1e), "\x1b[Aa");
	/* Keypad digits and unknown keys */
	KEXPECT_STREQ(TYPE(&st, 0x47, 0x52, 0x3b, 0x45), "70");
}

KTEST(keymap, pause_types_nothing)
{
	struct kbd_state st = { 0 };

	KEXPECT_STREQ(TYPE(&st, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a");
	KEXPECT(!st.lctrl);
}
