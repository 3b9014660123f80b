#!/bin/sh
# A self-signed CA and a broker certificate signed by it, for Kafka's SASL_SSL listener:
#   tls.sh <dir>   writes <dir>/ca.pem (what clients trust) and <dir>/keystore.pem (the broker's
#                  unencrypted PKCS#8 key and certificate chain, Kafka's PEM keystore format).
# Idempotent: an existing pair is kept. Used by the native stack (infra/stack/src/parts/kafka.ts) and
# by docker-compose.yml's kafka-tls service, so both stacks make their certificates the same way.
set -eu
dir="${1:?usage: tls.sh <dir>}"
[ -s "$dir/ca.pem" ] && [ -s "$dir/keystore.pem" ] && exit 0
command -v openssl >/dev/null || { echo "tls.sh: openssl is required (Debian: apt-get install -y openssl)" >&2; exit 1; }
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=acme stack CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kafka" \
  -keyout "$work/broker.key" -out "$work/broker.csr" 2>/dev/null
# The names clients dial: the native stack's 127.0.0.1/localhost, compose's service name "kafka".
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kafka\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
  >"$work/ext.cnf"
openssl x509 -req -in "$work/broker.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 825 -extfile "$work/ext.cnf" -out "$work/broker.pem" 2>/dev/null
cat "$work/broker.key" "$work/broker.pem" "$work/ca.pem" >"$dir/keystore.pem"
# The CA certificate is public; its key is not kept, so nothing else can be signed with it.
umask 022
cp "$work/ca.pem" "$dir/ca.pem"
chmod 644 "$dir/ca.pem"
