/* A floating-point instruction (VADD.F32 s0, s0, s1): the parts are modelled without
 * an FPU, firmware is built soft-float: UsageFault NOCP, no handler. */
#include "vectors.h"
	movs	r0, #0
	.inst.w	0xee300a20
