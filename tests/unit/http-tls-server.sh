#!/usr/bin/env bash
# An nginx serving HTTPS on loopback with a certificate from a throw-away CA,
# for the TLS cases of the http unit tests.
#
#   http-tls-server.sh start DIR [PID]   prints the port nginx listens on
#   http-tls-server.sh stop DIR          stops nginx and removes DIR
#
# start writes into DIR (which must exist and be empty):
#   ca.pem          the test CA (trust this to reach the server)
#   cadir/ca.pem    the same CA alone in a directory (for SSL_CERT_DIR)
#   server.pem      a certificate for IP:127.0.0.1, IP:127.0.0.4 and
#                   DNS:localhost, valid for two days
#   expired.pem     a certificate for IP:127.0.0.3 that expired on
#                   2020-01-02 00:00:00 UTC
#   client.pem      a client certificate from the same CA, client.key its key
# nginx listens on 127.0.0.1:PORT and 127.0.0.2:PORT (a name the certificate
# does not cover) and answers every request with 200 "tls ok"; on
# 127.0.0.3:PORT with the expired certificate; on 127.0.0.4:PORT it asks
# for a client certificate and answers 200 "client ok" to one from the CA
# (nginx's 400 without). With PID, nginx is also stopped as soon as that
# process ends, so a crashed test leaves nothing running.
set -euo pipefail

die() {
	echo "http-tls-server: $*" >&2
	exit 1
}

