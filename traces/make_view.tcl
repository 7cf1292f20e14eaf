# GTKWave script that makes a view (save file) of a vitsim trace: the signals grouped,
# names as text, counts as analog steps, the zoom fitted to the whole run. Run by
# traces/make_views.sh under Xvfb; the save files it writes are committed in traces/.
#   gtkwave -S traces/make_view.tcl TRACE.fst
#   env: VIEW_OUT = the save file, VIEW_MEMORIES = "flash sram ...",
#        VIEW_POWER = "soc cluster" (power domains), VIEW_WORKERS = cluster cores (0: none)
proc add_group {name signals format} {
    gtkwave::/Edit/UnHighlight_All
    set added [gtkwave::addSignalsFromList $signals]
    # Highlighting needs a vector's range in its name.
    set names {}
    foreach s $signals { lappend names $s "$s\[31:0\]" }
    gtkwave::highlightSignalsFromList $names
    if {$format ne ""} { gtkwave::$format }
    gtkwave::/Edit/Create_Group $name
    gtkwave::/Edit/UnHighlight_All
}
set core {soc.core0.state soc.core0.layer soc.core0.phase soc.core0.pc}
set activity {soc.core0.instructions soc.core0.stall_cycles}
set dma {soc.dma0.busy soc.dma0.bytes_in_flight}
set plan {soc.plan.live_bytes soc.plan.planned_bytes}
set memories {}
foreach m $::env(VIEW_MEMORIES) { lappend memories soc.$m.accesses }
set power {soc.power.total_uw}
foreach d $::env(VIEW_POWER) { lappend power soc.power.${d}_uw }
add_group "core0" $core ""
add_group "core0 per quantum" $activity "/Edit/Data_Format/Analog/Step"
if {$::env(VIEW_WORKERS) > 0} {
    set workers {}
    set worker_activity {}
    for {set i 0} {$i < $::env(VIEW_WORKERS)} {incr i} {
        lappend workers soc.cluster.core$i.state
        lappend worker_activity soc.cluster.core$i.instructions
    }
    add_group "cluster cores" $workers ""
    add_group "cluster instructions per quantum" $worker_activity "/Edit/Data_Format/Analog/Step"
    add_group "cluster dma" {soc.cluster.dma.busy soc.cluster.dma.bytes} "/Edit/Data_Format/Decimal"
}
add_group "dma0" $dma "/Edit/Data_Format/Decimal"
add_group "power (uW)" $power "/Edit/Data_Format/Analog/Step"
add_group "plan (SRAM bytes)" $plan "/Edit/Data_Format/Analog/Step"
add_group "memory accesses per quantum" $memories "/Edit/Data_Format/Analog/Step"
gtkwave::/Time/Zoom/Zoom_Full
gtkwave::/File/Write_Save_File $::env(VIEW_OUT)
gtkwave::/File/Quit
