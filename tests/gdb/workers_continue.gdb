# A breakpoint hit on a worker, then continue: the run's console (every fork's cycles,
# MAC/cycle and checksum) equals that of a run without gdb (session.sh compares).
# The breakpoint is passed 7 times (the forks onto 1, 2 and 4 cores: each crossing is
# a stop and a resume) and stops in the fork onto 8 cores, on whichever worker gets
# there first.
break gemm_kernel
ignore 1 7
continue
info threads
delete
continue
