/*
 * replay.c: a main() for the libFuzzer targets, so `make test` runs every target over its
 * seed corpus (tests/fuzz/corpus/<target>/) with the plain and the sanitizer build, no
 * clang or libFuzzer needed: each FILE argument is read whole and passed once to
 * LLVMFuzzerTestOneInput. A target's assertion traps (abort), so a wrong answer fails the
 * run; tests/cli/t13-fuzz-seeds.sh drives it. `make fuzz` explores new inputs instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0, got;
	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if (!(buf = realloc(buf, cap)))
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf ? buf : (const unsigned char *)"", n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= replay(argv[i]);
	return rc;
}
