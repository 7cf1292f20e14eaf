/* Smallest vitsim program: one line on the UART, exit status 0. */
#include <stdio.h>

int main(void) {
    printf("hello from vitsim on %s\n", VITSIM_PROFILE_NAME);
    return 0;
}
