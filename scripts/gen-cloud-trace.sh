#!/usr/bin/env bash
# Writes a synthetic excerpt in the real format of a public cloud block
# trace set, deterministic for a seed, for the readers' tests:
#   alibaba: io_traces.csv of the Alibaba block traces 2020 (schema: the
#            alibaba/block-traces README): device_id,opcode,offset,length,
#            timestamp; bytes; microseconds (Unix time).
#   tencent: the Tencent CBS traces (SNIA IOTTA; format: the set's README):
#            Timestamp,Offset,Size,IOType,VolumeID; Unix seconds; sectors;
#            0 read, 1 write.
#   spc:     the SPC trace file format (Storage Performance Council spec
#            rev. 1.0.1, as the UMass OLTP traces use it): ASU,LBA,Size,
#            Opcode,Timestamp; 512-byte blocks; bytes; r/w; decimal seconds.
# The values are made up (a seeded Park-Miller generator over 3 devices, 4 KiB-aligned
# offsets in 1 GiB, 4-64 KiB sizes, times rising); the layout is the real one.
# Usage: gen-cloud-trace.sh alibaba|tencent|spc LINES SEED > FILE
set -euo pipefail
fmt=${1:?alibaba, tencent or spc}
lines=${2:?number of lines}
seed=${3:-1}
awk -v fmt="$fmt" -v n="$lines" -v seed="$seed" '
# Park-Miller: every product stays below 2^53, exact in any awk
function rnd(m) { state = (state * 16807) % 2147483647; return state % m }
BEGIN {
	state = seed % 2147483646 + 1
	if (fmt == "alibaba") print "device_id,opcode,offset,length,timestamp"
	t_us = 1577808000000000; t_s = 1538323200
	for (i = 0; i < n; i++) {
		dev = rnd(3); op = rnd(10) < 3 ? 0 : 1
		off = rnd(262144) * 8          # sectors, 4 KiB aligned, < 1 GiB
		len = (1 + rnd(16)) * 8        # 4..64 KiB in sectors
		t_us += rnd(2000); if (rnd(50) == 0) t_s += 1
		if (fmt == "alibaba")
			printf "%d,%s,%.0f,%d,%.0f\n", dev, op ? "W" : "R", off * 512, len * 512, t_us
		else if (fmt == "spc")
			printf "%d,%d,%d,%s,%.6f\n", dev, off, len * 512, op ? "w" : "r",
			       (t_us - 1577808000000000) / 1e6
		else
			printf "%.0f,%d,%d,%d,%d\n", t_s, off, len, op, 1000 + dev
	}
}'
