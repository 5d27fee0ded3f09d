/*
 * t-core: drive the core lib modules (rk_buf, rk_sha256, rk_msg) from bats.
 *
 *   t-core sha256-buf TEXT         digest of TEXT
 *   t-core sha256-stdin            digest of stdin (read with rk_buf_read_fp)
 *   t-core sha256-file PATH        digest of a file
 *   t-core sha256-tree DIR         tree digest
 *   t-core getline                 echo stdin lines as "<len>:<nl>" (length, had newline)
 *   t-core addf N                  rk_buf_addf with a string of N 'x' (growth)
 *   t-core atomic PATH TEXT        rk_write_file_atomic
 *   t-core err SOURCE LINE COL MSG print an rk_err via rk_err_print
 *   t-core die CODE MSG            rk_die
 */
#include "rk_common.h"
#include "rk_sha256.h"

static int usage(void)
{
	fputs("usage: t-core COMMAND ARGS (see the source)\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	char hex[RK_SHA256_HEX];
	struct rk_buf b = RK_BUF_INIT;

	rk_msg_init(argv[0]);
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "sha256-buf") && argc == 3) {
		rk_sha256_buf(argv[2], strlen(argv[2]), hex);
		puts(hex);
	} else if (!strcmp(argv[1], "sha256-stdin") && argc == 2) {
		if (rk_buf_read_fp(&b, stdin) != 0)
			rk_die(1, "read: %s", strerror(errno));
		rk_sha256_buf(b.data, b.len, hex);
		puts(hex);
	} else if (!strcmp(argv[1], "sha256-file") && argc == 3) {
		if (rk_sha256_file(argv[2], hex) != 0)
			rk_die(1, "%s: %s", argv[2], strerror(errno));
		puts(hex);
	} else if (!strcmp(argv[1], "sha256-tree") && argc == 3) {
		if (rk_sha256_tree(argv[2], hex) != 0)
			rk_die(1, "%s: %s", argv[2], strerror(errno));
		puts(hex);
	} else if (!strcmp(argv[1], "getline") && argc == 2) {
		int nl, rc;
		while ((rc = rk_buf_getline(&b, stdin, &nl)) == 1)
			printf("%zu:%d\n", b.len, nl);
		if (rc < 0)
			rk_die(1, "read: %s", strerror(errno));
	} else if (!strcmp(argv[1], "addf") && argc == 3) {
		long n = strtol(argv[2], NULL, 10);
		char *s = rk_xmalloc((size_t)n + 1);
		memset(s, 'x', (size_t)n);
		s[n] = '\0';
		rk_buf_addf(&b, "[%s]", s);
		rk_buf_addf(&b, "%d", 42);
		printf("%zu %c%c %s\n", b.len, b.data[0], b.data[b.len - 3], b.data + b.len - 2);
		free(s);
	} else if (!strcmp(argv[1], "atomic") && argc == 4) {
		if (rk_write_file_atomic(argv[2], argv[3], strlen(argv[3]), 0644) != 0)
			rk_die(1, "%s: %s", argv[2], strerror(errno));
	} else if (!strcmp(argv[1], "err") && argc == 6) {
		struct rk_err e;
		rk_err_set(&e, argv[2], atol(argv[3]), atol(argv[4]), "%s", argv[5]);
		rk_err_print(&e);
	} else if (!strcmp(argv[1], "die") && argc == 4) {
		rk_die(atoi(argv[2]), "%s", argv[3]);
	} else {
		return usage();
	}
	rk_buf_release(&b);
	return rk_finish(0);
}
