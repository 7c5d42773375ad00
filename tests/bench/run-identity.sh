#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The identity benchmark: tests/bench/run-identity.sh [BUILD_DIR]
# Verifications per second on one core with the test PKI (tests/pki/make-test-pki.sh): OpenSSL's
# signature check alone, OpenSSL's d2i_X509 alone, our chain check, chain + CRL, chain + CRL + OCSP
# against a real `openssl ocsp` responder (in a private network namespace), and the registry's
# work per identity session (nonce, challenge signature, chain, CRL; RSA and ECDSA P-384). Writes BUILD_DIR/bench/identity.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
ninja -C "$build" tests/bench/bench-verify >/dev/null
mkdir -p "$build/bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/tests/pki/make-test-pki.sh" "$work/pki" >/dev/null
id=$work/pki/identity
mkdir -p "$work/trust"
for f in "$id"/roots/*.pem; do case $f in *.key.pem) ;; *) cp "$f" "$work/trust/" ;; esac; done
export id work build
exec "$root/tests/harness/private-net.sh" bash -c '
  port=$((20000 + RANDOM % 20000))
  openssl ocsp -index "$id/ocsp/index.txt" -CA "$id/roots/auth-gen3.pem" \
    -rsigner "$id/ocsp/responder.pem" -rkey "$id/ocsp/responder.key.pem" -port "$port" -nmin 10 \
    >"$work/ocsp.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -qi "waiting for OCSP" "$work/ocsp.log" && break; sleep 0.05; done
  taskset -c 0 "$build/tests/bench/bench-verify" --key "$id/ee/auth-gen3.key.pem" \
    --ec-cert "$id/ee/ecdsa-auth.der" --ec-key "$id/ee/ecdsa-auth.key.pem" \
    "$work/trust" "$id/ee/auth-gen3.der" \
    "$id/crl/auth-gen3.crl" "http://127.0.0.1:$port/" | tee "$build/bench/identity.json"
  kill $pid
'
