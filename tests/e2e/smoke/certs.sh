# shellcheck shell=bash
# certs.sh: a throw-away PKI for the smoke-test TLS tests, made with openssl.
#
#   . "$DA_TOP/tests/e2e/smoke/certs.sh"
#   certs_make DIR
#
# Writes into DIR (PEM files, keys unencrypted):
#   ca.crt ca.key          a CA ("deploy-actions test CA"), 30 days
#   server.crt server.key  127.0.0.1 / localhost, signed by the CA, 10 days
#   expired.crt            the same key, signed by the CA, valid 2020-01-01
#                          to 2020-01-31 (long past)
#   self.crt self.key      self-signed for 127.0.0.1, 10 days, in no CA
#   other-ca.crt           a second CA that signed nothing used here
#   client.crt client.key  a client certificate (clientAuth) from the CA
#
# `openssl x509 -req -days` cannot date a certificate in the past, and the
# -not_before/-not_after options are OpenSSL 3.4+, so certificates are
# issued with `openssl ca -startdate/-enddate` from a minimal CA database.
# Returns non-zero with openssl's message on stderr when a step fails.

certs_make() {
	local d=$1
	mkdir -p "$d/db" || return 1
	: >"$d/db/index.txt"
	echo 1000 >"$d/db/serial"
	cat >"$d/ca.cnf" <<EOF || return 1
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = $d/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $d/ca.crt
private_key = $d/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ any ]
commonName = supplied

[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused

[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	_certs_ca "$d" ca "deploy-actions test CA" || return 1
	_certs_ca "$d" other-ca "deploy-actions other CA" || return 1

	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/server.key" -subj /CN=127.0.0.1 \
		-out "$d/server.csr" 2>"$d/err" || { cat "$d/err" >&2; return 1; }
	_certs_issue "$d" server.csr server.crt server -days 10 || return 1
	_certs_issue "$d" server.csr expired.crt server \
		-startdate 20200101000000Z -enddate 20200131000000Z || return 1

	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/client.key" -subj /CN=smoke-client \
		-out "$d/client.csr" 2>"$d/err" || { cat "$d/err" >&2; return 1; }
	_certs_issue "$d" client.csr client.crt client -days 10 || return 1

	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/self.key" -out "$d/self.crt" -days 10 \
		-subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
		2>"$d/err" || { cat "$d/err" >&2; return 1; }
}

# _certs_ca DIR NAME CN: a self-signed CA, NAME.crt and NAME.key.
_certs_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1/$2.key" -out "$1/$2.crt" -days 30 -subj "/CN=$3" \
		-config "$1/ca.cnf" -extensions v3_ca 2>"$1/err" ||
		{ cat "$1/err" >&2; return 1; }
}

# _certs_issue DIR CSR CRT EXTENSIONS [openssl ca date options]
_certs_issue() {
	local d=$1 csr=$2 crt=$3 ext=$4
	shift 4
	openssl ca -batch -notext -config "$d/ca.cnf" -extensions "$ext" \
		-in "$d/$csr" -out "$d/$crt" "$@" >"$d/err" 2>&1 ||
		{ cat "$d/err" >&2; return 1; }
}
