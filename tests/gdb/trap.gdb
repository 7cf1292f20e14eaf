# A fault with no handler: the target stops with SIGSEGV and the trap in words; the
# next continue ends the session and vitsim exits 113 as without a debugger.
continue
info registers pc
continue
