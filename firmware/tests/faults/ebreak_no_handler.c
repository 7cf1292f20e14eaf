/* ebreak with no trap handler: the simulator stops with exit code 113. */
int main(void) {
    __asm__ volatile("ebreak");
    return 1;
}
