/* The stack pointer points below the SRAM (an overflowed stack): the push faults
 * (BusFault/MemManage escalated to HardFault), no handler. */
#include "vectors.h"
	ldr	r0, =0x20000000
	mov	sp, r0
	push	{r4, r5}
