/* wVisor's overlay of <signal.h>: wasi-libc's signal numbers (Linux's) and types,
 * plus kill and killpg over the kernel's kill call. Signals have Linux's default
 * actions in wVisor; handlers, masks and sigaction come with the signals issue,
 * so signal() and raise() (which wasi-libc only has in -lwasi-emulated-signal,
 * a handler table inside the program that wVisor's kernel would never consult)
 * are marked unavailable rather than linked. */
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL
#define WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#endif
#include_next <signal.h>
#ifdef WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#undef _WASI_EMULATED_SIGNAL
#undef WVISOR_OVERLAY_DEFINED_EMULATED_SIGNAL
#endif

#ifndef WVISOR_OVERLAY_SIGNAL_H
#define WVISOR_OVERLAY_SIGNAL_H
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif

int kill(pid_t, int);
int killpg(pid_t, int);

void (*signal(int, void (*)(int)))(int)
    __attribute__((unavailable("wVisor has no signal handlers yet (they come with the signals issue); signals take their default actions")));
int raise(int)
    __attribute__((unavailable("wVisor's overlay has no raise() yet (it comes with the signals issue); kill(getpid(), sig) has the default action")));

#ifdef __cplusplus
}
#endif
#endif
