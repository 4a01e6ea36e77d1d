/*
 * PCI configuration space registers (PCI Local Bus Specification 3.0,
 * chapter 6; PCI Express Base Specification, chapter 7), with Linux's
 * names (include/uapi/linux/pci_regs.h).
 */
#ifndef KESTREL_PCI_REGS_H
#define KESTREL_PCI_REGS_H

#define PCI_CFG_SPACE_SIZE 256
#define PCI_CFG_SPACE_EXP_SIZE 4096

/* The header every function has (type 0 devices and type 1 bridges alike). */
#define PCI_VENDOR_ID 0x00		/* 16 bits; 0xffff: no function here */
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define  PCI_COMMAND_IO 0x1		/* respond to I/O space accesses */
#define  PCI_COMMAND_MEMORY 0x2		/* respond to memory space accesses */
#define  PCI_COMMAND_MASTER 0x4		/* may start DMA (bus mastering) */
#define  PCI_COMMAND_INTX_DISABLE 0x400	/* INTx emulation off */
#define PCI_STATUS 0x06
#define  PCI_STATUS_INTERRUPT 0x08	/* INTx asserted */
#define  PCI_STATUS_CAP_LIST 0x10	/* a capability list at PCI_CAPABILITY_LIST */
#define PCI_CLASS_REVISION 0x08		/* class << 8 | revision */
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define  PCI_HEADER_TYPE_MASK 0x7f
#define  PCI_HEADER_TYPE_NORMAL 0
#define  PCI_HEADER_TYPE_BRIDGE 1
#define  PCI_HEADER_TYPE_CARDBUS 2
#define  PCI_HEADER_TYPE_MFD 0x80	/* a multi-function device */

/* Base address registers: 6 in a type 0 header, 2 in a bridge's. */
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_5 0x24
#define  PCI_BASE_ADDRESS_SPACE_IO 0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x06
#define  PCI_BASE_ADDRESS_MEM_TYPE_32 0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define  PCI_BASE_ADDRESS_MEM_MASK (~0x0fU)
#define  PCI_BASE_ADDRESS_IO_MASK (~0x03U)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define  PCI_ROM_ADDRESS_ENABLE 0x01
#define  PCI_ROM_ADDRESS_MASK (~0x7ffU)
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c		/* the IRQ firmware routed INTx to (0xff: none) */
#define PCI_INTERRUPT_PIN 0x3d		/* 0: none, 1-4: INTA#-INTD# */

/* Type 1 (PCI-to-PCI bridge) header. */
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_IO_BASE 0x1c
#define PCI_IO_LIMIT 0x1d
#define PCI_MEMORY_BASE 0x20
#define PCI_MEMORY_LIMIT 0x22
#define PCI_PREF_MEMORY_BASE 0x24
#define PCI_PREF_MEMORY_LIMIT 0x26
#define PCI_PREF_BASE_UPPER32 0x28
#define PCI_PREF_LIMIT_UPPER32 0x2c
#define PCI_IO_BASE_UPPER16 0x30
#define PCI_IO_LIMIT_UPPER16 0x32
#define PCI_ROM_ADDRESS1 0x38

/* Capability list entries: id, next, then the capability's registers. */
#define PCI_CAP_LIST_ID 0
#define PCI_CAP_LIST_NEXT 1
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09		/* vendor specific (virtio's structures) */
#define PCI_CAP_ID_EXP 0x10		/* PCI Express */
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_SATA 0x12

/* MSI capability */
#define PCI_MSI_FLAGS 0x02
#define  PCI_MSI_FLAGS_ENABLE 0x0001
#define  PCI_MSI_FLAGS_QMASK 0x000e	/* vectors the device can use (log2) */
#define  PCI_MSI_FLAGS_QSIZE 0x0070	/* vectors enabled (log2) */
#define  PCI_MSI_FLAGS_64BIT 0x0080
#define  PCI_MSI_FLAGS_MASKBIT 0x0100	/* per-vector masking */
#define PCI_MSI_ADDRESS_LO 0x04
#define PCI_MSI_ADDRESS_HI 0x08		/* 64-bit only */
#define PCI_MSI_DATA_32 0x08
#define PCI_MSI_DATA_64 0x0c
#define PCI_MSI_MASK_32 0x0c
#define PCI_MSI_MASK_64 0x10

/* MSI-X capability */
#define PCI_MSIX_FLAGS 0x02
#define  PCI_MSIX_FLAGS_QSIZE 0x07ff	/* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE 0x04		/* BAR indicator (bits 2:0) and offset */
#define PCI_MSIX_PBA 0x08
#define  PCI_MSIX_TABLE_BIR 0x7
#define  PCI_MSIX_TABLE_OFFSET (~0x7U)
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_LOWER_ADDR 0x0
#define PCI_MSIX_ENTRY_UPPER_ADDR 0x4
#define PCI_MSIX_ENTRY_DATA 0x8
#define PCI_MSIX_ENTRY_VECTOR_CTRL 0xc
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* PCI Express capability */
#define PCI_EXP_FLAGS 0x02
#define  PCI_EXP_FLAGS_TYPE 0x00f0
#define  PCI_EXP_TYPE_ENDPOINT 0x0
#define  PCI_EXP_TYPE_LEG_END 0x1
#define  PCI_EXP_TYPE_ROOT_PORT 0x4
#define  PCI_EXP_TYPE_UPSTREAM 0x5
#define  PCI_EXP_TYPE_DOWNSTREAM 0x6
#define  PCI_EXP_TYPE_PCI_BRIDGE 0x7
#define  PCI_EXP_TYPE_PCIE_BRIDGE 0x8
#define  PCI_EXP_TYPE_RC_END 0x9
#define  PCI_EXP_TYPE_RC_EC 0xa

/* Class codes (class >> 8: base class and subclass) */
#define PCI_CLASS_NOT_DEFINED 0x0000
#define PCI_CLASS_STORAGE_SCSI 0x0100
#define PCI_CLASS_STORAGE_IDE 0x0101
#define PCI_CLASS_STORAGE_SATA 0x0106
#define PCI_CLASS_STORAGE_SATA_AHCI 0x010601
#define PCI_CLASS_STORAGE_EXPRESS 0x010802
#define PCI_CLASS_DISPLAY_VGA 0x0300
#define PCI_CLASS_BRIDGE_HOST 0x0600
#define PCI_CLASS_BRIDGE_ISA 0x0601
#define PCI_CLASS_BRIDGE_PCI 0x0604
#define PCI_CLASS_BRIDGE_CARDBUS 0x0607

#endif
