/*
 * hello: your first program on Kestrel.
 *
 * Every .c file under user/ is a static musl program, built without a
 * Makefile edit: `make` builds this one into build/user/hello and puts it
 * in the initramfs as /bin/hello. Boot
 * with `make run-kernel`, type `hello` at the prompt, then change the
 * text below, `make run-kernel` again and see your change.
 *
 * Each call here is a system call into the kernel: printf's write(2)
 * reaches sys_write (fs/read_write.c), exit_group(2) in do_group_exit
 * (kernel/exit.c).
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("Hello from user space, pid %d", (int)getpid());
	if (argc > 1)
		printf(", %s", argv[1]);
	printf("!\n");
	return 0;
}
