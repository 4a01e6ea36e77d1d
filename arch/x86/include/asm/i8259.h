/* The legacy 8259A interrupt controllers (master and slave PIC). */
#ifndef ASM_I8259_H
#define ASM_I8259_H

/* Vectors the PICs are moved to, so a stray legacy interrupt is not taken for an exception. */
#define I8259_MASTER_VECTOR 0x20
#define I8259_SLAVE_VECTOR 0x28

/* Remap both PICs to I8259_*_VECTOR and mask every line: the IOAPIC routes ISA IRQs. */
void i8259_init_masked(void);

#endif
