/* false - @desc does nothing, unsuccessfully (exit 1) */
int main(void) { return 1; }