find_nginx() {
	local n
	for n in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx \
		/usr/local/sbin/nginx /usr/local/nginx/sbin/nginx; do
		if [ -n "$n" ] && [ -x "$n" ]; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

make_certs() {
	local d=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 \
		-subj "/CN=deploy-actions test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		2>>"$d/openssl.log" ||
		die "openssl could not make the test CA (see $d/openssl.log)"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/server.key" -out "$d/server.csr" \
		-subj "/CN=127.0.0.1" 2>>"$d/openssl.log" ||
		die "openssl could not make the server key (see $d/openssl.log)"
	cat >"$d/server.ext" <<-EOF
		subjectAltName=IP:127.0.0.1,IP:127.0.0.4,DNS:localhost
		basicConstraints=CA:FALSE
		keyUsage=critical,digitalSignature,keyEncipherment
		extendedKeyUsage=serverAuth
	EOF
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" \
		-CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" \
		-days 2 -extfile "$d/server.ext" 2>>"$d/openssl.log" ||
		die "openssl could not sign (see $d/openssl.log)"
	mkdir -p "$d/cadir"
	cp "$d/ca.pem" "$d/cadir/ca.pem"
	make_expired "$d"
	make_client "$d"
}

# openssl x509 cannot back-date; openssl ca takes -startdate and -enddate.
make_expired() {
	local d=$1
	mkdir -p "$d/ca-db"
	: >"$d/ca-db/index.txt"
	echo 1000 >"$d/ca-db/serial"
	cat >"$d/ca.cnf" <<-EOF
		[ ca ]
		default_ca = test_ca
		[ test_ca ]
		database = $d/ca-db/index.txt
		new_certs_dir = $d/ca-db
		serial = $d/ca-db/serial
		default_md = sha256
		policy = any_name
		[ any_name ]
		commonName = supplied
	EOF
	cat >"$d/expired.ext" <<-EOF
		subjectAltName=IP:127.0.0.3
		basicConstraints=CA:FALSE
		keyUsage=critical,digitalSignature,keyEncipherment
		extendedKeyUsage=serverAuth
	EOF
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/expired.key" -out "$d/expired.csr" \
		-subj "/CN=127.0.0.3" 2>>"$d/openssl.log" ||
		die "openssl could not make the expired key (see $d/openssl.log)"
	openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.pem" \
		-keyfile "$d/ca.key" -in "$d/expired.csr" \
		-out "$d/expired.pem" -notext -startdate 20200101000000Z \
		-enddate 20200102000000Z -extfile "$d/expired.ext" \
		>>"$d/openssl.log" 2>&1 ||
		die "openssl could not sign the expired one (see $d/openssl.log)"
}

make_client() {
	local d=$1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$d/client.key" -out "$d/client.csr" \
		-subj "/CN=deploy-actions test client" 2>>"$d/openssl.log" ||
		die "openssl could not make the client key (see $d/openssl.log)"
	printf '%s\n' "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=clientAuth" >"$d/client.ext"
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" \
		-CAkey "$d/ca.key" -CAcreateserial -out "$d/client.pem" \
		-days 2 -extfile "$d/client.ext" 2>>"$d/openssl.log" ||
		die "openssl could not sign the client (see $d/openssl.log)"
}

write_conf() {
	local d=$1 port=$2 user=""
	[ "$(id -u)" = 0 ] && user="user root;"
	cat >"$d/nginx.conf" <<-EOF
		$user
		daemon on;
		worker_processes 1;
		pid $d/nginx.pid;
		error_log $d/error.log;
		events { worker_connections 64; }
		http {
			access_log off;
			client_body_temp_path $d/tmp-body;
			proxy_temp_path $d/tmp-proxy;
			fastcgi_temp_path $d/tmp-fastcgi;
			uwsgi_temp_path $d/tmp-uwsgi;
			scgi_temp_path $d/tmp-scgi;
			server {
				listen 127.0.0.1:$port ssl;
				listen 127.0.0.2:$port ssl;
				ssl_certificate $d/server.pem;
				ssl_certificate_key $d/server.key;
				location / {
					default_type text/plain;
					return 200 "tls ok\n";
				}
			}
			server {
				listen 127.0.0.3:$port ssl;
				ssl_certificate $d/expired.pem;
				ssl_certificate_key $d/expired.key;
				location / {
					default_type text/plain;
					return 200 "expired ok\n";
				}
			}
			server {
				listen 127.0.0.4:$port ssl;
				ssl_certificate $d/server.pem;
				ssl_certificate_key $d/server.key;
				ssl_client_certificate $d/ca.pem;
				ssl_verify_client on;
				location / {
					default_type text/plain;
					return 200 "client ok\n";
				}
			}
		}
	EOF
}

start() {
	local d=$1 watch=${2:-} nginx port try why
	[ -d "$d" ] || die "no such directory '$d'"
	command -v openssl >/dev/null 2>&1 ||
		die "openssl not found: install it (apt-get install openssl)"
	nginx=$(find_nginx) ||
		die "nginx not found: install it (apt-get install nginx-light)"
	make_certs "$d"
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 40000))
		write_conf "$d" "$port"
		: >"$d/error.log"
		if "$nginx" -c "$d/nginx.conf" -p "$d" -e "$d/error.log" \
			2>>"$d/nginx.log"; then
			break
		fi
		if ! grep -q "in use" "$d/error.log" "$d/nginx.log"; then
			why=$(cat "$d/error.log" "$d/nginx.log" | tail -n 3)
			die "nginx did not start: $(echo "$why" | tr '\n' ' ')"
		fi
		port=""
	done
	[ -n "$port" ] || die "nginx found no free port after $try tries"
	for try in $(seq 50); do
		[ -s "$d/nginx.pid" ] && break
		sleep 0.1
	done
	[ -s "$d/nginx.pid" ] || die "nginx wrote no pid file"
	if [ -n "$watch" ]; then
		(
			pid=$(cat "$d/nginx.pid")
			while kill -0 "$watch" 2>/dev/null &&
				kill -0 "$pid" 2>/dev/null; do
				sleep 1
			done
			kill "$pid" 2>/dev/null || true
		) </dev/null >/dev/null 2>&1 &
	fi
	echo "$port"
}

stop() {
	local d=$1 pid try
	[ -d "$d" ] || return 0
	if [ -s "$d/nginx.pid" ]; then
		pid=$(cat "$d/nginx.pid")
		kill "$pid" 2>/dev/null || true
		for try in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -rf "$d"
}

case "${1:-}" in
start) start "${2:?usage: $0 start DIR [PID]}" "${3:-}" ;;
stop) stop "${2:?usage: $0 stop DIR}" ;;
*) die "usage: $0 start DIR [PID] | stop DIR" ;;
esac
