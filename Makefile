# Kestrel: build, run and test.
#
#   make            build build/kernel.elf, the kernel (and the initramfs)
#   make kernel-test build/kernel-test.elf: the same kernel plus the in-kernel
#                   tests (tests/kernel) and the test hooks (ktest=, crashtest=, locktest=)
#   make run        install missing packages, build, boot the ISO in QEMU
#                   (serial on this terminal, a window if there is a display)
#   make run-kernel boot build/kernel.elf directly (APPEND="..." adds to the command line)
#   make test       install missing packages, build, run every test (tools/run-tests)
#   make ktest T=GLOB  only the in-kernel tests whose suite.name matches GLOB
#                   (T='vfs.*'), in both machines make test boots
#   make lab LAB=name   a student's tree for a lab (labs/, docs/labs/) in
#                   build/lab-name (OUT=dir elsewhere)
#   make grade LAB=name run that lab's tests in this tree and print the score
#   make iso        build/kestrel.iso (GRUB, BIOS and UEFI); test-iso: the test variant
#   make user       the user programs (user/, musl-gcc -static) in build/user/
#   make initramfs  build/initramfs.cpio: /init, /bin, /tests (+ busybox if installed)
#   make compat-initramfs  build/compat.cpio: that plus Debian's programs (tests/compat)
#   make user-tests-native  run the user-space tests on this Linux host
#   make debug      the kernel built -Og (build/debug/), paused in QEMU with gdb attached
#                   (ISO=1: through GRUB; docs/debugging.md)
#   make host-tests build the host unit tests (tests/host)
#   make compile_commands.json   the compile database for editors
#   make bench      bench/bench.c under Kestrel and under Debian's Linux: ns/op and ratios
#   make profile    BENCH=NAME under the sampling profiler: build/profile/NAME.svg
#   make clean      remove build/
#
# Options: V=1 shows commands; CROSS_COMPILE=prefix- picks a toolchain;
# CC=clang builds with clang (linking is always done by ld directly);
# KTEST=y makes the test kernel the one `make`, run-kernel and debug use.
# Changing the compiler or flags rebuilds everything (build/flags).

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
OBJDUMP := $(CROSS_COMPILE)objdump
PYTHON ?= python3

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD := build
OBJDIR := $(BUILD)/obj

CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo y)

# Warnings are errors, for the kernel and the host tests alike. With
# -Wmissing-prototypes a function another file calls has its prototype in
# a header and any other is static; -Wshadow: no local hides another name.
WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow

# make debug builds with -Og in its own folder (OPTFLAGS=-Og).
OPTFLAGS ?= -O2
CFLAGS := -std=gnu11 $(OPTFLAGS) -g $(WARNINGS) -Wno-unused-parameter \
	-ffreestanding -fno-builtin-printf -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-strict-aliasing -fno-strict-overflow -fno-common \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
	-Iinclude -Iarch/x86/include -I$(BUILD)/include -I$(BUILD)/include/generated -MMD -MP
# LOCKDEP=n builds without the lock validator (benchmarks; lockdep=off at boot does it too).
LOCKDEP ?= y
ifeq ($(LOCKDEP),y)
CFLAGS += -DCONFIG_LOCKDEP
endif
ifeq ($(CC_IS_CLANG),y)
CFLAGS += --target=x86_64-unknown-none-elf
# The same rule for variables (gcc 12 lacks the option): a global another
# file uses is declared in a header, any other is static.
CFLAGS += -Wmissing-variable-declarations
endif
ASFLAGS := $(filter-out -std=gnu11,$(CFLAGS)) -D__ASSEMBLER__
LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 --build-id=none \
	--no-warn-rwx-segments -z noexecstack -T linker.ld

# Two kernels from one tree. build/kernel.elf is the kernel: every .c and
# .S under SRC_DIRS except the test-only files of KTEST_SRCS (adding a file
# needs no Makefile change). build/kernel-test.elf is the same objects plus
# KTEST_SRCS: the ktest runner, the crashtest= and locktest= triggers and
# every in-kernel test. Test code hooks itself into boot through initcalls
# and linker tables (include/kestrel/init.h, ktest.h), never through an
# #ifdef, so a shared object is the same in both kernels and is built once.
SRC_DIRS := arch/x86 kernel mm lib drivers fs block
KTEST_SRCS := kernel/crashtest.c kernel/locking/locktest.c kernel/debug/debugtest.c kernel/ktest.c \
	$(sort $(shell find tests/kernel -name '*.c' -o -name '*.S' 2>/dev/null))
