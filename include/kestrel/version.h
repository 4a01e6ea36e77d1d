/* KESTREL_VERSION comes from build/include/generated/version.h (the Makefile). */
#ifndef KESTREL_VERSION_H
#define KESTREL_VERSION_H
#include <generated/version.h>
#endif
