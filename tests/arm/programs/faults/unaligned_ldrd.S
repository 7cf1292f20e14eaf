/* LDRD from an address that is not word aligned: UsageFault UNALIGNED (LDRD/STRD
 * fault whatever CCR.UNALIGN_TRP says), no handler. */
#include "vectors.h"
	ldr	r2, =0x20000002
	ldrd	r0, r1, [r2]
