#include "test.h"
#include "common/buf.h"
#include "common/error.h"

static void run_tests(void)
{
	struct da_buf b = DA_BUF_INIT(8);
	char *p;
	size_t n;

	is_str(da_buf_str(&b), "", "an unused buffer reads as empty");
	is_int(da_buf_adds(&b, "abcd"), 0, "append within the ceiling");
	is_int(da_buf_addf(&b, "%d%s", 12, "ef"), 0,
	       "formatted append to exactly the ceiling");
	is_str(da_buf_str(&b), "abcd12ef", "contents after appends");
	is_int(da_buf_addch(&b, 'x'), -DA_ELIMIT,
	       "one byte past the ceiling is refused");
	is_str(da_buf_str(&b), "abcd12ef",
	       "a refused append leaves the buffer unchanged");
	is_int(da_buf_addf(&b, "%s", "long text"), -DA_ELIMIT,
	       "formatted append past the ceiling is refused");
	da_buf_truncate(&b, 2);
	is_str(da_buf_str(&b), "ab", "truncate shortens");
	da_buf_truncate(&b, 10);
	is_int(b.len, 2, "truncate never lengthens");
	is_int(da_buf_add(&b, "\0z", 2), 0, "binary bytes are kept");
	is_int(b.len, 4, "length counts the NUL byte");
	p = da_buf_detach(&b, &n);
	ok(p && n == 4 && p[2] == '\0' && p[3] == 'z',
	   "detach hands over the bytes");
	free(p);
	ok(b.data == NULL && b.len == 0, "detach empties the buffer");
	p = da_buf_detach(&b, NULL);
	is_str(p, "", "detach of an empty buffer yields an empty string");
	free(p);
	da_buf_reset(&b);
	da_buf_release(&b);
	da_buf_release(NULL);

	{
		struct da_buf big;
		size_t i;
		int r = 0;

		da_buf_init(&big, 0);
		for (i = 0; i < 100000 && r == 0; i++)
			r = da_buf_addf(&big, "%zu,", i);
		is_int(r, 0, "the default ceiling allows large buffers");
		has_str(da_buf_str(&big), "99999,",
			"large buffer holds the last item");
		da_buf_release(&big);
	}
}
