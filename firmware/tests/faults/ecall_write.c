/* Prints through the proxy ecall write (a7 = 64: fd a0, buffer a1, length
 * a2) on stdout and stderr, then returns 0. */
static long ecall_write(long fd, const char* buffer, long length) {
    register long a0 __asm__("a0") = fd;
    register long a1 __asm__("a1") = (long)buffer;
    register long a2 __asm__("a2") = length;
    register long a7 __asm__("a7") = 64;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

int main(void) {
    static const char out[] = "ecall write to stdout works\n";
    static const char err[] = "ecall write to stderr works\n";
    long n = ecall_write(1, out, sizeof out - 1);
    ecall_write(2, err, sizeof err - 1);
    /* write returns the number of bytes written */
    return n == (long)(sizeof out - 1) ? 0 : 1;
}
