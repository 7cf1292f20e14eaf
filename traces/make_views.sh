#!/bin/bash
# Makes the GTKWave views (traces/stm32.gtkw, traces/gap9.gtkw) from eegformer's
# traces, with GTKWave itself under Xvfb (traces/make_view.tcl), and the README's
# screenshots (docs/img/gtkwave_eegformer.png, docs/img/gtkwave_eegformer_gap9.png). Needs gtkwave, xvfb, netpbm (Debian packages).
#   bash traces/make_views.sh [build/sim/vitsim]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vitsim=${1:-$root/build/sim/vitsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

view() {  # family soc memories power-domains cluster-cores
    "$vitsim" run --net eegformer --soc "$2" --fst "$work/$1.fst" > /dev/null
    VIEW_OUT="$work/$1.gtkw" VIEW_MEMORIES="$3" VIEW_POWER="$4" VIEW_WORKERS="$5" xvfb-run -a gtkwave -S "$root/traces/make_view.tcl" "$work/$1.fst" > /dev/null 2>&1
    # The view is of any trace of the family: no file name, no date.
    grep -v '^\[dumpfile\|^\[savefile\|^\[\*\] [A-Z][a-z][a-z] ' "$work/$1.gtkw" |
        sed 's/^soc\.\([a-z0-9_]*\)\.accesses/+{\1 accesses} &/' |
        sed 's/^soc\.cluster\.core\([0-9]*\)\.\([a-z_]*\)/+{worker\1 \2} &/' |
        sed 's/^\[size\] .*/[size] 1200 850/' |
        sed "1s/.*/[*] vitsim view for $1 profiles (eegformer on $2, zoom fitted): gtkwave TRACE traces\/$1.gtkw/" \
        > "$root/traces/$1.gtkw"
}
view stm32 stm32f746 "itcm flash sram qspi" "soc" 0
view gap9 gap9 "l2 mram l1" "soc cluster" 8

# Screenshots: GTKWave on a virtual screen, its frame buffer converted to PNG.
screenshot() {  # family picture
    mkdir -p "$work/fb" "$root/docs/img"
    Xvfb :97 -screen 0 1200x860x24 -fbdir "$work/fb" > /dev/null 2>&1 &
    local xvfb=$!
    sleep 1
    DISPLAY=:97 gtkwave "$work/$1.fst" "$root/traces/$1.gtkw" > /dev/null 2>&1 &
    local wave=$!
    sleep 6
    xwdtopnm "$work/fb/Xvfb_screen0" 2>/dev/null | pnmtopng > "$root/docs/img/$2"
    kill $wave $xvfb 2> /dev/null
    wait $wave $xvfb 2> /dev/null || true
}
screenshot stm32 gtkwave_eegformer.png
screenshot gap9 gtkwave_eegformer_gap9.png
