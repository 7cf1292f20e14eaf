/* Never terminates: the simulator's --max-cycles limit ends it (exit 114). */
int main(void) {
    for (;;) {
        __asm__ volatile("nop");
    }
}
