# The cluster's worker cores as gdb threads (gap9, matmul_cluster on 8 cores): stop
# the FC right after its fork onto 8 cores returned, list the threads, look at two
# workers' registers (each has its own stack in L1, VS_CLUSTER_STACK_BYTES apart),
# write one of a worker's registers and read it back, and run to the end.
break vs_cluster_fork_n if $a0 == 8
continue
finish
info threads
thread 4
info symbol $pc
set $sp_core2 = $sp
thread 5
info symbol $pc
p $sp_core2 - $sp
p $sp != $sp_core2
set $t6_core3 = $t6
set var $t6 = 0x5eed
thread 4
p $t6 != 0x5eed
thread 5
p/x $t6
set var $t6 = $t6_core3
thread 1
p $sp > $sp_core2 || $sp < $sp_core2 - 8 * 1024
info symbol $pc
delete
continue
