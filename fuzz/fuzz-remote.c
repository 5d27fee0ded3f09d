/*
 * fuzz-remote: the remote-cache client's handling of responses. A server
 * thread on 127.0.0.1 answers every request with the fuzz input as the raw
 * HTTP response (status line, headers, body: anything); the client does a
 * GET of an AC entry (into memory, capped), a GET of a CAS blob (streamed
 * to a file, capped, checked against its digest), a HEAD and a PUT. Small
 * caps make the size limits reachable. Nothing may crash, and a blob that
 * is accepted must hash to its digest.
 */
#define _GNU_SOURCE /* memmem */
#include "rk_common.h"
#include "rk_remote.h"
#include "rk_sha256.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *resp;
static size_t resp_len;
static int lfd = -1;
static char url[64], tmpfile_[64];

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		char buf[4096];
		int c = accept(lfd, NULL, NULL);
		struct timeval tv = {0, 200000};
		size_t got = 0;
		if (c < 0)
			continue;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		/* read the request head (and a little body) */
		while (got < sizeof(buf)) {
			ssize_t n = recv(c, buf + got, sizeof(buf) - got, 0);
			if (n <= 0)
				break;
			got += (size_t)n;
			if (memmem(buf, got, "\r\n\r\n", 4))
				break;
		}
		pthread_mutex_lock(&mu);
		if (resp_len)
			(void)!write(c, resp, resp_len);
		pthread_mutex_unlock(&mu);
		shutdown(c, SHUT_RDWR);
		close(c);
	}
	return NULL;
}

static void setup(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	pthread_t th;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &al) != 0)
		abort();
	snprintf(url, sizeof(url), "http://u:p@127.0.0.1:%d/pool", ntohs(a.sin_port));
	snprintf(tmpfile_, sizeof(tmpfile_), "/tmp/fuzz-remote.XXXXXX");
	fd = mkstemp(tmpfile_);
	if (fd < 0)
		abort();
	close(fd);
	setenv("RK_REMOTE_MAX_AC", "4096", 1);
	setenv("RK_REMOTE_MAX_BLOB", "8192", 1);
	if (pthread_create(&th, NULL, serve, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char hex[] =
		"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
	struct rk_remote r;
	struct rk_buf out = RK_BUF_INIT;
	struct rk_err err;

	if (lfd < 0)
		setup();
	pthread_mutex_lock(&mu);
	free(resp);
	resp = malloc(size ? size : 1);
	memcpy(resp, data, size);
	resp_len = size;
	pthread_mutex_unlock(&mu);

	if (rk_remote_init(&r, url, &err) != 0)
		abort();
	r.timeout_ms = 1000;
	(void)rk_remote_get(&r, "ac", hex, &out);
	r.disabled = 0;
	if (rk_remote_get_file(&r, "cas", hex, tmpfile_) == 1) {
		char got[RK_SHA256_HEX];
		if (rk_sha256_file(tmpfile_, got) != 0 || strcmp(got, hex) != 0)
			abort(); /* accepted a blob that is not what it claims */
	}
	r.disabled = 0;
	(void)rk_remote_head(&r, "cas", hex);
	r.disabled = 0;
	(void)rk_remote_put(&r, "cas", hex, "x", 1);
	rk_remote_release(&r);
	rk_buf_release(&out);
	return 0;
}
