/*
 * replay.c: runs a fuzz target over files, without libFuzzer.
 *
 * Linked with each tests/fuzz/fuzz-*.c so that `make test` replays the
 * corpus under ASan and UBSan with the ordinary compiler. Every argument
 * is a file; each is read whole and handed to LLVMFuzzerTestOneInput once.
 * A sanitizer report aborts the process, so the exit status says it all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Corpus files are small by design; a larger one is a mistake. */
#define REPLAY_MAX_INPUT ((size_t)16 << 20)

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL, *exact = NULL;
	size_t len = 0, n;
	int ret = -1;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		return -1;
	}
	data = malloc(REPLAY_MAX_INPUT + 1);
	if (!data)
		goto out;
	while ((n = fread(data + len, 1, REPLAY_MAX_INPUT + 1 - len, f)) > 0)
		len += n;
	if (ferror(f) || len > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: cannot read '%s' (over 16 MiB?)\n",
			path);
		goto out;
	}
	/*
	 * As libFuzzer does, hand over a copy of exactly len bytes, so that
	 * ASan sees a read one byte past the input.
	 */
	exact = malloc(len ? len : 1);
	if (!exact)
		goto out;
	memcpy(exact, data, len);
	LLVMFuzzerTestOneInput(exact, len);
	ret = 0;
out:
	free(exact);
	free(data);
	fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++)
		if (replay(argv[i]) < 0)
			failed++;
	return failed ? 1 : 0;
}
