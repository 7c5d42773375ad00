#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mado-card verify and login end to end: emulated cards carrying certificates of the test
# hierarchy (tests/pki/make-test-pki.sh, identity/), CRLs, a real `openssl ocsp` responder on
# loopback, production and test mode.
source "$(dirname "$0")/lib.sh"
export MADOGUCHI_CONFIG=$MADO_SOURCE_DIR/tests/cli/identity.conf

ctl insert 0 --verbose # also makes the test PKI
ctl remove 0
PKI=$(dirname "$(profile)")
ID=$PKI/identity
TRUST=$WORK/trust
mkdir -p "$TRUST"
for f in "$ID"/roots/*.pem; do case $f in *.key.pem) ;; *) cp "$f" "$TRUST/" ;; esac; done
CRL=$ID/crl/auth-gen3.crl

# card PROFILE_NAME AUTH_EE [SIGN_EE]: a copy of the demo card carrying other certificates
make_card() {
  local name=$1 auth=$2 sign=${3:-}
  sed -e "s|^auth_cert=.*|auth_cert=$ID/ee/$auth.der|" -e "s|^auth_key=.*|auth_key=$ID/ee/$auth.key.pem|" \
    "$(profile)" >"$WORK/$name.ini"
  if [ -n "$sign" ]; then
    sed -i -e "s|^sign_cert=.*|sign_cert=$ID/ee/$sign.der|" -e "s|^sign_key=.*|sign_key=$ID/ee/$sign.key.pem|" \
      "$WORK/$name.ini"
  fi
  sed -i "s|=demo-resident/|=$PKI/demo-resident/|; s|=auth-ca.der|=$PKI/auth-ca.der|; s|=sign-ca.der|=$PKI/sign-ca.der|" "$WORK/$name.ini"
  echo "$WORK/$name.ini"
}
inserted=0
with_card() {
  [ "$inserted" = 1 ] && ctl remove 0
  ctl insert 0 --verbose --profile "$1" && inserted=1
}
verifies() { grep -c "00 20 00 98 Lc=4" "$(vcard_log)" || true; }

# --- the demo card: valid under the test hierarchy, in test mode -------------------------------
ctl insert 0 --verbose && inserted=1
card verify --json --trust-dir "$TRUST" --crl "$CRL"
expect_rc 0 "verify: the demo card is valid"
check "verify: verdict valid" test "$(json_get verdict)" = valid
check "verify: a test root, and it says so" test "$(json_get test_root)" = true
check "verify: serial and not_after reported" test -n "$(json_get serial)" -a -n "$(json_get not_after)"
check "verify: the card link is 64 hex digits" grep -qE '^[0-9a-f]{64}$' <<<"$(json_get card_link)"

card verify --json --trust-dir "$TRUST"
expect_rc 0 "verify again without --crl: the index survives (restart from the index)"

# a tampered index: detected when loaded, and the answer is unknown, never valid
index=$(ls "$XDG_STATE_HOME"/madoguchi/crl/*.crlidx | head -1)
cp "$index" "$WORK/index.bak"
printf '\xff' | dd of="$index" bs=1 seek=100 conv=notrunc status=none
card verify --json --trust-dir "$TRUST"
expect_rc 38 "a tampered CRL index: unknown"
check "reason: crl-index" test "$(json_get reason)" = crl-index
truncate -s 64 "$index"
card verify --json --trust-dir "$TRUST"
expect_rc 38 "a truncated CRL index: unknown"
card verify --json --trust-dir "$TRUST" --crl "$CRL"
expect_rc 0 "the CRL again rebuilds the index"

rm -rf "$XDG_STATE_HOME"
card verify --json --trust-dir "$TRUST"
expect_rc 38 "verify with no CRL and no OCSP: unknown, never valid"
check "reason: no revocation source" test "$(json_get reason)" = no-revocation-source

card verify --json --trust-dir "$TRUST" --crl "$ID/crl/auth-gen3-stale.crl"
expect_rc 38 "a stale CRL: unknown"
check "reason: crl-stale" test "$(json_get reason)" = crl-stale
rm -rf "$XDG_STATE_HOME"

card verify --json --trust-dir "$TRUST" --crl "$CRL" --at 2040-01-01
expect_rc 37 "verified at a time after the certificate's end: invalid"
check "reason: expired" test "$(json_get reason)" = expired

printf '1234\n' >"$WORK/pin"
card login --json --trust-dir "$TRUST" --crl "$CRL" --pin-stdin --trace <"$WORK/pin"
expect_rc 0 "login: the whole flow"
check "login: valid" test "$(json_get verdict)" = valid
check "login: the PIN was asked" test "$(json_get pin_asked)" = true
check "login: 5 APDUs" grep -q "summary: 5 APDUs" <<<"$ERR"

# --- the signature certificate and the card's text ---------------------------------------------
printf 'ABC123\n1234\n' >"$WORK/two"
card verify --json --trust-dir "$TRUST" --crl "$CRL" --crl "$ID/crl/sign-gen3.crl" --compare-text <"$WORK/two"
expect_rc 0 "verify --compare-text: the demo card agrees with itself"
check "sign certificate valid" test "$(json_get sign verdict)" = valid
check "attributes agree" test "$(json_get attributes agree)" = true

with_card "$(make_card stale-address auth-gen3 sign-mismatch)"
card verify --json --trust-dir "$TRUST" --crl "$CRL" --crl "$ID/crl/sign-gen3.crl" --compare-text <"$WORK/two"
expect_rc 39 "a stale card address: the certificate and the card disagree"
check "the mismatch is the address" test "$(json_get attributes mismatches 0 field)" = address

# --- the older root generations (one name, other keys) -------------------------------------------
for gen in 1 2; do
  with_card "$(make_card "gen$gen" "auth-gen$gen")"
  card verify --json --trust-dir "$TRUST" --crl "$ID/crl/auth-gen$gen.crl"
  expect_rc 0 "a card under root generation $gen"
  check "generation $gen: issued by that generation's root" \
    test "$(json_get root)" = "$(awk -v f="roots/auth-gen$gen.pem" '$2 == f {print $1}' "$ID/fingerprints.txt")"
done

# --- cards that must not pass -----------------------------------------------------------------
with_card "$(make_card revoked auth-revoked)"
card verify --json --trust-dir "$TRUST" --crl "$CRL"
expect_rc 36 "a revoked card"
check "reason: revoked-crl" test "$(json_get reason)" = revoked-crl
check "revocation time reported" test -n "$(json_get revoked_at)"

for bad in auth-impostor:bad-signature auth-expired:expired auth-not-yet-valid:not-yet-valid \
  auth-tampered:bad-signature auth-wrong-usage:wrong-usage auth-ca-flag:wrong-usage; do
  ee=${bad%%:*} reason=${bad##*:}
  with_card "$(make_card "$ee" "$ee")"
  before=$(verifies)
  card login --json --trust-dir "$TRUST" --crl "$CRL" --pin-stdin <"$WORK/pin"
  expect_rc 37 "login refuses $ee before the PIN"
  check "$ee: reason $reason" test "$(json_get reason)" = "$reason"
  check "$ee: no PIN asked, no VERIFY sent" test "$(json_get pin_asked)/$(($(verifies) - before))" = false/0
done

with_card "$(make_card revoked auth-revoked)"
card login --json --trust-dir "$TRUST" --crl "$CRL" --pin-stdin <"$WORK/pin"
expect_rc 36 "login with a revoked card: the registry's full check refuses it"

# a certificate file with garbage: malformed card data, no verdict invented
ctl remove 0
ctl insert 0 --malform cert-garbage
card verify --json --trust-dir "$TRUST" --crl "$CRL"
if [ "$RC" = 22 ] || [ "$RC" = 37 ]; then ok "verify: garbage certificate refused (exit $RC)"
else not_ok "verify: garbage certificate: exit $RC"; fi
ctl remove 0

# --- production mode ---------------------------------------------------------------------------
ctl insert 0
printf '[general]\nmode = production\n[card]\nreader = Mado Virtual PCD 00 00\n' >"$WORK/prod.conf"
card verify --json --config "$WORK/prod.conf" --trust-dir "$TRUST" --crl "$CRL"
expect_rc 30 "production mode refuses unpinned (test) roots at start"
check "the message names the root" grep -q "not pinned" <<<"$ERR"

pins=$(awk '{printf "%s%s", (NR>1?";":""), $1}' "$ID/fingerprints.txt")
printf '[general]\nmode = production\n[card]\nreader = Mado Virtual PCD 00 00\n[identity]\npinned-roots = %s\n' \
  "$pins" >"$WORK/prod-pinned.conf"
card verify --json --config "$WORK/prod-pinned.conf" --trust-dir "$TRUST" --crl "$CRL"
expect_rc 0 "production mode with the test roots pinned: valid"
check "production: not a test root" test "$(json_get test_root)" = false

# --- OCSP, a real responder on loopback --------------------------------------------------------
port=
for try in 1 2 3 4 5; do
  p=$((20000 + RANDOM % 20000))
  openssl ocsp -index "$ID/ocsp/index.txt" -CA "$ID/roots/auth-gen3.pem" \
    -rsigner "$ID/ocsp/responder.pem" -rkey "$ID/ocsp/responder.key.pem" \
    -port "$p" -nmin 10 >"$WORK/ocsp.log" 2>&1 &
  ocsp_pid=$!
  for _ in $(seq 40); do
    if grep -qi "waiting for OCSP client connections" "$WORK/ocsp.log" 2>/dev/null; then port=$p; break; fi
    kill -0 "$ocsp_pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] && break
  kill "$ocsp_pid" 2>/dev/null; wait "$ocsp_pid" 2>/dev/null
done
check "an OCSP responder listens on loopback" test -n "$port"
rm -rf "$XDG_STATE_HOME"
# the allow-list names this responder exactly
sed "s|^ocsp-allowed-urls = .*|ocsp-allowed-urls = http://127.0.0.1:$port/|" \
  "$MADOGUCHI_CONFIG" >"$WORK/ocsp.conf"
export MADOGUCHI_CONFIG=$WORK/ocsp.conf

card verify --json --trust-dir "$TRUST" --ocsp-url "http://127.0.0.1:$port/"
expect_rc 0 "OCSP: the demo card is good"

inserted=1
with_card "$(make_card revoked-ocsp auth-revoked-ocsp)"
card verify --json --trust-dir "$TRUST" --crl "$CRL" --ocsp-url "http://127.0.0.1:$port/"
expect_rc 36 "a card revoked at the responder only (the CRL does not list it)"
check "reason: revoked-ocsp" test "$(json_get reason)" = revoked-ocsp

rm -rf "$XDG_STATE_HOME" # no CRL index: OCSP is the only source
card verify --json --trust-dir "$TRUST" --ocsp-url "http://localhost:$port/"
expect_rc 38 "a responder outside the allow-list is never asked"
check "reason: ocsp-not-allowed" test "$(json_get reason)" = ocsp-not-allowed

kill "$ocsp_pid"; wait "$ocsp_pid" 2>/dev/null
rm -rf "$XDG_STATE_HOME"
card verify --json --trust-dir "$TRUST" --ocsp-url "http://127.0.0.1:$port/"
expect_rc 38 "the responder down: unknown"
check "reason: ocsp-unreachable" test "$(json_get reason)" = ocsp-unreachable

finish