# The vDSO's own code is user code, linked into a shared object (below), not into the kernel.
VDSO_SRCS := arch/x86/entry/vdso/vclock_gettime.c arch/x86/entry/vdso/vgetcpu.c
SRCS := $(filter-out $(KTEST_SRCS) $(VDSO_SRCS),$(sort $(shell find $(SRC_DIRS) -name '*.c' -o -name '*.S' 2>/dev/null)))
objs_of = $(patsubst %,$(OBJDIR)/%.o,$(basename $(1)))
OBJS := $(call objs_of,$(SRCS))
KTEST_OBJS := $(call objs_of,$(KTEST_SRCS))

KERNEL := $(BUILD)/kernel.elf
TEST_KERNEL := $(BUILD)/kernel-test.elf
INITRAMFS := $(BUILD)/initramfs.cpio	# user space: see "user space" below
# The kernel run-kernel and debug boot (KTEST=y: the test kernel).
ifeq ($(KTEST),y)
RUN_KERNEL := $(TEST_KERNEL)
else
RUN_KERNEL := $(KERNEL)
endif

.PHONY: all kernel-test run run-kernel test ktest lab grade iso test-iso debug debug-kernels clean deps host-tests bench profile user \
	initramfs compat-initramfs user-tests-native fuzz soak
all: $(RUN_KERNEL) $(INITRAMFS)
kernel-test: $(TEST_KERNEL)

$(BUILD)/include/generated/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define KESTREL_VERSION "$(KESTREL_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The compiler, linker and their flags: a change (say CC=clang after a gcc
# build) rebuilds every object instead of mixing the two.
$(BUILD)/flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(CFLAGS) | $(ASFLAGS) | $(LD) $(LDFLAGS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The system calls: arch/x86/entry/syscalls/syscall_64.tbl is their one
# list. tools/syscalltbl makes asm/unistd_64.h (the __NR_* numbers) and
# asm/syscalls_64.h (the rows, which arch/x86/entry/syscall_64.c turns
# into the dispatch and name tables) in build/include/generated/, and
# before each link checks that every row's entry point has its
# SYSCALL_DEFINE and every SYSCALL_DEFINE its row (docs/process.md).
SYSCALL_TBL := arch/x86/entry/syscalls/syscall_64.tbl
SYSCALLTBL := $(PYTHON) tools/syscalltbl
GEN_SYSCALL_HEADERS := $(BUILD)/include/generated/asm/unistd_64.h \
	$(BUILD)/include/generated/asm/syscalls_64.h

$(BUILD)/include/generated/asm/%_64.h: $(SYSCALL_TBL) tools/syscalltbl
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SYSTBL  $@")
	$(Q)$(SYSCALLTBL) $* $(SYSCALL_TBL) > $@.tmp && mv $@.tmp $@

$(BUILD)/syscalltbl.checked: $(OBJS) $(SYSCALL_TBL) tools/syscalltbl
	@$(if $(Q),echo "  SYSCHK  $(SYSCALL_TBL)")
	$(Q)$(SYSCALLTBL) check --nm $(NM) $(SYSCALL_TBL) $(OBJS)
	@touch $@

# Generated headers come first (order-only); after that each object's .d
# file lists the ones it includes, so a change rebuilds only those objects.
GEN_HEADERS := $(BUILD)/include/generated/version.h $(GEN_SYSCALL_HEADERS)

$(OBJDIR)/%.o: %.c $(BUILD)/flags | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OBJDIR)/%.o: %.S $(BUILD)/flags | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

