# User MiB completed (reads and writes) over simulated time, profile ssd, one
# line per variant, the trace replayed at its recorded times: a line that
# falls behind another is a variant that did not keep up; one that stops
# early stalled. Re-plot: gnuplot progress_ssd.gp
set title 'User MiB completed over time (profile ssd)' noenhanced
set key outside right top noenhanced
set grid
set xlabel 'simulated time (s)'
set ylabel 'MiB completed'
set yrange [0:*]
set terminal pngcairo size 1000,600 font 'Sans,10'
set output 'progress_ssd.png'
plot 'progress_ssd.dat' index 0 using 1:2 with lines lw 2 lc 1 dt 1 title 'rfc', \
     'progress_ssd.dat' index 1 using 1:2 with lines lw 2 lc 2 dt 2 title 'rfc-apart', \
     'progress_ssd.dat' index 2 using 1:2 with lines lw 2 lc 3 dt 3 title 'fixed', \
     'progress_ssd.dat' index 3 using 1:2 with lines lw 2 lc 4 dt 4 title 'fixed-strong', \
     'progress_ssd.dat' index 4 using 1:2 with lines lw 2 lc 5 dt 5 title 'journal', \
     'progress_ssd.dat' index 5 using 1:2 with lines lw 2 lc 6 dt 1 title 'bitmap', \
     'progress_ssd.dat' index 6 using 1:2 with lines lw 2 lc 7 dt 2 title 'dmi-journal', \
     'progress_ssd.dat' index 7 using 1:2 with lines lw 2 lc 8 dt 3 title 'dmi-bitmap', \
     'progress_ssd.dat' index 8 using 1:2 with lines lw 2 lc 9 dt 4 title 'dmi-direct', \
     'progress_ssd.dat' index 9 using 1:2 with lines lw 2 lc 10 dt 5 title 'none'
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'progress_ssd.svg'
plot 'progress_ssd.dat' index 0 using 1:2 with lines lw 2 lc 1 dt 1 title 'rfc', \
     'progress_ssd.dat' index 1 using 1:2 with lines lw 2 lc 2 dt 2 title 'rfc-apart', \
     'progress_ssd.dat' index 2 using 1:2 with lines lw 2 lc 3 dt 3 title 'fixed', \
     'progress_ssd.dat' index 3 using 1:2 with lines lw 2 lc 4 dt 4 title 'fixed-strong', \
     'progress_ssd.dat' index 4 using 1:2 with lines lw 2 lc 5 dt 5 title 'journal', \
     'progress_ssd.dat' index 5 using 1:2 with lines lw 2 lc 6 dt 1 title 'bitmap', \
     'progress_ssd.dat' index 6 using 1:2 with lines lw 2 lc 7 dt 2 title 'dmi-journal', \
     'progress_ssd.dat' index 7 using 1:2 with lines lw 2 lc 8 dt 3 title 'dmi-bitmap', \
     'progress_ssd.dat' index 8 using 1:2 with lines lw 2 lc 9 dt 4 title 'dmi-direct', \
     'progress_ssd.dat' index 9 using 1:2 with lines lw 2 lc 10 dt 5 title 'none'
unset output
