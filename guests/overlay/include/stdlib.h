/* wVisor's overlay of <stdlib.h>: wasi-libc's, which declares system() without
 * defining it; the overlay's library defines it (posix_spawn of /bin/sh -c, then
 * waitpid; the result is a Linux wait status). */
#include_next <stdlib.h>

#ifndef WVISOR_OVERLAY_STDLIB_H
#define WVISOR_OVERLAY_STDLIB_H
#ifdef __cplusplus
extern "C" {
#endif
int system(const char *);
#ifdef __cplusplus
}
#endif
#endif
