/*
 * The first user program (tests/integration/exec_hello.sh): a static musl
 * binary run as /init that prints through write(2) and shows what exec
 * gave it: argc/argv, the environment and the auxiliary vector.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/reboot.h>
#include <unistd.h>

extern char **environ;

static void say(const char *s)
{
	write(1, s, strlen(s));
}

int main(int argc, char **argv)
{
	unsigned char *rnd = (unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int nonzero = 0;

	say("hello from user space\n");
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	printf("auxv pagesz=%lu phent=%lu phnum_ok=%d entry_ok=%d random_ok=%d execfn=%s\n",
	       getauxval(AT_PAGESZ), getauxval(AT_PHENT), getauxval(AT_PHNUM) > 0,
	       getauxval(AT_ENTRY) != 0, nonzero != 0, execfn ? execfn : "(none)");
	printf("auxv uid=%lu euid=%lu gid=%lu egid=%lu secure=%lu clktck=%lu base=%#lx\n",
	       getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID),
	       getauxval(AT_SECURE), getauxval(AT_CLKTCK), getauxval(AT_BASE));
	fflush(stdout);
	say("user space done\n");
	/* An init that returns panics the kernel, as on Linux: power off instead. */
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
