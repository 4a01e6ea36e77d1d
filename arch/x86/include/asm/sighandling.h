/* Signal frames (arch/x86/kernel/signal.c) as other code needs to know them. */
#ifndef ASM_SIGHANDLING_H
#define ASM_SIGHANDLING_H

/* Bytes one handler frame may take on the user stack (AT_MINSIGSTKSZ). */
unsigned long get_sigframe_size(void);

#endif
