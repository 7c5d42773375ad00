#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad input gets a clear error and loses nothing: no service, no reader, no card, a pulled card,
# malformed card data, wrong status words, a garbage certificate.
source "$(dirname "$0")/lib.sh"

# no card in the reader
card info
expect_rc 12 "no card"
check "no card: the message says so" grep -q "card.no-card" <<<"$ERR"

# the named reader does not exist
card info --reader "No Such Reader"
expect_rc 11 "no such reader"

# waiting for a card that never comes ends, with the same clear error
card info --wait 1
expect_rc 12 "--wait gives up when no card comes"

# a card inserted while mado-card waits for one
card_later() { sleep 0.5; ctl insert 0; }
card_later &
card info --json --wait 10
wait
expect_rc 0 "--wait picks up a card inserted later"
ctl remove 0

# the card pulled in the middle of read-text (after SELECT, tries, VERIFY, first READ)
ctl insert 0 --pull-after 4
with_pin 1234 read-text --json
expect_rc 13 "card pulled mid-read"
check "card pulled: nothing but the error on standard output" \
  bash -c '[ "$(python3 -c "import json,sys; print(list(json.load(sys.stdin)))" <<<"$1")" = "['"'"'error'"'"']" ]' _ "$OUT"
check "card pulled: no personal data printed" bash -c '! grep -qE "花子|霞が関|9018" <<<"$1$2"' _ "$OUT" "$ERR"
ctl remove 0 || true

# malformed card data: each ends in card.malformed with no record handed on
for kind in text-truncated text-overlong number-garbage number-check-digit; do
  ctl insert 0 --malform "$kind"
  with_pin 1234 read-text --json
  expect_rc 22 "read-text, card answers $kind"
  check "$kind: no attributes printed" bash -c '! grep -q "\"name\"" <<<"$1"' _ "$OUT"
  ctl remove 0
done

# a certificate file with garbage: error, and not one file written
for kind in cert-garbage cert-truncated; do
  ctl insert 0 --malform "$kind"
  card certs --out "$WORK/certs-$kind"
  if [ "$RC" = 22 ] || [ "$RC" = 6 ]; then ok "certs, $kind: card.malformed or app.certificate-parse (exit $RC)"
  else not_ok "certs, $kind: exit $RC"; sed 's/^/# /' <<<"$ERR"; fi
  check "certs, $kind: no files written" bash -c '[ ! -e "$1" ] || [ -z "$(ls -A "$1")" ]' _ "$WORK/certs-$kind"
  ctl remove 0
done

# wrong status words
ctl insert 0 --malform bad-sw
with_pin 1234 read-text --json
expect_rc 23 "READ BINARY answers 6F 00"
ctl remove 0

# a signature that does not verify with the certificate's key
ctl insert 0 --malform sign-wrong
with_pin 1234 auth --json
expect_rc 5 "a card whose signature does not verify"
ctl remove 0

# not a My Number card: the emulator without its applets
ctl insert 0 --malform no-applets
card info --json
expect_rc 16 "not a My Number card"
check "not a My Number card: the error id" test "$(json_get error id)" = card.not-mynumber
ctl remove 0

# pcscd not running
ctl stop-pcscd
card info
expect_rc 10 "no reader service"
card readers --json
expect_rc 10 "readers: no reader service"
check "readers: the error says no-service" test "$(json_get error id)" = card.no-service
ctl start-pcscd
ctl insert 0
card info --json
expect_rc 0 "pcscd started again: the card reads"

finish
