/*
 * ktests for exec's pure parts: the ELF header and program-header checks
 * (fs/binfmt_elf.c: anything malformed is -ENOEXEC) and the #! line
 * parser (fs/binfmt_script.c). Loading real programs is tested by the
 * integration tests tests/integration/exec_*.sh.
 */
#include <kestrel/binfmts.h>
#include <kestrel/elf.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>

/* A well-formed static program like musl-gcc's: text at 0x401000, data+bss after. */
static void good_elf(Elf64_Ehdr *eh, Elf64_Phdr ph[3])
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x40127a;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	memset(ph, 0, 3 * sizeof(*ph));
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
			      .p_vaddr = 0x401000, .p_filesz = 0x4036, .p_memsz = 0x4036 };
	/* Unaligned offset and vaddr (congruent mod 4096) and a bss: musl's data segment. */
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x6fc0,
			      .p_vaddr = 0x407fc0, .p_filesz = 0x150, .p_memsz = 0x7e8 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
}

KTEST(exec, elf_good_headers_accepted)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned long lo, hi;

	good_elf(&eh, ph);
	KEXPECT_EQ(elf_check_ehdr(&eh), 0);
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), 0);
	KEXPECT_EQ(lo, 0x401000UL);
	KEXPECT_EQ(hi, 0x409000UL);	/* page-aligned end of 0x407fc0 + 0x7e8 */
	eh.e_type = ET_DYN;		/* PIE: same checks */
	KEXPECT_EQ(elf_check_ehdr(&eh), 0);
}

KTEST(exec, elf_bad_file_header_enoexec)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];

	good_elf(&eh, ph);
	eh.e_ident[1] = 'e';
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_ident[EI_CLASS] = 1;	/* ELFCLASS32 */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_ident[EI_DATA] = 2;	/* big endian */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_type = 1;			/* ET_REL: an object file */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_type = 4;			/* ET_CORE */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_machine = 3;		/* EM_386 */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_phentsize = 32;
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_phnum = 0;
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_phnum = 0xffff;		/* more than 64 KiB of program headers */
	KEXPECT_EQ(elf_check_ehdr(&eh), -ENOEXEC);
}

KTEST(exec, elf_bad_program_headers_enoexec)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned long lo, hi;

	good_elf(&eh, ph);
	ph[1].p_filesz = ph[1].p_memsz + 1;	/* more file than memory */
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[1].p_offset += 8;			/* offset and vaddr disagree modulo the page */
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[1].p_vaddr = TASK_SIZE_MAX - 0x40;	/* beyond user space */
	ph[1].p_offset = ph[1].p_vaddr & 0xfff;
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[1].p_vaddr = 0xfffffffffffff000UL;	/* vaddr + memsz wraps */
	ph[1].p_offset = 0;
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[1].p_vaddr = 0x402000;		/* overlaps the text segment */
	ph[1].p_offset = 0x2000;
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[0].p_type = ph[1].p_type = PT_NULL;	/* nothing to load */
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	ph[2].p_type = PT_INTERP;		/* two interpreters */
	ph[0].p_type = PT_INTERP;
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
	good_elf(&eh, ph);
	eh.e_entry = 0x300000;			/* entry outside the image */
	KEXPECT_EQ(elf_check_phdrs(&eh, ph, &lo, &hi), -ENOEXEC);
}

KTEST(exec, script_line_parsed_as_linux)
{
	char buf[BINPRM_BUF_SIZE];
	char *name, *arg;

	strlcpy(buf, "#!/bin/sh\necho hi\n", sizeof(buf));
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), 0);
	KEXPECT_STREQ(name, "/bin/sh");
	KEXPECT(arg == NULL);

	/* Blanks around the name; the argument is the rest with trailing blanks cut (one argument). */
	strlcpy(buf, "#! \t/usr/bin/env  python3 -u  \t\nx", sizeof(buf));
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), 0);
	KEXPECT_STREQ(name, "/usr/bin/env");
	KEXPECT_STREQ(arg, "python3 -u");

	strlcpy(buf, "#!/bin/busybox sh", sizeof(buf));	/* no newline: whole file is the line */
	memset(buf + strlen(buf), 0, sizeof(buf) - strlen(buf));
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), 0);
	KEXPECT_STREQ(name, "/bin/busybox");
	KEXPECT_STREQ(arg, "sh");
}

KTEST(exec, script_bad_line_enoexec)
{
	char buf[BINPRM_BUF_SIZE];
	char *name, *arg;

	strlcpy(buf, "#!\n/bin/sh\n", sizeof(buf));		/* no interpreter */
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), -ENOEXEC);
	strlcpy(buf, "#!   \t \n", sizeof(buf));
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), -ENOEXEC);
	strlcpy(buf, "# !/bin/sh\n", sizeof(buf));		/* not a #! line */
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), -ENOEXEC);

	/* An interpreter name running past the buffer may be cut off: refused. */
	memset(buf, 'a', sizeof(buf));
	buf[0] = '#';
	buf[1] = '!';
	buf[2] = '/';
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), -ENOEXEC);
	/* But a long argument is only cut: the name is complete. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "#!/bin/sh ", 10);
	KEXPECT_EQ(script_parse_line(buf, sizeof(buf), &name, &arg), 0);
	KEXPECT_STREQ(name, "/bin/sh");
	KEXPECT_EQ(strlen(arg), (size_t)(BINPRM_BUF_SIZE - 11));
}
