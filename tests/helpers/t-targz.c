/*
 * t-targz: drive lib/rk_targz from tests.
 *
 *   t-targz ARCHIVE MEMBER    print the member's bytes (as tar -xzOf)
 *
 * Errors: "t-targz: msg", exit 3; bad usage exits 2.
 */
#include "rk_common.h"

#include "rk_targz.h"

int main(int argc, char **argv)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_err err = {0};

	rk_msg_init("t-targz");
	if (argc != 3)
		rk_die(RK_EXIT_USAGE, "usage: t-targz ARCHIVE MEMBER");
	if (rk_targz_member(argv[1], argv[2], &b, &err) != 0)
		rk_die(3, "%s", err.msg);
	fwrite(b.data ? b.data : "", 1, b.len, stdout);
	rk_buf_release(&b);
	return 0;
}
