/*
 * crashtest=: a test hook that crashes the kernel on purpose after init, so
 * tests/integration/oops_*.sh can check the oops report from the host.
 *
 *	crashtest=pagefault	read an unmapped kernel address (#PF)
 *	crashtest=ud2		execute an invalid opcode (#UD)
 *	crashtest=divzero	divide by zero (#DE)
 *	crashtest=gpf		read a non-canonical address (#GP)
 *	crashtest=stackoverflow	recurse without end on a kernel stack with a
 *				guard page (#PF that cannot be delivered: #DF)
 *	crashtest=nx		call into a data page (#PF: NX violation)
 *	crashtest=warn		WARN_ON(1), then carry on
 *	crashtest=refcount	a refcount_t put below 0 and incremented past
 *				INT_MAX: saturates and warns, then carry on
 *	crashtest=panic		panic()
 *
 * Never use it outside tests: it is meant to take the machine down.
 */
#ifndef KESTREL_CRASHTEST_H
#define KESTREL_CRASHTEST_H

/* Crash as crashtest= asks (returns for "warn", without crashtest=, or if the crash did not happen). */
void crashtest_run(void);

#endif
