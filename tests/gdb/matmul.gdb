# Stop at the kernel; registers, a variable, a step, a watchpoint on the kernel's
# output, a read watchpoint on its input; run to the end.
break matmul_simd
continue
info registers pc
p/x rng_state
p a[0][0] != 0
set $before = $pc
stepi
p $pc != $before
watch c_simd[0][0]
continue
delete
rwatch a[0][0]
continue
delete
continue
