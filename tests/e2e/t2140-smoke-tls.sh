#!/usr/bin/env bash
# smoke-test over HTTPS against nginx with certificates made by openssl in
# the test (tests/e2e/smoke/certs.sh): verified against --ca-file (or
# SSL_CERT_FILE), refused without it, accepted with --insecure by name; an
# expired and a self-signed certificate fail with a clear reason;
# [CERTIFICATE_EXPIRATION] sees the 10 days the certificate has left; a
# client certificate for a server that demands one.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
. "$(dirname -- "$0")/smoke/certs.sh"
need_smoke
fail_if_missing openssl openssl
fail_if_missing jq jq
fail_if_missing node nodejs
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

C=$T/pki
certs_make "$C"
ok $? "openssl made a CA, a 10-day, an expired, a self-signed and a client certificate"

GOOD=$(free_port)
EXPIRED=$(free_port)
SELF=$(free_port)
MTLS=$(free_port)
tls() { # tls PORT CERT KEY [EXTRA]: one HTTPS server block
	cat <<EOF
server {
	listen 127.0.0.1:$1 ssl;
	ssl_certificate $C/$2;
	ssl_certificate_key $C/$3;
	${4:-}
	location / { default_type application/json; return 200 '{"status": "UP"}'; }
}
EOF
}
nginx_start tls "$GOOD" "$(tls "$GOOD" server.crt server.key)
$(tls "$EXPIRED" expired.crt server.key)
$(tls "$SELF" self.crt self.key)
$(tls "$MTLS" server.crt server.key "ssl_verify_client on; ssl_client_certificate $C/ca.crt;")"
ok $? "nginx serves HTTPS on four ports"

# --- the CA ------------------------------------------------------------------
smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/ca.crt" \
	--timeout 5s --json
rc_is 0 "--ca-file with the test CA: exit 0"
is "$(jq -r '.checks[0].timing.tls > 0' <<<"$out" 2>&1)" true \
	"--json: the TLS handshake has its own time"
is "$(jq -r '.checks[0].timing | (.connect <= .tls and .tls <= .first_byte)' <<<"$out" 2>&1)" \
	true "--json: connect <= tls <= first_byte"

smoke --url "https://localhost:$GOOD/health" --ca-file "$C/ca.crt" --timeout 5s
rc_is 0 "by name (localhost is in the certificate): exit 0"

SMOKE_ENV=(SSL_CERT_FILE="$C/ca.crt")
smoke --url "https://127.0.0.1:$GOOD/health" --timeout 5s
rc_is 0 "SSL_CERT_FILE names the CA: exit 0"
SMOKE_ENV=()

smoke --url "https://127.0.0.1:$GOOD/health" --timeout 2s --interval 500ms
rc_is 1 "without the CA (the system bundle does not know it): exit 1"
like "$out$NL$err" "[Cc]ertificate|CERTIFICATE" "the reason mentions the certificate"

smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/other-ca.crt" \
	--no-wait
rc_is 1 "another CA: exit 1"
like "$out$NL$err" "[Cc]ertificate|CERTIFICATE" "the reason mentions the certificate"

smoke --url "https://127.0.0.1:$GOOD/health" --insecure --timeout 5s
rc_is 0 "--insecure: exit 0"

# --- expired and self-signed ----------------------------------------------------
smoke --url "https://127.0.0.1:$EXPIRED/health" --ca-file "$C/ca.crt" \
	--timeout 2s --interval 500ms
rc_is 1 "an expired certificate from the right CA: exit 1"
like "$out$NL$err" "[Ee]xpired|EXPIRED" "the reason says it expired"

smoke --url "https://127.0.0.1:$EXPIRED/health" --insecure --timeout 5s
rc_is 0 "the expired certificate with --insecure: exit 0"

smoke --url "https://127.0.0.1:$SELF/health" --ca-file "$C/ca.crt" --no-wait
rc_is 1 "a self-signed certificate: exit 1"
like "$out$NL$err" "[Cc]ertificate|CERTIFICATE" "the reason mentions the certificate"

smoke --url "https://127.0.0.1:$SELF/health" --ca-file "$C/self.crt" --timeout 5s
rc_is 0 "the self-signed certificate trusted by --ca-file itself: exit 0"

# --- [CERTIFICATE_EXPIRATION] ----------------------------------------------------
smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/ca.crt" \
	--timeout 5s --condition '[CERTIFICATE_EXPIRATION] > 24h' \
	--condition '[CERTIFICATE_EXPIRATION] > 239h'
rc_is 0 "[CERTIFICATE_EXPIRATION] > 239h holds for a 10-day certificate"

smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/ca.crt" \
	--no-wait --condition '[CERTIFICATE_EXPIRATION] > 240h' --json
rc_is 1 "[CERTIFICATE_EXPIRATION] > 240h fails"
like "$(jq -r '.checks[0].failures | join(" ")' <<<"$out" 2>&1)" "CERTIFICATE_EXPIRATION" \
	"--json: the failure names [CERTIFICATE_EXPIRATION]"

smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/ca.crt" \
	--no-wait --condition '[CERTIFICATE_EXPIRATION] < 241h'
rc_is 0 "[CERTIFICATE_EXPIRATION] < 241h holds (it is counted, not 0 or infinite)"

# --- a client certificate ---------------------------------------------------------
smoke --url "https://127.0.0.1:$MTLS/health" --ca-file "$C/ca.crt" --no-wait \
	--json
rc_is 1 "a server that demands a client certificate, none given: exit 1"
is "$(jq -r '.checks[0].status' <<<"$out" 2>&1)" 400 "--json: nginx said 400"

smoke --url "https://127.0.0.1:$MTLS/health" --ca-file "$C/ca.crt" \
	--client-cert "$C/client.crt" --client-key "$C/client.key" --timeout 5s
rc_is 0 "--client-cert and --client-key: exit 0"

# --- bad TLS input -----------------------------------------------------------------
smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$T/no-such-ca.pem" \
	--no-wait
rc_is 2 "--ca-file that does not exist: exit 2 (bad input)"
like "$err" "no-such-ca\.pem" "the error names the file"

# A CA file that is not a certificate is the caller's mistake: no amount of
# waiting fixes it, so it is reported at once, not as an unhealthy service.
smoke --url "https://127.0.0.1:$GOOD/health" --ca-file "$C/ca.key" \
	--timeout 12s
rc_is 2 "--ca-file that is a key, not a certificate: exit 2 at once, not a verdict"
like "$out$NL$err" "ca\.key" "the error names the file"

SMOKE_ENV=(SSL_CERT_FILE="$T/no-such-bundle.pem")
smoke --url "https://127.0.0.1:$GOOD/health" --timeout 12s
SMOKE_ENV=()
rc_is 2 "SSL_CERT_FILE names nothing: exit 2 (fix or unset it), not a verdict"
like "$err" "no-such-bundle\.pem" "the error names it"

done_testing
