/* segv - @test @desc reads far outside memory: a WebAssembly out-of-bounds trap (SIGSEGV natively) */
#include <stdint.h>
#include <stdio.h>

int main(void) {
  /* 0xfffffff0 is past the end of any 32-bit wasm memory below 4 GiB, and unmapped in a
   * native 64-bit process. volatile keeps the compiler from reasoning about the load. */
  volatile uintptr_t addr = 0xfffffff0u;
  int v = *(volatile int *)addr;
  printf("segv: read %d, no fault\n", v);
  return 0;
}
