/* divzero - @test @desc divides an integer by zero: a WebAssembly trap (SIGFPE natively) */
#include <stdio.h>

int main(int argc, char **argv) {
  (void)argv;
  /* The divisor comes through a volatile so the compiler cannot fold or remove the division. */
  volatile int zero = argc - argc;
  volatile int dividend = 42;
  int q = dividend / zero;
  printf("divzero: 42 / 0 = %d, no fault\n", q);
  return 0;
}
