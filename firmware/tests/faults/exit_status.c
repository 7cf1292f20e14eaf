/* main's return value becomes the simulator's exit status (crt0 -> exit ->
 * SIMCTRL EXIT). */
#include <stdio.h>

int main(void) {
    printf("returning 37 from main\n");
    return 37;
}
