/* Linked into every program wvisor cc links: wasi-libc starts a program in "/",
 * while wVisor's spawn passes the parent's working directory as PWD; a process
 * starts where its parent was, as on Linux. (This object is passed to the linker
 * directly, not through the archive, so the constructor is always kept.) */
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void wvisor_start_in_pwd(void) {
  const char *pwd = getenv("PWD");
  if (pwd && pwd[0] == '/') chdir(pwd);
}
