# Detection rate = detected / (detected + silent + stale) per fault type and
# variant, profile ssd; error bars: Wilson 95% interval. No bar: n/a (named
# under the fault type); a 0% bar has its error bar.
# Left out (no fault reached a read): none
# Re-plot: gnuplot outcomes_ssd.gp (in this directory).
set title 'Detection rate by fault type (profile ssd)' noenhanced
set style data histograms
set style fill solid 0.85 border -1
set key outside right top noenhanced
set xtics noenhanced scale 0
set grid y
set style histogram errorbars gap 2 lw 1
set ylabel 'detection rate (%)'
set yrange [0:105]
set xtics rotate by -30
set terminal pngcairo size 1000,600 font 'Sans,10'
set output 'outcomes_ssd.png'
plot 'outcomes_ssd.dat' using 2:3:4:xtic(1) lc 1 title 'rfc', \
     '' using 5:6:7 lc 2 title 'rfc-apart', \
     '' using 8:9:10 lc 3 title 'fixed', \
     '' using 11:12:13 lc 4 title 'fixed-strong', \
     '' using 14:15:16 lc 5 title 'journal', \
     '' using 17:18:19 lc 6 title 'bitmap', \
     '' using 20:21:22 lc 7 title 'dmi-journal', \
     '' using 23:24:25 lc 8 title 'dmi-bitmap', \
     '' using 26:27:28 lc 9 title 'dmi-direct', \
     '' using 29:30:31 lc 10 title 'none'
set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'
set output 'outcomes_ssd.svg'
plot 'outcomes_ssd.dat' using 2:3:4:xtic(1) lc 1 title 'rfc', \
     '' using 5:6:7 lc 2 title 'rfc-apart', \
     '' using 8:9:10 lc 3 title 'fixed', \
     '' using 11:12:13 lc 4 title 'fixed-strong', \
     '' using 14:15:16 lc 5 title 'journal', \
     '' using 17:18:19 lc 6 title 'bitmap', \
     '' using 20:21:22 lc 7 title 'dmi-journal', \
     '' using 23:24:25 lc 8 title 'dmi-bitmap', \
     '' using 26:27:28 lc 9 title 'dmi-direct', \
     '' using 29:30:31 lc 10 title 'none'
unset output
