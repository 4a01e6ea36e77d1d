# Kestrel: build, run and test.
#
#   make            build build/kernel.elf
#   make run        install missing packages, build, boot in QEMU (serial on this terminal)
#   make test       install missing packages, build, run every test
#   make iso        build/kestrel.iso (GRUB, BIOS and UEFI)
#   make debug      QEMU paused with its gdb stub, and gdb attached
#
# Options: V=1 shows commands; CROSS_COMPILE=prefix- picks a toolchain;
# CC=clang builds with clang (linking is always done by ld directly).

VERSION := 0.1.0
GIT_REV := $(shell git rev-parse --short=8 HEAD 2>/dev/null)
KESTREL_VERSION := $(VERSION)$(if $(GIT_REV),+g$(GIT_REV))

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD := $(CROSS_COMPILE)ld
NM := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
PYTHON ?= python3

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD := build
OBJDIR := $(BUILD)/obj

CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo y)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin-printf -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-strict-aliasing -fno-common \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
	-Iinclude -Iarch/x86/include -I$(BUILD)/include -MMD -MP
ifeq ($(CC_IS_CLANG),y)
CFLAGS += --target=x86_64-unknown-none-elf
endif
ASFLAGS := $(filter-out -std=gnu11,$(CFLAGS)) -D__ASSEMBLER__
LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 --build-id=none \
	--no-warn-rwx-segments -z noexecstack -T linker.ld

# Every .c and .S under these folders is part of the kernel: adding a file
# needs no Makefile change.
SRC_DIRS := arch/x86 kernel mm lib drivers fs tests/kernel
SRCS := $(sort $(shell find $(SRC_DIRS) -name '*.c' -o -name '*.S' 2>/dev/null))
OBJS := $(patsubst %,$(OBJDIR)/%.o,$(basename $(SRCS)))

KERNEL := $(BUILD)/kernel.elf

.PHONY: all run test iso debug clean deps
all: $(KERNEL)

$(BUILD)/include/generated/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define KESTREL_VERSION "$(KESTREL_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(OBJDIR)/%.o: %.c $(BUILD)/include/generated/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

# The kernel is linked twice so it can carry its own symbol table (for
# backtraces): pass 1 with an empty table, then nm's list of its text
# symbols becomes the table (tools/kallsyms) that pass 2 links in. The
# table sits last in .rodata, after all code, so no code moves between the
# passes; tools/kallsyms --compare fails the build if any text symbol did.
KALLSYMS := $(PYTHON) tools/kallsyms

$(BUILD)/kallsyms0.o: tools/kallsyms
	@mkdir -p $(dir $@)
	$(Q)$(KALLSYMS) --empty > $(BUILD)/kallsyms0.S
	$(Q)$(CC) $(ASFLAGS) -c $(BUILD)/kallsyms0.S -o $@

$(KERNEL): $(OBJS) $(BUILD)/kallsyms0.o linker.ld tools/check-layout.sh tools/kallsyms
	@$(if $(Q),echo "  LD      $@ (pass 1)")
	$(Q)$(LD) $(LDFLAGS) -o $(BUILD)/kernel.pass1.elf $(OBJS) $(BUILD)/kallsyms0.o
	$(Q)$(NM) -n -S --defined-only $(BUILD)/kernel.pass1.elf > $(BUILD)/kernel.pass1.nm
	@$(if $(Q),echo "  KSYM    $(BUILD)/kallsyms.S")
	$(Q)$(KALLSYMS) < $(BUILD)/kernel.pass1.nm > $(BUILD)/kallsyms.S
	$(Q)$(CC) $(ASFLAGS) -c $(BUILD)/kallsyms.S -o $(BUILD)/kallsyms.o
	@$(if $(Q),echo "  LD      $@ (pass 2)")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/kallsyms.o
	$(Q)$(NM) -n -S --defined-only $@ > $(BUILD)/kernel.nm
	$(Q)$(KALLSYMS) --compare $(BUILD)/kernel.pass1.nm $(BUILD)/kernel.nm || { rm -f $@; exit 1; }
	$(Q)sh tools/check-layout.sh $@

deps:
	$(Q)sh tools/deps.sh

QEMU := qemu-system-x86_64
QEMU_FLAGS := -accel tcg -m 256M -smp 2 -no-reboot -serial stdio -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

run: deps $(KERNEL)
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -append "console=ttyS0 $(APPEND)"

clean:
	rm -rf $(BUILD)

.PHONY: FORCE
FORCE:

-include $(OBJS:.o=.d)
