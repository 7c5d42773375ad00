#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The kiosk's identity check with a real (emulated) card against a real registry: mado-vcard in
# a private pcscd, mado-registryd on SQLite with the test JPKI hierarchy, `mado-card login
# --registry`. The card is linked to a resident at the counter first (tests/api/link-card.py).
source "$(dirname "$0")/lib.sh"

ctl insert 0 --verbose # also makes the test PKI
PKI=$(dirname "$(profile)")
# The registry's residents and keys, with the demo card linked to 髙橋 健一 (the fixture's head).
eval "$(MADO_REGISTRY_TEST_DSN= python3 "$MADO_SOURCE_DIR/tests/api/link-card.py" "$PKI" \
  "$PKI/demo-resident/auth.der")"
trap 'kill "$REG_PID" 2>/dev/null; rm -rf "$WORK" "$REG_TMP"' EXIT

kiosk_conf() { # kiosk_conf CERT KEY — the kiosk's configuration: test mode, its reader, registry
  cat >"$WORK/kiosk.conf" <<CONF
[general]
mode = test

[card]
reader = Mado Virtual PCD 00 00

[registry]
url = $REG_URL
client-certificate = $1
client-key = $2
ca = $REG_CA
CONF
  export MADOGUCHI_CONFIG=$WORK/kiosk.conf
}
TRUST=$REG_TMP/trust
kiosk_conf "$KIOSK_CERT" "$KIOSK_KEY"

with_pin 1234 login --json --trust-dir "$TRUST" --registry "$REG_URL"
expect_rc 0 "login --registry: the card signs the registry's nonce, the registry opens a session"
check "the registry names the linked resident" test "$(json_get name)" = "髙橋 健一"
check "a resident" test "$(json_get status)" = resident
check "the session's card link is the card's" test "$(json_get card_link)" = \
  "$("$CARD" verify --json --trust-dir "$TRUST" | python3 -c 'import json,sys; print(json.load(sys.stdin)["card_link"])')"
check "a session token came back" test "${#OUT}" -gt 100
check "the PIN was verified on the card (one VERIFY)" test "$(grep -c '00 20 00 98 Lc=4' "$(vcard_log)")" -ge 1

with_pin 9999 login --json --trust-dir "$TRUST" --registry "$REG_URL"
expect_rc 18 "a wrong PIN: refused by the card, nothing sent to the registry"
with_pin 1234 login --json --trust-dir "$TRUST" --registry "$REG_URL"
expect_rc 0 "the right PIN again (tries reset)"

kiosk_conf "$GONE_CERT" "$GONE_KEY"
with_pin 1234 login --json --trust-dir "$TRUST" --registry "$REG_URL"
expect_rc 114 "a revoked kiosk: the registry refuses it (sync.rejected)"
check "the refusal names the API's code" grep -q "api.terminal-revoked" <<<"$OUT$ERR"

kiosk_conf "$KIOSK_CERT" "$KIOSK_KEY"
kill "$REG_PID" # the network cut: nothing answers any more
wait "$REG_PID" 2>/dev/null
with_pin 1234 login --json --trust-dir "$TRUST" --registry "$REG_URL"
expect_rc 110 "the registry unreachable: a clear network error (sync.network)"

finish
