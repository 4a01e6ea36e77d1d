/* locktest=: provoke a lock validator report on purpose (kernel/locking/locktest.c). */
#ifndef KESTREL_LOCKTEST_H
#define KESTREL_LOCKTEST_H

/* After boot: do what locktest= asks (nothing without it). */
void locktest_run(void);

#endif
