/* wVisor's overlay: a 64-bit sigset_t (bit n-1 is signal n, as the kernel's
 * masks; guests/include/wvisor.h). wasi-libc's placeholder is one byte. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef struct { unsigned long long __bits; } sigset_t;
#endif
