/*
 * vgacon.*: the VGA text console writing into an 80x25 cell buffer in
 * RAM (no port I/O). Expected cells (character and attribute) are
 * written out as constants.
 */
#include <kestrel/fb.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

static u16 vram[80 * 25];
static u16 vcells[80 * 25], vshown[80 * 25];
static struct vgacon vc;

KTEST(vgacon, write_and_wrap)
{
	memset(vram, 0, sizeof(vram));
	vgacon_setup(&vc, vram, 80, 25, vcells, vshown, false);
	vt_write(&vc.vt, "Hi", 2);
	KEXPECT_EQ(vram[0], 0x0748);	/* 'H', light grey on black */
	KEXPECT_EQ(vram[1], 0x0769);
	KEXPECT_EQ(vram[2], 0x0720);	/* the first flush blanked the screen */
	KEXPECT_EQ(vram[80 * 25 - 1], 0x0720);
	for (int i = 0; i < 79; i++)
		vt_write(&vc.vt, "x", 1);
	KEXPECT_EQ(vc.vt.y, 1);
	KEXPECT_EQ(vc.vt.x, 1);
	KEXPECT_EQ(vram[79], 0x0778);
	KEXPECT_EQ(vram[80], 0x0778);
	vc.vt.attr = 0x4f;	/* white on red */
	vt_write(&vc.vt, "\xff", 1);
	KEXPECT_EQ(vram[81], 0x4ffe);	/* code page 437's small square */
}

KTEST(vgacon, scroll)
{
	char line[8];

	memset(vram, 0, sizeof(vram));
	vgacon_setup(&vc, vram, 80, 25, vcells, vshown, false);
	for (int i = 0; i < 25; i++) {
		int n = snprintf(line, sizeof(line), "L%02d\n", i);
		vt_write(&vc.vt, line, n);
	}
	/* 25 lines and a final newline on a 25-line screen: one scroll. */
	KEXPECT_EQ(vc.vt.y, 24);
	KEXPECT_EQ(vram[0], 0x074c);	/* "L01" now on top */
	KEXPECT_EQ(vram[1], 0x0730);
	KEXPECT_EQ(vram[2], 0x0731);
	KEXPECT_EQ(vram[23 * 80 + 2], 0x0734);	/* "L24" on row 23 */
	for (int x = 0; x < 80; x++)
		KEXPECT_EQ(vram[24 * 80 + x], 0x0720);
}
