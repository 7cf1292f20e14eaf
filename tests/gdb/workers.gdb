# The cluster's worker cores as debug targets (gap9, matmul_cluster on 8 cores): a
# breakpoint in the kernel the workers run stops the first worker that reaches it (the
# fork onto 1 core: cluster core 0, thread 2) and gdb switches to it; stepi twice on
# that worker; next; a watchpoint on an element of C that the workers write stops on
# the worker that wrote it (core 0 in the fork onto 1 core, the FC's memset, then core
# 1 in the fork onto 2 cores: C's rows 32..63 are its half); the element equals the
# reference; a read watchpoint on a word of A's row 40 stops core 1 when it loads
# it for its next output block; then no breakpoints and the run ends as without gdb.
break gemm_kernel
continue
info threads
info symbol $pc
set $pc0 = $pc
stepi
p $pc - $pc0 == 2 || $pc - $pc0 == 4
set $pc1 = $pc
stepi
p $pc - $pc1 == 2 || $pc - $pc1 == 4
info symbol $pc
thread
next
thread
delete
set $c = ((struct gemm_args *) p)->c
set $a = ((struct gemm_args *) p)->a
watch -l $c[40 * 32]
continue
p $c[40 * 32] == c_ref[40][0]
p/d c_ref[40][0]
continue
continue
thread
p $c[40 * 32] == c_ref[40][0]
delete
rwatch -l $a[40 * 64]
continue
thread
delete
continue
