#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interop: OpenSC's JPKI driver (written against real cards) reads the authentication
# certificate from mado-vcard, byte-identical to what mado-card certs writes.
source "$(dirname "$0")/lib.sh"

if ! command -v pkcs15-tool >/dev/null; then
  echo "1..0 # SKIP OpenSC (pkcs15-tool) is not installed"
  exit 0
fi

ctl insert 0

card certs --out "$WORK/ours"
expect_rc 0 "mado-card certs"

# OpenSC's JPKI emulation lists the auth certificate with ID 01 (user authentication).
pkcs15-tool --reader 0 --list-certificates >"$WORK/list" 2>&1
check "pkcs15-tool recognises the card and lists certificates" grep -qi "X.509 Certificate" "$WORK/list"
cert_id=$(awk '/User Authentication|Authentication Certificate/{f=1} f&&/ID/{print $NF; exit}' "$WORK/list")
[ -n "$cert_id" ] || cert_id=01
pkcs15-tool --reader 0 --read-certificate "$cert_id" >"$WORK/opensc.pem" 2>"$WORK/opensc.err"
check "pkcs15-tool reads the authentication certificate" test -s "$WORK/opensc.pem"
openssl x509 -in "$WORK/opensc.pem" -outform DER -out "$WORK/opensc.der"
check "OpenSC's certificate is byte-identical to mado-card's" cmp -s "$WORK/opensc.der" "$WORK/ours/auth.der"

finish
