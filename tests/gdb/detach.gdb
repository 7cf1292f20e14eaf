# Detaching lets the program run to its end as without a debugger.
info registers pc
detach
