#!/bin/sh
# Makes a self-signed TLS certificate and key for local development (localhost, 127.0.0.1, ::1).
# Usage: certs/make-dev-certs.sh [output-dir]   (default var/certs; never commit the output)
# Writes server.crt and server.key (mode 600). Not for production: browsers will warn.
set -eu

out="${1:-var/certs}"
days="${CAF_DEV_CERT_DAYS:-825}"

command -v openssl >/dev/null 2>&1 || { echo "make-dev-certs: openssl not found" >&2; exit 1; }
mkdir -p "$out"

# Create the key with a restrictive umask so it is never world-readable, even briefly.
old_umask=$(umask)
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days "$days" -sha256 \
    -subj "/CN=localhost/O=Caf Connect dev" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$out/server.key" -out "$out/server.crt" 2>/dev/null
umask "$old_umask"
chmod 600 "$out/server.key"
chmod 644 "$out/server.crt"

echo "make-dev-certs: wrote $out/server.crt and $out/server.key (valid $days days)"
