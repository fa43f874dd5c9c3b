/* The readers under test take paths: each input goes to a file in one
 * scratch folder per fuzzing process (removed at exit). */
#ifndef CSUMSIM_TESTS_FUZZ_FILE_H
#define CSUMSIM_TESTS_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The scratch folder, made on first use; aborts if it cannot be. */
const char *fuzz_dir(void);
/* Writes data to fuzz_dir()/name and returns that path (static storage). */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

#endif
