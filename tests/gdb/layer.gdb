# Stop where layer 1 begins: right after the SIMCTRL LAYER_BEGIN store; then detach.
monitor break-layer 1
continue
echo STOPPED-AT-LAYER\n
info registers pc
monitor break-layer off
continue
