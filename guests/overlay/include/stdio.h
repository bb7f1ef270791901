/* wVisor's overlay of <stdio.h>: wasi-libc's, plus popen and pclose (posix_spawn
 * of /bin/sh -c). */
#include_next <stdio.h>

#ifndef WVISOR_OVERLAY_STDIO_H
#define WVISOR_OVERLAY_STDIO_H
#ifdef __cplusplus
extern "C" {
#endif
FILE *popen(const char *, const char *);
int pclose(FILE *);
#ifdef __cplusplus
}
#endif
#endif
