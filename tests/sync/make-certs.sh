#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make-certs.sh DIR — throwaway TLS material for the registry client's tests (EC P-256, 2 days):
#   server-ca.pem           the CA the registry's server certificate chains to
#   server.pem, server.key  the server's certificate (localhost, 127.0.0.1) and key
#   enrol-ca.pem            the registry's enrolment CA (client certificates)
#   kiosk.pem, kiosk.key    a kiosk's client certificate (CN kiosk-test-01) and key
#   other-ca.pem            a CA that signed neither (the wrong CA)
#   rogue.pem, rogue.key    a client certificate from other-ca (not enrolled)
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
cd "$dir"

ca () { # name subject
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$1.key" -out "$1.pem" -subj "/CN=$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf () { # name subject ca extensions
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  chmod 600 "$1.key"
}

ca server-ca "Test Registry Server CA"
ca enrol-ca "Test Registry Enrolment CA"
ca other-ca "Some Other CA"
leaf server localhost server-ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
leaf kiosk kiosk-test-01 enrol-ca "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
leaf rogue kiosk-rogue other-ca "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
