# User MiB completed (reads and writes) over simulated time, profile hdd, one
# line per variant, the trace replayed at its recorded times: a line that
# falls behind another is a variant that did not keep up; one that stops
# early stalled. Re-plot: gnuplot progress_hdd.gp
set title 'User MiB completed over time (profile hdd)' noenhanced
set key outside right top noenhanced
set grid
set xlabel 'simulated time (s)'
set ylabel 'MiB completed'
set yrange [0:*]
set terminal pngcairo size 1000,600 font 'Sans,10'
set output 'progress_hdd.png'
plot 'progress_hdd.dat' index 0 using 1:2 with lines lw 2 lc 1 dt 1 title 'rfc', \
     'progress_hdd.dat' index 1 using 1:2 with lines lw 2 lc 2 dt 2 title 'rfc-copy', \
     'progress_hdd.dat' index 2 using 1:2 with lines lw 2 lc 3 dt 3 title 'fixed', \
     'progress_hdd.dat' index 3 using 1:2 with lines lw 2 lc 4 dt 4 title 'fixed-strong', \
     'progress_hdd.dat' index 4 using 1:2 with lines lw 2 lc 5 dt 5 title 'single', \
     'progress_hdd.dat' index 5 using 1:2 with lines lw 2 lc 6 dt 1 title 'journal', \
     'progress_hdd.dat' index 6 using 1:2 with lines lw 2 lc 7 dt 2 title 'bitmap', \
     'progress_hdd.dat' index 7 using 1:2 with lines lw 2 lc 8 dt 3 title 'none'
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'progress_hdd.svg'
plot 'progress_hdd.dat' index 0 using 1:2 with lines lw 2 lc 1 dt 1 title 'rfc', \
     'progress_hdd.dat' index 1 using 1:2 with lines lw 2 lc 2 dt 2 title 'rfc-copy', \
     'progress_hdd.dat' index 2 using 1:2 with lines lw 2 lc 3 dt 3 title 'fixed', \
     'progress_hdd.dat' index 3 using 1:2 with lines lw 2 lc 4 dt 4 title 'fixed-strong', \
     'progress_hdd.dat' index 4 using 1:2 with lines lw 2 lc 5 dt 5 title 'single', \
     'progress_hdd.dat' index 5 using 1:2 with lines lw 2 lc 6 dt 1 title 'journal', \
     'progress_hdd.dat' index 6 using 1:2 with lines lw 2 lc 7 dt 2 title 'bitmap', \
     'progress_hdd.dat' index 7 using 1:2 with lines lw 2 lc 8 dt 3 title 'none'
unset output
