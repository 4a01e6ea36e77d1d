/*
 * Power-off and reset on a PC.
 *
 * Power-off (ACPI S5): write SLP_TYPa|SLP_EN to PM1a_CNT and SLP_TYPb|SLP_EN
 * to PM1b_CNT, with the S5 sleep types from the DSDT's \_S5 package. The
 * chipset must be in ACPI mode (SCI_EN set) for it to listen; firmware
 * leaves some machines in legacy mode, so we first ask it to switch by
 * writing ACPI_ENABLE to the SMI command port.
 *
 * Reset, in order of preference: the FADT reset register (I/O, memory or
 * PCI configuration space; 0xcf9 on most chipsets), the 8042 keyboard
 * controller's reset line (command 0xfe), and last a triple fault (an
 * empty IDT and an exception), which every x86 turns into a reset.
 *
 * `reboot=acpi|kbd|triple` (or a, k, t, as on Linux) picks the method to
 * start with; the ones after it in the list above remain as fallbacks.
 *
 * These run once, at the end, and take no locks, so they work even when a
 * CPU died holding one; the one exception is a memory-space reset
 * register, which is mapped (ioremap) when it is used.
 */
#include <kestrel/acpi.h>
#include <kestrel/cmdline.h>
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <kestrel/time.h>
#include <asm/io.h>
#include <asm/ioremap.h>
#include <asm/processor.h>

#define ACPI_PM1_SCI_EN (1 << 0)
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN (1 << 13)

#define I8042_STATUS 0x64
#define I8042_COMMAND 0x64
#define I8042_STATUS_IBF 0x02	/* input buffer full: controller busy */
#define I8042_CMD_RESET 0xfe	/* pulse the CPU reset line */

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

enum reboot_method { REBOOT_ACPI, REBOOT_KBD, REBOOT_TRIPLE };
/* Set once while the command line is parsed, read-only afterwards. */
static enum reboot_method reboot_first = REBOOT_ACPI;

static int reboot_setup(const char *val)
{
	if (!val)
		return -1;
	switch (val[0]) {
	case 'a': reboot_first = REBOOT_ACPI; return 0;
	case 'k': reboot_first = REBOOT_KBD; return 0;
	case 't': reboot_first = REBOOT_TRIPLE; return 0;
	default: return -1;
	}
}
KERNEL_PARAM("reboot", reboot_setup, "reboot=acpi|kbd|triple: the first reset method to try");

__noreturn void machine_halt(void)
{
	for (;;) {
		local_irq_disable();
		halt();
	}
}

/* Ask the firmware to hand the PM registers to us, if it has not yet. */
static void acpi_enter_mode(void)
{
	const struct acpi_platform *a = &acpi_platform;

	if (inw(a->pm1a_cnt) & ACPI_PM1_SCI_EN)
		return;
	if (!a->smi_cmd || !a->acpi_enable)
		return;		/* hardware-reduced or always in ACPI mode */
	outb(a->smi_cmd, a->acpi_enable);
	for (int i = 0; i < 300 && !(inw(a->pm1a_cnt) & ACPI_PM1_SCI_EN); i++)
		mdelay(10);
}

static void acpi_power_off(void)
{
	const struct acpi_platform *a = &acpi_platform;

	if (!a->has_fadt || !a->has_s5 || !a->pm1a_cnt) {
		pr_emerg("reboot: no ACPI S5 (%s)\n", !a->present ? "no ACPI" :
			 !a->has_fadt ? "no FADT" : !a->has_s5 ? "no \\_S5" : "no PM1a_CNT");
		return;
	}
	acpi_enter_mode();
	/* SLP_TYP and SLP_EN in one write, as the spec requires; keep other bits. */
	outw(a->pm1a_cnt, (inw(a->pm1a_cnt) & ~(7 << ACPI_PM1_SLP_TYP_SHIFT)) |
			  (a->s5_slp_typa << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
	if (a->pm1b_cnt)
		outw(a->pm1b_cnt, (inw(a->pm1b_cnt) & ~(7 << ACPI_PM1_SLP_TYP_SHIFT)) |
				  (a->s5_slp_typb << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
	mdelay(500);	/* power drops within a few ms on real hardware */
	pr_emerg("reboot: ACPI S5 did not power off\n");
}

__noreturn void machine_power_off(void)
{
	local_irq_disable();
	pr_emerg("reboot: Power down\n");
	acpi_power_off();
	pr_emerg("reboot: power-off failed, System halted\n");
	machine_halt();
}

/* PCI configuration space, mechanism #1: bus 0 (the FADT's reset register is there). */
static void pci_conf_write8(const struct acpi_gas *g, u8 v)
{
	u32 dev = (g->address >> 32) & 0x1f, fn = (g->address >> 16) & 0x7;
	u32 off = g->address & 0xff;

	outl(PCI_CONFIG_ADDRESS, 0x80000000u | dev << 11 | fn << 8 | (off & 0xfc));
	outb(PCI_CONFIG_DATA + (off & 3), v);
}

static void acpi_reset(void)
{
	const struct acpi_platform *a = &acpi_platform;
	const struct acpi_gas *g = &a->reset_reg;

	if (!a->has_reset_reg)
		return;
	pr_emerg("reboot: trying the ACPI reset register\n");
	switch (g->space_id) {
	case ACPI_SPACE_IO:
		outb(g->address, a->reset_value);
		break;
	case ACPI_SPACE_MEM: {
		void __iomem *reg = ioremap(g->address, 1);
		if (reg)
			writeb(a->reset_value, reg);
		break;
	}
	case ACPI_SPACE_PCI:
		pci_conf_write8(g, a->reset_value);
		break;
	}
	mdelay(50);
	pr_emerg("reboot: ACPI reset register did not reset\n");
}

static bool has_8042(void)
{
	/* Without ACPI we assume a PC; with it, the FADT's IA-PC flags tell. */
	return !acpi_platform.has_fadt || (acpi_platform.iapc_boot_flags & ACPI_IAPC_8042);
}

static void kbd_reset(void)
{
	if (!has_8042())
		return;
	pr_emerg("reboot: trying the keyboard controller\n");
	for (int i = 0; i < 10; i++) {
		for (int j = 0; j < 0x10000 && (inb(I8042_STATUS) & I8042_STATUS_IBF); j++)
			udelay(2);
		outb(I8042_COMMAND, I8042_CMD_RESET);
		mdelay(50);
	}
	pr_emerg("reboot: keyboard-controller reset did not reset\n");
}

static __noreturn void triple_fault(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed empty_idt = { 0, 0 };

	pr_emerg("reboot: trying a triple fault\n");
	__asm__ volatile("lidt %0; int3" ::"m"(empty_idt));
	machine_halt();
}

__noreturn void machine_restart(void)
{
	local_irq_disable();
	pr_emerg("reboot: Restarting system\n");
	if (reboot_first <= REBOOT_ACPI)
		acpi_reset();
	if (reboot_first <= REBOOT_KBD)
		kbd_reset();
	triple_fault();
}
