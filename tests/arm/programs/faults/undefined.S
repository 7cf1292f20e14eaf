/* A permanently UNDEFINED instruction (UDF #7): UsageFault UNDEFINSTR, no handler. */
#include "vectors.h"
	movs	r0, #1
	udf	#7
