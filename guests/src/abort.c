/* abort - @test @desc calls abort(): a WebAssembly unreachable trap under wasi-libc (SIGABRT natively) */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  fflush(stdout);
  abort();
}
