/* One trace reader (FUZZ_FORMAT, an enum sc_trace_format) on any input, read
 * to its end as run and convert read it. FUZZ_XZ: the input is xz-compressed
 * first (the first byte's low bit off), or handed over as raw bytes after an
 * xz magic (on): both the decoder and the parser behind it are reached.
 * FUZZ_NAME: the input's file name (blktrace's per-CPU files are STEM.N). */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "traces/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEVICE_SECTORS (UINT64_C(1) << 21)

static const char *input_file(const uint8_t *data, size_t size)
{
#ifdef FUZZ_XZ
	static const uint8_t magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	uint8_t *buf;
	size_t cap, pos = 0;
	const char *p;

	if (size == 0)
		return fuzz_write("t.xz", data, 0);
	cap = size + sizeof(magic) + lzma_stream_buffer_bound(size);
	buf = malloc(cap);
	if (buf == NULL)
		abort();
	if (data[0] & 1) {
		memcpy(buf, magic, sizeof(magic));
		memcpy(buf + sizeof(magic), data + 1, size - 1);
		pos = sizeof(magic) + size - 1;
	} else if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL, data + 1, size - 1, buf,
					   &pos, cap) != LZMA_OK) {
		abort();
	}
	p = fuzz_write("t.xz", buf, pos);
	free(buf);
	return p;
#elif defined(FUZZ_NAME)
	return fuzz_write(FUZZ_NAME, data, size); /* a reader that goes by the name */
#else
	return fuzz_write("t.trace", data, size);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_trace spec;
	struct trace_reader *r;
	struct trace_req q;
	struct cs_err err;
	uint64_t n = 0;

	memset(&spec, 0, sizeof(spec));
	spec.kind = SC_TRACE_FILE;
	spec.format = FUZZ_FORMAT;
	memcpy(spec.actions, "QD", 3);
	snprintf(spec.path, sizeof(spec.path), "%s", input_file(data, size));
	r = trace_open(&spec, NULL, DEVICE_SECTORS, 1, &err);
	if (r == NULL)
		return 0;
	while (trace_next(r, &q, &err) == 1) {
		/* what every consumer relies on */
		if (q.count > TRACE_MAX_SECTORS || q.count > DEVICE_SECTORS)
			abort();
		/* one line can cause at most TRACE_MAX_REQUEST / TRACE_MAX_SECTORS pieces */
		if (++n > size * (TRACE_MAX_REQUEST / TRACE_MAX_SECTORS) + 1)
			abort();
	}
	trace_close(r);
	return 0;
}
