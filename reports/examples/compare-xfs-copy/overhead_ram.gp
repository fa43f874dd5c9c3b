# Costs as ratios to the variant none on profile ram (1 = no overhead;
# throughput below 1 is a slowdown). Log scale: ratios span orders of magnitude
# (a queue-bound latency ratio can reach 10^5); a ratio of 0 is not drawn.
# Re-plot: gnuplot overhead_ram.gp
set title 'Overhead vs none (profile ram, log scale)' noenhanced
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
set output 'overhead_ram.png'
plot 'overhead_ram.dat' using 2:xtic(1) lc 1 title 'rfc', \
     '' using 3 lc 2 title 'rfc-copy', \
     '' using 4 lc 3 title 'fixed', \
     '' using 5 lc 4 title 'fixed-strong', \
     '' using 6 lc 5 title 'single', \
     '' using 7 lc 6 title 'journal', \
     '' using 8 lc 7 title 'bitmap', \
     '' using 9 lc 8 title 'none'
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'overhead_ram.svg'
plot 'overhead_ram.dat' using 2:xtic(1) lc 1 title 'rfc', \
     '' using 3 lc 2 title 'rfc-copy', \
     '' using 4 lc 3 title 'fixed', \
     '' using 5 lc 4 title 'fixed-strong', \
     '' using 6 lc 5 title 'single', \
     '' using 7 lc 6 title 'journal', \
     '' using 8 lc 7 title 'bitmap', \
     '' using 9 lc 8 title 'none'
unset output