# Each kernel is linked twice so it can carry its own symbol and line
# tables (for backtraces with file:line): pass 1 with empty tables, then
# nm's list of its text symbols and the DWARF line table objdump decodes
# become the tables (tools/kallsyms) that pass 2 links in. The tables sit
# last in .rodata, after all code, so no code moves between the passes;
# tools/kallsyms --compare fails the build if any text symbol did.
# Beside build/NAME.elf: NAME.pass1.elf, NAME.pass1.nm, NAME.lines (the
# decoded line table), NAME.kallsyms.S, and NAME.nm (the final symbol list).
KALLSYMS := $(PYTHON) tools/kallsyms

$(BUILD)/kallsyms0.o: tools/kallsyms $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(Q)$(KALLSYMS) --empty > $(BUILD)/kallsyms0.S
	$(Q)$(CC) $(ASFLAGS) -c $(BUILD)/kallsyms0.S -o $@

# kernel_rule ELF, OBJECTS: link ELF from OBJECTS in two passes.
define kernel_rule
$(1): $(2) $(BUILD)/kallsyms0.o linker.ld tools/check-layout.sh tools/kallsyms $(BUILD)/flags \
		$(BUILD)/syscalltbl.checked
	@$$(if $$(Q),echo "  LD      $$@ (pass 1)")
	$$(Q)$$(LD) $$(LDFLAGS) -o $(1:.elf=.pass1.elf) $(2) $(BUILD)/kallsyms0.o
	$$(Q)$$(NM) -n -S --defined-only $(1:.elf=.pass1.elf) > $(1:.elf=.pass1.nm)
	@$$(if $$(Q),echo "  KSYM    $(1:.elf=.kallsyms.S)")
	$$(Q)$$(OBJDUMP) --dwarf=decodedline --wide $(1:.elf=.pass1.elf) > $(1:.elf=.lines)
	$$(Q)$$(KALLSYMS) --lines $(1:.elf=.lines) --image $(1) < $(1:.elf=.pass1.nm) \
		> $(1:.elf=.kallsyms.S)
	$$(Q)$$(CC) $$(ASFLAGS) -c $(1:.elf=.kallsyms.S) -o $(1:.elf=.kallsyms.o)
	@$$(if $$(Q),echo "  LD      $$@ (pass 2)")
	$$(Q)$$(LD) $$(LDFLAGS) -o $$@ $(2) $(1:.elf=.kallsyms.o)
	$$(Q)$$(NM) -n -S --defined-only $$@ > $(1:.elf=.nm)
	$$(Q)$$(NM) -n $$@ > $(1:.elf=.System.map)
	$$(Q)$$(KALLSYMS) --compare $(1:.elf=.pass1.nm) $(1:.elf=.nm) || { rm -f $$@; exit 1; }
	$$(Q)sh tools/check-layout.sh $$@
endef
$(eval $(call kernel_rule,$(KERNEL),$(OBJS)))
$(eval $(call kernel_rule,$(TEST_KERNEL),$(OBJS) $(KTEST_OBJS)))

# ---------------------------------------------------------------- the vDSO
# linux-vdso.so.1 (arch/x86/entry/vdso/): the time functions and getcpu,
# compiled as position-independent user code and linked with vdso.lds into
# a real shared object, which vdso-image.S embeds in the kernel. A
# relocation in it would be a bug (nobody relocates the vDSO): checked.
VDSO := $(BUILD)/vdso
VDSO_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fPIC -fno-stack-protector -fno-common -fno-jump-tables -fno-omit-frame-pointer \
	-fasynchronous-unwind-tables -mcmodel=small -mgeneral-regs-only -mno-sse -mno-mmx \
	-Iinclude -Iarch/x86/include $(if $(filter y,$(CC_IS_CLANG)),--target=x86_64-unknown-linux-gnu)
VDSO_OBJS := $(patsubst arch/x86/entry/vdso/%.c,$(VDSO)/%.o,$(VDSO_SRCS))

$(VDSO)/%.o: arch/x86/entry/vdso/%.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  VDSOCC  $<")
	$(Q)$(CC) $(VDSO_CFLAGS) -MMD -MP -c $< -o $@

