// System is the one target above the C wrappers that calls the C library, and it is written for
// Linux's Glibc; another platform fails here, at one line, rather than in each file that uses it.
#if !canImport(Glibc)
#error("System is written for Linux (Glibc): port its clock, sleep, files and processes first")
#endif
