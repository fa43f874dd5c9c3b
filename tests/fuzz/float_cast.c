/* Proves the Sanitize build traps a double too large for a uint64 (UBSan's
 * float-cast-overflow, outside "undefined"): ctest expects this to fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	/* From argv so the compiler cannot fold the cast away. */
	double d = strtod(argc > 1 ? argv[1] : "1e19", NULL) * 10.0;
	uint64_t u = (uint64_t)d;
	printf("%llu\n", (unsigned long long)u);
	return 0;
}