$(VDSO)/vdso.so: $(VDSO_OBJS) arch/x86/entry/vdso/vdso.lds
	@$(if $(Q),echo "  VDSO    $@")
	$(Q)$(LD) -m elf_x86_64 -shared -soname=linux-vdso.so.1 --hash-style=both --eh-frame-hdr \
		-Bsymbolic --no-undefined -z max-page-size=4096 -z noexecstack --build-id=none \
		-T arch/x86/entry/vdso/vdso.lds -o $@.dbg $(VDSO_OBJS)
	$(Q)if readelf -rW $@.dbg | grep -q '^Relocation section'; then \
		echo "vdso: $@.dbg has relocations" >&2; readelf -rW $@.dbg >&2; exit 1; fi
	$(Q)$(OBJCOPY) -S $@.dbg $@

$(OBJDIR)/arch/x86/entry/vdso/vdso-image.o: $(VDSO)/vdso.so
$(OBJDIR)/arch/x86/entry/vdso/vdso-image.o: ASFLAGS += -DVDSO_IMAGE='"$(VDSO)/vdso.so"'

deps:
	$(Q)sh tools/deps.sh

# ---------------------------------------------------------------- user space
# Every .c file under user/ (user/rootfs/ holds files, not programs) is
# one static musl program: user/X.c -> build/user/X, user/D/X.c ->
# build/user/D/X (no Makefile change for a new file or folder).
# user/tests/*.c are the user-space tests (user/tests/harness.h), run by
# /init with kestrel.test=GLOB; user/testprogs/*.c are programs those tests
# and the integration tests run (crashers, exec targets). See docs/testing.md.
USER_CC ?= musl-gcc
USER_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -pthread
USER_BUILD := $(BUILD)/user
USER_SRCS := $(sort $(shell find user -name '*.c' -not -path 'user/rootfs/*'))
USER_PROGS := $(patsubst user/%.c,$(USER_BUILD)/%,$(USER_SRCS))

$(BUILD)/user-flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_CC) $(USER_CFLAGS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(USER_BUILD)/%: user/%.c user/tests/harness.h $(BUILD)/user-flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  USERCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -o $@ $<

# The system-call fuzzer (tests/fuzz, docs/security.md): /testprogs/fuzz,
# with the table's rows from syscall_64.tbl (every call, implemented or not).
FUZZ_PROG := $(USER_BUILD)/testprogs/fuzz
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
$(BUILD)/fuzz/syscall_list.h: arch/x86/entry/syscalls/syscall_64.tbl
	@mkdir -p $(dir $@)
	$(Q)awk '/^[0-9]/ { printf "\tSC_ROW(%s, %s) \\\n", $$1, $$3 } \
		BEGIN { print "/* generated from syscall_64.tbl by the Makefile */"; print "#define SC_ROWS \\" } \
		END { print "" }' $< > $@.tmp && mv $@.tmp $@
$(FUZZ_PROG): $(FUZZ_SRCS) tests/fuzz/fuzz.h $(BUILD)/fuzz/syscall_list.h $(BUILD)/user-flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  USERCC  $@")
	$(Q)$(USER_CC) $(USER_CFLAGS) -I$(BUILD)/fuzz -o $@ $(FUZZ_SRCS)
USER_PROGS += $(FUZZ_PROG)

user: $(USER_PROGS)

# The initramfs: a cpio newc archive of /init, /bin (user/bin and the
# shell as ksh), /tests, /testprogs, user/rootfs/, and Debian's
# busybox-static with its applet links when $(BUSYBOX) is a static binary.
BUSYBOX ?= /bin/busybox
ROOTFS_FILES := $(shell find user/rootfs -type f 2>/dev/null)
$(INITRAMFS): $(USER_PROGS) $(ROOTFS_FILES) tools/mkinitramfs.sh $(wildcard $(BUSYBOX))
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)sh tools/mkinitramfs.sh $@ $(USER_BUILD) $(BUSYBOX)

initramfs: $(INITRAMFS)

