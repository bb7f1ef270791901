/* true - @desc does nothing, successfully (exit 0) */
int main(void) { return 0; }
