/*
 * The loop device (drivers/block/loop.c): /dev/loopN is a block device
 * whose sectors are the bytes of a file. The ioctls and their structures
 * are Linux's (<linux/loop.h>), so losetup works unchanged.
 */
#ifndef KESTREL_LOOP_H
#define KESTREL_LOOP_H

#include <kestrel/types.h>

#define LOOP_MAJOR 7
#define LOOP_CTRL_MINOR 237		/* /dev/loop-control is 10:237 (a misc device) */
#define MISC_MAJOR 10

#define LO_NAME_SIZE 64
#define LO_KEY_SIZE 32

/* lo_flags */
#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4		/* detach at the last close */
#define LO_FLAGS_PARTSCAN 8
#define LO_FLAGS_DIRECT_IO 16

/* What LOOP_GET_STATUS64 reports and LOOP_SET_STATUS64 takes. */
struct loop_info64 {
	u64 lo_device;			/* the backing file's file system device (read only) */
	u64 lo_inode;			/* its inode number (read only) */
	u64 lo_rdevice;			/* its device number, if a device (read only) */
	u64 lo_offset;			/* where in the file the device starts */
	u64 lo_sizelimit;		/* bytes; 0: to the end of the file */
	u32 lo_number;			/* N of loopN (read only) */
	u32 lo_encrypt_type;		/* obsolete, ignored */
	u32 lo_encrypt_key_size;	/* obsolete, ignored */
	u32 lo_flags;			/* LO_FLAGS_* */
	u8 lo_file_name[LO_NAME_SIZE];
	u8 lo_crypt_name[LO_NAME_SIZE];
	u8 lo_encrypt_key[LO_KEY_SIZE];
	u64 lo_init[2];
};

/* LOOP_CONFIGURE: LOOP_SET_FD and LOOP_SET_STATUS64 in one call. */
struct loop_config {
	u32 fd;
	u32 block_size;			/* 0: 512 */
	struct loop_info64 info;
	u64 __reserved[8];
};

#define LOOP_SET_FD 0x4C00
#define LOOP_CLR_FD 0x4C01
#define LOOP_SET_STATUS 0x4C02
#define LOOP_GET_STATUS 0x4C03
#define LOOP_SET_STATUS64 0x4C04
#define LOOP_GET_STATUS64 0x4C05
#define LOOP_CHANGE_FD 0x4C06
#define LOOP_SET_CAPACITY 0x4C07
#define LOOP_SET_DIRECT_IO 0x4C08
#define LOOP_SET_BLOCK_SIZE 0x4C09
#define LOOP_CONFIGURE 0x4C0A

/* /dev/loop-control */
#define LOOP_CTL_ADD 0x4C80
#define LOOP_CTL_REMOVE 0x4C81
#define LOOP_CTL_GET_FREE 0x4C82

/* Register the loop driver and make loop0 ... loop7 and /dev/loop-control (boot). */
int loop_init(void);

#endif