# The compat tests' initramfs (tests/compat, tests/integration/compat.sh):
# the one above plus Debian's dash, coreutils, grep and sed from this host
# with the libraries ldd lists, and tests/compat/*.c built against glibc.
COMPAT_INITRAMFS := $(BUILD)/compat.cpio
COMPAT_FILES := $(wildcard tests/compat/*)
$(COMPAT_INITRAMFS): $(INITRAMFS) $(COMPAT_FILES) tools/mkcompat.sh
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)sh tools/mkcompat.sh $@ $(INITRAMFS:.cpio=.d)

compat-initramfs: $(COMPAT_INITRAMFS)

# The tests' expectations are Linux's: every one must pass here too.
user-tests-native: $(USER_PROGS)
	$(Q)$(USER_BUILD)/init kestrel.test='$(or $(GLOB),*)' kestrel.testdir=$(USER_BUILD)/tests

# ---------------------------------------------------------------- ISO images
# build/kestrel.iso boots the kernel through GRUB under BIOS and UEFI.
# build/kestrel-test.iso holds the test kernel with a grub.cfg that runs a
# few ktests and powers off, for tests/integration/iso_*.sh.
ISO_IMAGE := $(BUILD)/kestrel.iso
TEST_ISO_IMAGE := $(BUILD)/kestrel-test.iso
GRUB_MKRESCUE ?= grub-mkrescue

$(ISO_IMAGE): $(KERNEL) iso/grub.cfg $(INITRAMFS) tools/mkiso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)sh tools/mkiso.sh $@ $(KERNEL) iso/grub.cfg $(GRUB_MKRESCUE) $(INITRAMFS)

$(TEST_ISO_IMAGE): $(TEST_KERNEL) iso/grub-test.cfg tools/mkiso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)sh tools/mkiso.sh $@ $(TEST_KERNEL) iso/grub-test.cfg $(GRUB_MKRESCUE)

iso: $(ISO_IMAGE)
test-iso: $(TEST_ISO_IMAGE)

# ---------------------------------------------------------------- running
# `make run` boots the ISO: serial on this terminal (Ctrl-A X quits), and a
# window showing the framebuffer console when there is a display.
# `make run-kernel APPEND="..."` boots build/kernel.elf directly (faster,
# any command line; KTEST=y boots build/kernel-test.elf, for ktest=GLOB).
# ACCEL=kvm uses KVM; QEMU_EXTRA adds QEMU options.
QEMU := qemu-system-x86_64
ACCEL ?= tcg
MEM ?= 512M
SMP ?= 2
QEMU_EXTRA ?=
QEMU_RUN_FLAGS := -accel $(ACCEL) -m $(MEM) -smp $(SMP) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMU_EXTRA)
ifneq ($(DISPLAY)$(WAYLAND_DISPLAY),)
QEMU_CONSOLE := -serial mon:stdio
else
QEMU_CONSOLE := -nographic
endif

run: deps $(ISO_IMAGE)
	@echo "Booting $(ISO_IMAGE) (Ctrl-A X quits QEMU)"
	-$(QEMU) $(QEMU_RUN_FLAGS) $(QEMU_CONSOLE) -cdrom $(ISO_IMAGE)

run-kernel: deps $(RUN_KERNEL) $(INITRAMFS)
	@echo "Booting $(RUN_KERNEL) (Ctrl-A X quits QEMU)"
	-$(QEMU) $(QEMU_RUN_FLAGS) $(QEMU_CONSOLE) -kernel $(RUN_KERNEL) -initrd $(INITRAMFS) \
		-append "console=ttyS0 $(APPEND)"

# ---------------------------------------------------------------- debugging
# `make debug` builds the kernel a second time with -Og in build/debug/
# (the normal build stays -O2), so gdb shows locals and arguments, boots
# it as run-kernel does (the initramfs, APPEND, QEMU_EXTRA, MEM, SMP)
# paused at the first instruction with QEMU's gdb stub on a free port,
# and runs gdb with tools/gdb/kestrel.gdb attached (tools/qemu-debug).
# ISO=1 boots build/debug/kernel.iso through GRUB instead (APPEND goes
# into its grub.cfg). KTEST=y debugs the test kernel. GDBFLAGS adds gdb
# options (GDBFLAGS="-x my.gdb"). Quitting gdb ends QEMU, and a QEMU an
# earlier session left behind is ended first. See docs/debugging.md.
GDB ?= gdb
GDBFLAGS ?=
DEBUG_BUILD := $(BUILD)/debug
DEBUG_MAKE = $(MAKE) --no-print-directory BUILD=$(DEBUG_BUILD) OPTFLAGS=-Og
DEBUG_KERNEL := $(DEBUG_BUILD)/kernel.elf
DEBUG_TEST_KERNEL := $(DEBUG_BUILD)/kernel-test.elf
DEBUG_RUN_KERNEL := $(DEBUG_BUILD)/$(notdir $(RUN_KERNEL))
DEBUG_ISO_IMAGE := $(DEBUG_RUN_KERNEL:.elf=.iso)
DEBUG_SERIAL ?= $(DEBUG_BUILD)/serial.log

# The -Og kernels are built by a make of their own (BUILD=build/debug);
# it decides whether anything changed.
$(DEBUG_KERNEL) $(DEBUG_TEST_KERNEL): FORCE
	+$(Q)$(DEBUG_MAKE) $@

# Both in one make (two at once would race on build/debug/obj).
debug-kernels:
	+$(Q)$(DEBUG_MAKE) $(DEBUG_KERNEL) $(DEBUG_TEST_KERNEL)

# The ISO's grub.cfg with APPEND added to the kernel's command line.
$(DEBUG_BUILD)/grub.cfg: iso/grub.cfg FORCE
	@mkdir -p $(dir $@)
	@sed 's|console=ttyS0 console=tty0|& $(APPEND)|' iso/grub.cfg > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(DEBUG_ISO_IMAGE): $(DEBUG_RUN_KERNEL) $(DEBUG_BUILD)/grub.cfg $(INITRAMFS) tools/mkiso.sh
	@$(if $(Q),echo "  ISO     $@")
	$(Q)sh tools/mkiso.sh $@ $(DEBUG_RUN_KERNEL) $(DEBUG_BUILD)/grub.cfg $(GRUB_MKRESCUE) $(INITRAMFS)

ifeq ($(ISO),1)
debug: deps $(DEBUG_ISO_IMAGE)
	$(Q)tools/qemu-debug -k $(DEBUG_RUN_KERNEL) -c $(DEBUG_ISO_IMAGE) \
		-o $(DEBUG_SERIAL) -p $(DEBUG_BUILD)/qemu.pid -g '$(GDBFLAGS)' -- \
		-accel $(ACCEL) -m $(MEM) -smp $(SMP) $(QEMU_EXTRA)
else
debug: deps $(DEBUG_RUN_KERNEL) $(INITRAMFS)
	$(Q)tools/qemu-debug -k $(DEBUG_RUN_KERNEL) -i $(INITRAMFS) -a '$(APPEND)' \
		-o $(DEBUG_SERIAL) -p $(DEBUG_BUILD)/qemu.pid -g '$(GDBFLAGS)' -- \
		-accel $(ACCEL) -m $(MEM) -smp $(SMP) $(QEMU_EXTRA)
endif

# ---------------------------------------------------------------- fuzzing
# `make fuzz SEEDS=N` (a count, or a comma list; CALLS per seed and uid,
# UIDS): a long run of the system-call fuzzer, judged like a test
# (tools/run-fuzz, docs/security.md). Not part of `make test`.
SEEDS ?= 4
CALLS ?= 100000
UIDS ?= 1000,0
fuzz: deps $(KERNEL) $(INITRAMFS)
	$(Q)tools/run-fuzz '$(SEEDS)' '$(CALLS)' '$(UIDS)'

# `make soak SOAK_TIME=SECONDS` (default 1800): the fuzzer, the user-space
# tests and block workloads at once under -smp 8, then the leak check
# (tools/run-soak, docs/security.md). Not part of `make test`.
SOAK_TIME ?= 1800
soak: deps $(KERNEL) $(INITRAMFS)
	$(Q)tools/run-soak '$(SOAK_TIME)'

# ---------------------------------------------------------------- benchmarks
# bench/bench.c as /init under Kestrel and under Debian's Linux in the same
# QEMU; prints ns/op for both and the ratio. Not part of `make test`.
bench: deps $(KERNEL)
	$(Q)bench/run
	$(Q)bench/disk-run

# `make profile BENCH=stat` boots that benchmark alone under Kestrel with
# the sampling profiler on (PROFILE_HZ per CPU, default 2000) and writes
# build/profile/stat.svg, its flame graph (docs/profiling.md).
BENCH ?= stat
PROFILE_HZ ?= 2000
profile: deps $(KERNEL)
	$(Q)bench/profile $(BENCH) $(PROFILE_HZ)

# ---------------------------------------------------------------- tests
# Host unit tests: tests/host/<name>_test.c with the kernel sources named
# on its "HOST_SOURCES:" line, built with the host compiler and the
# sanitizers into build/host/<name>_test (see docs/testing.md).
HOSTCC ?= gcc
HOST_CFLAGS := -std=gnu11 -g -O1 $(WARNINGS) -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-ffreestanding -fno-builtin \
	-Itests/host/include -Iinclude -Iarch/x86/include -I$(BUILD)/include \
	-include tests/host/rename.h -MMD -MP
HOST_TEST_SRCS := $(sort $(wildcard tests/host/*_test.c))
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(HOST_TEST_SRCS))
host_sources = $(shell sed -n 's|.*HOST_SOURCES:\([^*]*\).*|\1|p' $(1))

$(BUILD)/host/obj/%.o: %.c $(BUILD)/include/generated/version.h tests/host/rename.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

# The framework itself uses the C library, so it is built without renaming.
$(BUILD)/host/obj/tests/host/htest.o: tests/host/htest.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOSTCC) -std=gnu11 -g -O1 $(WARNINGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all -c $< -o $@

define host_test_rule
$(BUILD)/host/$(1): $(BUILD)/host/obj/tests/host/$(1).o $(BUILD)/host/obj/tests/host/htest.o \
		$(patsubst %.c,$(BUILD)/host/obj/%.o,$(call host_sources,tests/host/$(1).c))
	@$$(if $$(Q),echo "  HOSTLD  $$@")
	$$(Q)$$(HOSTCC) -fsanitize=address,undefined -o $$@ $$^
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(notdir $(t)))))

host-tests: $(HOST_TESTS)

# Everything `make test` needs built, then every test (tools/run-tests).
# The ktests and the integration tests that use test hooks boot the test
# kernel; the user-space, ISO and boot-to-init tests boot the kernel itself.
test: deps $(KERNEL) $(TEST_KERNEL) $(INITRAMFS) $(COMPAT_INITRAMFS) $(ISO_IMAGE) $(TEST_ISO_IMAGE) host-tests \
		debug-kernels
	$(Q)tools/run-tests

# One suite (or any glob of suite.name) of the in-kernel tests, as the
# ktest layer of make test runs them: make ktest T='printk.*'.
ktest: deps $(TEST_KERNEL)
	$(Q)KTEST_GLOB='$(or $(T),*)' tools/run-tests ktest

# ---------------------------------------------------------------- labs
# labs/NAME/lab.conf: which functions the student writes, which tests
# grade them (labs/README.md). `make lab` copies the tree with those
# functions stubbed out (tools/mklab); `make grade`, run in such a tree
# (or this one, the reference solution), boots the lab's tests and prints
# the score (tools/grade).
lab:
	$(if $(LAB),,$(error make lab LAB=name: one of $(patsubst labs/%/lab.conf,%,$(wildcard labs/*/lab.conf))))
	$(Q)tools/mklab $(LAB) $(or $(OUT),$(BUILD)/lab-$(LAB))

grade: deps $(TEST_KERNEL) $(INITRAMFS)
	$(if $(LAB),,$(error make grade LAB=name))
	$(Q)tools/grade $(LAB)

# ---------------------------------------------------------------- editors
# compile_commands.json from the real compile commands (make -n -B).
compile_commands.json: FORCE
	$(Q)$(PYTHON) tools/gen-compile-commands.py $(MAKE) > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(BUILD) compile_commands.json

.PHONY: FORCE
FORCE:

-include $(OBJS:.o=.d) $(KTEST_OBJS:.o=.d) $(VDSO_OBJS:.o=.d) $(shell find $(BUILD)/host -name "*.d" 2>/dev/null)
