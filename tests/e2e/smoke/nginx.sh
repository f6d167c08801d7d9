# shellcheck shell=bash
# nginx.sh: a loopback nginx per test, with everything under one directory.
#
#   nginx_start NAME PORT 'server { listen 127.0.0.1:@PORT@; ... }'
#   nginx_reload NAME
#   nginx_stop NAME            (nginx_stop_all at exit: smoke/lib.sh does it)
#
# NAME is a directory under $T holding nginx.conf, the pid file, logs,
# temp paths and html/ (the default root for static files: write files
# there before or after starting). CONFIG is placed inside http { } with
# @PORT@ replaced by PORT and @DIR@ by the directory. A few types (json,
# txt, html) are known; other files are application/octet-stream. The
# access log is @DIR@/access.log unless NGINX_ACCESS_LOG=off.
# NGINX_WORKERS sets worker_processes (default 1). Returns non-zero with
# nginx's own message as a TAP diagnostic when it cannot start.

NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
_nginx_dirs=()

nginx_start() {
	local name=$1 port=$2 config=$3
	local d=$T/$name user=
	mkdir -p "$d/html" "$d/tmp" || return 1
	config=${config//@PORT@/$port}
	config=${config//@DIR@/$d}
	# As root the workers would run as nobody and could not read $T.
	[ "$(id -u)" = 0 ] && user="user root;"
	local access="access_log $d/access.log;"
	[ "${NGINX_ACCESS_LOG:-on}" = off ] && access="access_log off;"
	cat >"$d/nginx.conf" <<EOF
$user
worker_processes ${NGINX_WORKERS:-1};
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	$access
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	types {
		application/json json;
		text/plain txt;
		text/html html;
	}
	default_type application/octet-stream;
	root $d/html;
	keepalive_requests 100000;
$config
}
EOF
	if ! "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" \
		>"$d/start.log" 2>&1; then
		diag "nginx '$name' did not start:$NL$(cat "$d/start.log" "$d/error.log" 2>/dev/null)"
		return 1
	fi
	_nginx_dirs+=("$d")
	if ! wait_port "$port" 10; then
		diag "nginx '$name' does not listen on $port:$NL$(cat "$d/error.log")"
		return 1
	fi
}

nginx_reload() {
	local d=$T/$1
	"$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" -s reload \
		>>"$d/start.log" 2>&1
}

# nginx_stop NAME: stops it and waits until the master has gone.
nginx_stop() {
	_nginx_stop_dir "$T/$1"
}

nginx_stop_all() {
	local d
	for d in "${_nginx_dirs[@]}"; do
		_nginx_stop_dir "$d"
	done
}

_nginx_stop_dir() {
	local d=$1 pid
	[ -s "$d/nginx.pid" ] || return 0
	pid=$(cat "$d/nginx.pid")
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}
