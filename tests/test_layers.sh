#!/usr/bin/env bash
# The folders' layering (DEVELOPERS.md, "Shape"): data flows one way, so a
# folder includes headers of the folders below it only. faults/ reaches the
# media and the clock through faults/media_if.h and faults/clock_if.h, which
# sim/ wires: it includes no header of sim/. A violation names file:line.
set -euo pipefail
src="${CSUMSIM_SRC:?CSUMSIM_SRC: the source directory}"
cd "$src"
# folder: the project folders its files may include (besides itself)
declare -A may=(
	[util]=""
	[core]="util"
	[scenarios]="core util"
	[traces]="core scenarios util"
	[reports]="core scenarios util"
	[faults]="core reports scenarios util"
	[sim]="core faults reports scenarios traces util"
	[cli]="core faults reports scenarios sim traces util"
)
bad=0
for dir in "${!may[@]}"; do
	allowed=" $dir ${may[$dir]} "
	while IFS=: read -r file line text; do
		inc=${text#*\"}
		inc=${inc%%\"*}
		top=${inc%%/*}
		[ "$top" = "$inc" ] && continue # a header beside the file
		case "$allowed" in *" $top "*) continue ;; esac
		[ -d "$top" ] || continue # not a project folder
		echo "FAIL: $file:$line: $dir/ includes $inc ($dir/ may include: ${may[$dir]:-nothing})" >&2
		bad=1
	done < <(grep -Hn '^#include "' "$dir"/*.[ch] || true)
done
# and the check itself sees every folder with sources
for dir in */; do
	dir=${dir%/}
	ls "$dir"/*.c >/dev/null 2>&1 || continue
	case " tests bench build " in *" $dir "*) continue ;; esac
	[ -n "${may[$dir]+x}" ] || { echo "FAIL: folder $dir/ has no layering rule here" >&2; bad=1; }
done
exit $bad
