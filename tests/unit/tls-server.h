/*
 * tls-server.h: a real nginx with certificates from a throw-away CA, for
 * the TLS unit tests (tests/unit/http-tls-server.sh makes both and prints
 * the port). tls_server_start() returns 0 with tls_dir and tls_port set;
 * tls_server_stop() stops nginx and removes the directory. A watchdog in
 * the script stops nginx if the test process dies.
 */
#ifndef DA_TEST_TLS_SERVER_H
#define DA_TEST_TLS_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

static char tls_dir[64];
static char tls_script[4096];
static int tls_port;

/* Copies a file of the server's directory into the TAP diagnostics. */
static inline void tls_show_log(const char *name)
{
	char path[256], line[512];
	FILE *f;
	int n = snprintf(path, sizeof(path), "%s/%s", tls_dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		diag("%s", line);
	}
	(void)fclose(f);
}

/* Makes the certificates and starts nginx in /tmp/da-<name>-XXXXXX. */
static inline int tls_server_start(const char *name)
{
	const char *top = getenv("DA_TOP");
	char cmd[8192];
	FILE *p;
	int n;

	n = snprintf(tls_script, sizeof(tls_script),
		     "%s/tests/unit/http-tls-server.sh",
		     top && *top ? top : ".");
	if (n < 0 || (size_t)n >= sizeof(tls_script))
		return -1;
	if (access(tls_script, R_OK) != 0) {
		diag("cannot find '%s': run from the top of the tree or set "
		     "DA_TOP",
		     tls_script);
		return -1;
	}
	n = snprintf(tls_dir, sizeof(tls_dir), "/tmp/da-%s-XXXXXX", name);
	if (n < 0 || (size_t)n >= sizeof(tls_dir) || !mkdtemp(tls_dir)) {
		diag("cannot make a temporary directory");
		return -1;
	}
	n = snprintf(cmd, sizeof(cmd),
		     "bash '%s' start '%s' %ld 2>'%s/setup.log'", tls_script,
		     tls_dir, (long)getpid(), tls_dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &tls_port) != 1)
		tls_port = 0;
	if (pclose(p) != 0 || tls_port <= 0 || tls_port > 65535) {
		tls_show_log("setup.log");
		return -1;
	}
	return 0;
}

static inline void tls_server_stop(void)
{
	char cmd[8192];
	int n = snprintf(cmd, sizeof(cmd), "bash '%s' stop '%s'", tls_script,
			 tls_dir);

	if (n > 0 && (size_t)n < sizeof(cmd) && system(cmd) != 0)
		diag("stopping nginx failed; look in %s", tls_dir);
}

#endif
