/*
 * cmd_serve.c: `mapkeeper serve [--listen HOST:PORT] [--db PATH] [--web DIR]`: the review
 * app over libmicrohttpd, on the same store calls the commands use. Two doors:
 *  - the JSON API (/api/...): deals (with health), plans, history, pending proposals
 *    (approve, reject, edit) and queries, for "Authorization: Bearer $MAPKEEPER_TOKEN" or
 *    for a page's session cookie; a write with the cookie also needs the session's CSRF
 *    token in X-CSRF-Token and, when the browser sends one, an Origin of this server;
 *  - the pages (plain files of web/): /login takes the token and sets an HttpOnly,
 *    SameSite=Strict session cookie; /, /deal, /search and /static/FILE need it.
 * This file reads the options, finds the pages, makes the token and runs the server until
 * SIGINT or SIGTERM; the rest is in serve_http.c (requests, pages, answers),
 * serve_session.c (sessions, login), serve_api.c and serve_edit.c (the API). See serve.h.
 */
#include "cli.h"
#include "serve.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>

static const char usage[] =
	"mapkeeper serve [--listen 127.0.0.1:8080] [--db PATH] [--web DIR]\n"
	"\n"
	"Serves the review app and its JSON API. The token is MAPKEEPER_TOKEN, or a random one\n"
	"printed at start. --web: the folder of the pages (default: MAPKEEPER_WEB, else web/\n"
	"beside the binary, else share/mapkeeper/web where `make install` put them).";

/* 1 and DIR resolved into out when DIR holds the pages (an index.html). */
static int pages_at(const char *dir, char *out, size_t outlen)
{
	char try[PATH_MAX + 16], real[PATH_MAX];
	struct stat sb;
	snprintf(try, sizeof try, "%s/index.html", dir);
	if (stat(try, &sb) || !S_ISREG(sb.st_mode) || !realpath(dir, real) || strlen(real) >= outlen)
		return 0;
	strcpy(out, real);
	return 1;
}

/* The pages' folder, resolved: the one given, else web/ beside the binary or one level up
 * (build-san/mapkeeper), else PREFIX/share/mapkeeper/web for PREFIX/bin/mapkeeper, else
 * the share folder `make install` compiled in. One line and 0 when there is none. */
static int find_web(const char *given, char *out, size_t outlen)
{
	char exe[PATH_MAX], try[PATH_MAX + 32], real[PATH_MAX];
	ssize_t n;
	struct stat sb;
	if (given) {
		if (!realpath(given, real) || stat(real, &sb) || !S_ISDIR(sb.st_mode) || strlen(real) >= outlen) {
			cli_error("serve: the web folder '%s' is not a folder", given);
			return 0;
		}
		strcpy(out, real);
		return 1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		char *slash;
		exe[n] = '\0';
		for (int up = 0; up < 2 && (slash = strrchr(exe, '/')); up++) {
			*slash = '\0';
			snprintf(try, sizeof try, "%s/web", exe);
			if (pages_at(try, out, outlen))
				return 1;
		}
		/* exe is now the binary's folder's parent: PREFIX for PREFIX/bin/mapkeeper */
		snprintf(try, sizeof try, "%s/share/mapkeeper/web", exe);
		if (pages_at(try, out, outlen))
			return 1;
	}
#ifdef MK_SHAREDIR
	if (pages_at(MK_SHAREDIR "/web", out, outlen))
		return 1;
#endif
	cli_error("serve: cannot find the pages' folder web/ beside the binary or in share/mapkeeper (give --web DIR)");
	return 0;
}

/* "HOST:PORT" (IPv4) -> addr; 0 and one line when it is not one. */
static int parse_listen(const char *s, struct sockaddr_in *addr)
{
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	unsigned long port;
	memset(addr, 0, sizeof *addr);
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof host || !colon[1])
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '-' || port > 65535 || inet_pton(AF_INET, host, &addr->sin_addr) != 1)
		goto bad;
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)port);
	return 1;
bad:
	cli_error("serve: --listen wants IPV4:PORT (like 127.0.0.1:8080), not '%s'", s);
	return 0;
}

/* The token from MAPKEEPER_TOKEN (env), else a random one, into sv. An exit code. */
static int serve_token(struct server *sv, const char *env)
{
	if (env && *env) {
		if (strlen(env) >= sizeof sv->token) {
			cli_error("serve: MAPKEEPER_TOKEN is over %zu bytes", sizeof sv->token - 1);
			return CLI_USAGE;
		}
		strcpy(sv->token, env);
	} else if (!serve_random_token(sv->token, sizeof sv->token)) {
		cli_error("serve: cannot read /dev/urandom for a token");
		return CLI_FAILED;
	}
	return CLI_OK;
}

/* Serves sv on addr until SIGINT or SIGTERM, after saying where (listen: as given; the
 * token shown unless it came from MAPKEEPER_TOKEN). An exit code. */
static int serve_run(struct server *sv, struct sockaddr_in *addr, const char *listen, int from_env)
{
	struct MHD_Daemon *daemon;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	char host[INET_ADDRSTRLEN];
	int sig;
	unsigned port;
	/* the polling thread inherits the blocked signals: only sigwait below sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
				  NULL, serve_handle, sv,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr, MHD_OPTION_NOTIFY_COMPLETED,
				  serve_request_done, sv, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (!daemon) {
		cli_error("serve: cannot listen on %s", listen);
		return CLI_FAILED;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	inet_ntop(AF_INET, &addr->sin_addr, host, sizeof host);
	port = info ? (unsigned)info->port : (unsigned)ntohs(addr->sin_port);
	printf("mapkeeper: serving http://%s:%u/ (token: %s)\n", host, port, from_env ? "from MAPKEEPER_TOKEN" : sv->token);
	if (from_env)
		printf("mapkeeper: log in at http://%s:%u/login with MAPKEEPER_TOKEN\n", host, port);
	else
		printf("mapkeeper: log in at http://%s:%u/login?token=%s\n", host, port, sv->token);
	fflush(stdout);
	while (sigwait(&sigs, &sig) != 0)
		;
	serve_crm_wait(sv); /* a CRM run ends first: its request is suspended */
	MHD_stop_daemon(daemon);
	return CLI_OK;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		CLI_OPT_DB,
		{ "web", required_argument, NULL, 'w' },
		CLI_OPT_END,
	};
	const char *listen = "127.0.0.1:8080", *db = NULL, *web = getenv("MAPKEEPER_WEB"),
		   *env = getenv("MAPKEEPER_TOKEN");
	struct server sv;
	struct sockaddr_in addr;
	struct cli_opts o = { .db = NULL };
	int ch, rc;
	while ((ch = cli_getopt("serve", argc, argv, "h", longopts, usage, &o)) > 0) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'w': web = optarg; break;
		}
	}
	if (ch < 0)
		return o.rc;
	db = o.db;
	if (optind != argc)
		return cli_usage(usage);
	if (!parse_listen(listen, &addr))
		return CLI_USAGE;
	memset(&sv, 0, sizeof sv);
	if (!find_web(web, sv.web, sizeof sv.web))
		return CLI_FAILED;
	if ((rc = serve_token(&sv, env)) != CLI_OK)
		return rc;
	if (!(sv.st = cli_store_open(db)))
		return CLI_FAILED;
	sv.db = db;
	serve_crm_init(&sv);
	rc = serve_run(&sv, &addr, listen, env && *env);
	serve_crm_end(&sv);
	mk_store_close(sv.st);
	if (rc == CLI_OK)
		fprintf(stderr, "mapkeeper: stopped\n");
	return rc;
}
