# vitsim run: stop where layer 2 begins, see where the interpreter is, detach.
monitor break-layer 2
continue
bt 2
print index
detach
