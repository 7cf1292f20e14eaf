# A hardware breakpoint, then detaching: the program runs to its end as without a debugger.
hbreak main
continue
info registers pc
detach
