# Costs as ratios to the variant none on profile ssd (1 = no overhead).
# Top: costs, above 1 is worse; bottom: capacity and throughput, below 1 is
# worse. Log scale: ratios span orders of magnitude (a queue-bound latency
# ratio can reach 10^5); no bar: n/a, named under the metric.
# Re-plot: gnuplot overhead_ssd.gp
set style data histograms
set style fill solid 0.85 border -1
set key outside right top noenhanced
set xtics noenhanced scale 0
set grid y
set style histogram clustered gap 2
set ylabel 'ratio to none (log)'
set logscale y
set yrange [*:*]
set offsets 0, 0, graph 0.08, 0
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#000000'
set xtics rotate by -30
set terminal pngcairo size 1000,600 font 'Sans,10'
set output 'overhead_ssd.png'
set multiplot layout 2,1
set title 'Costs: above 1 is worse (profile ssd, log scale)' noenhanced
plot 'overhead_ssd.dat' index 0 using 2:xtic(1) lc 1 title 'rfc', \
     '' index 0 using 3 lc 2 title 'rfc-apart', \
     '' index 0 using 4 lc 3 title 'fixed', \
     '' index 0 using 5 lc 4 title 'fixed-strong', \
     '' index 0 using 6 lc 5 title 'journal', \
     '' index 0 using 7 lc 6 title 'bitmap', \
     '' index 0 using 8 lc 7 title 'dmi-journal', \
     '' index 0 using 9 lc 8 title 'dmi-bitmap', \
     '' index 0 using 10 lc 9 title 'dmi-direct', \
     '' index 0 using 11 lc 10 title 'none'
set title 'Capacity and throughput: below 1 is worse (profile ssd, log scale)' noenhanced
plot 'overhead_ssd.dat' index 1 using 2:xtic(1) lc 1 title 'rfc', \
     '' index 1 using 3 lc 2 title 'rfc-apart', \
     '' index 1 using 4 lc 3 title 'fixed', \
     '' index 1 using 5 lc 4 title 'fixed-strong', \
     '' index 1 using 6 lc 5 title 'journal', \
     '' index 1 using 7 lc 6 title 'bitmap', \
     '' index 1 using 8 lc 7 title 'dmi-journal', \
     '' index 1 using 9 lc 8 title 'dmi-bitmap', \
     '' index 1 using 10 lc 9 title 'dmi-direct', \
     '' index 1 using 11 lc 10 title 'none'
unset multiplot
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'overhead_ssd.svg'
set multiplot layout 2,1
set title 'Costs: above 1 is worse (profile ssd, log scale)' noenhanced
plot 'overhead_ssd.dat' index 0 using 2:xtic(1) lc 1 title 'rfc', \
     '' index 0 using 3 lc 2 title 'rfc-apart', \
     '' index 0 using 4 lc 3 title 'fixed', \
     '' index 0 using 5 lc 4 title 'fixed-strong', \
     '' index 0 using 6 lc 5 title 'journal', \
     '' index 0 using 7 lc 6 title 'bitmap', \
     '' index 0 using 8 lc 7 title 'dmi-journal', \
     '' index 0 using 9 lc 8 title 'dmi-bitmap', \
     '' index 0 using 10 lc 9 title 'dmi-direct', \
     '' index 0 using 11 lc 10 title 'none'
set title 'Capacity and throughput: below 1 is worse (profile ssd, log scale)' noenhanced
plot 'overhead_ssd.dat' index 1 using 2:xtic(1) lc 1 title 'rfc', \
     '' index 1 using 3 lc 2 title 'rfc-apart', \
     '' index 1 using 4 lc 3 title 'fixed', \
     '' index 1 using 5 lc 4 title 'fixed-strong', \
     '' index 1 using 6 lc 5 title 'journal', \
     '' index 1 using 7 lc 6 title 'bitmap', \
     '' index 1 using 8 lc 7 title 'dmi-journal', \
     '' index 1 using 9 lc 8 title 'dmi-bitmap', \
     '' index 1 using 10 lc 9 title 'dmi-direct', \
     '' index 1 using 11 lc 10 title 'none'
unset multiplot
unset output
