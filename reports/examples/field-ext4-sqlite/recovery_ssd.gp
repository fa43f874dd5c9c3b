# Recovery after crashes, profile ssd: every sector ever written, read back
# after each crash state and classified by the oracle, per state explored.
# Re-plot: gnuplot recovery_ssd.gp
top = 'Recovery classes per crash state (profile ssd)'
set style data histograms
set style fill solid 0.85 border -1
set key outside right top noenhanced
set xtics noenhanced scale 0
set grid y
set style histogram rowstacked
set boxwidth 0.7
set ylabel 'sectors per crash state'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set terminal pngcairo size 1000,600 font 'Sans,10'
set output 'recovery_ssd.png'
set multiplot layout 2,1
set title top noenhanced
plot 'recovery_ssd.dat' using 2:xtic(1) lc rgb '#4daf4a' title 'correct', \
     '' using 3 lc rgb '#ff7f00' title 'stale', \
     '' using 4 lc rgb '#377eb8' title 'false positive', \
     '' using 5 lc rgb '#984ea3' title 'detected', \
     '' using 6 lc rgb '#e41a1c' title 'silent'
set title 'Without correct sectors'
plot 'recovery_ssd.dat' using 3:xtic(1) lc rgb '#ff7f00' title 'stale', \
     '' using 4 lc rgb '#377eb8' title 'false positive', \
     '' using 5 lc rgb '#984ea3' title 'detected', \
     '' using 6 lc rgb '#e41a1c' title 'silent'
unset multiplot
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'recovery_ssd.svg'
set multiplot layout 2,1
set title top noenhanced
plot 'recovery_ssd.dat' using 2:xtic(1) lc rgb '#4daf4a' title 'correct', \
     '' using 3 lc rgb '#ff7f00' title 'stale', \
     '' using 4 lc rgb '#377eb8' title 'false positive', \
     '' using 5 lc rgb '#984ea3' title 'detected', \
     '' using 6 lc rgb '#e41a1c' title 'silent'
set title 'Without correct sectors'
plot 'recovery_ssd.dat' using 3:xtic(1) lc rgb '#ff7f00' title 'stale', \
     '' using 4 lc rgb '#377eb8' title 'false positive', \
     '' using 5 lc rgb '#984ea3' title 'detected', \
     '' using 6 lc rgb '#e41a1c' title 'silent'
unset multiplot
unset output
