#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mado-card auth and certs; wrong PINs; the signature password.
source "$(dirname "$0")/lib.sh"

ctl insert 0 --verbose

with_pin 1234 auth --json --trace --challenge 00112233445566778899AABBCCDDEEFF
expect_rc 0 "auth with a given challenge"
check "auth: verified" test "$(json_get verified)" = true
check "auth: the challenge signed is the one given" \
  test "$(json_get challenge)" = 00112233445566778899AABBCCDDEEFF
check "auth: certificate serial reported" test -n "$(json_get certificate serial)"
check "auth: 5 APDUs (cert, tries, VERIFY, sign and the selection)" grep -q "summary: 5 APDUs" <<<"$ERR"
# The signature verifies with openssl too, over SHA-256 of the challenge.
json_get signature | base64 -d >"$WORK/sig"
openssl x509 -inform DER -in "$(profile_path auth_cert)" -pubkey -noout >"$WORK/pub.pem" 2>/dev/null \
  || openssl x509 -in "$(profile_path auth_cert)" -pubkey -noout >"$WORK/pub.pem"
printf '\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff' >"$WORK/challenge"
check "auth: openssl verifies the card's signature" \
  bash -c 'openssl dgst -sha256 -verify "$1" -signature "$2" "$3" >/dev/null' _ "$WORK/pub.pem" "$WORK/sig" "$WORK/challenge"

with_pin 1234 auth --json
expect_rc 0 "auth with a random challenge"
check "auth: a random challenge is 32 bytes" test "$(json_get challenge | wc -c)" = 65

card certs --out "$WORK/certs" --json
expect_rc 0 "certs"
for kind in auth auth-ca sign-ca; do
  key=$(case $kind in auth) echo auth_cert ;; auth-ca) echo auth_ca_cert ;; sign-ca) echo sign_ca_cert ;; esac)
  openssl x509 -in "$(profile_path $key)" -outform DER -out "$WORK/expect-$kind.der" 2>/dev/null \
    || cp "$(profile_path $key)" "$WORK/expect-$kind.der"
  check "certs: $kind.der is the card's certificate, byte for byte" \
    cmp -s "$WORK/certs/$kind.der" "$WORK/expect-$kind.der"
done
check "certs: no signature certificate without the password" test ! -e "$WORK/certs/sign.der"

card certs --out "$WORK/certs2" --sign-password-stdin --json <<<"abc123"
expect_rc 0 "certs with the signature password (lower case accepted)"
check "certs: sign.der written" test -s "$WORK/certs2/sign.der"
check "sign certificate carries the name in its subjectAltName" \
  bash -c 'openssl x509 -inform DER -in "$1" -noout -text | grep -q "1.2.392.200149.8.5.5.1"' _ "$WORK/certs2/sign.der"

# A malformed entry costs no try and sends nothing.
with_pin 12a4 auth --json
expect_rc 17 "a malformed PIN is refused before the card"
card info --json
check "no try was spent on it" test "$(json_get pins auth tries_left)" = 3
card certs --out "$WORK/c3" --sign-password-stdin <<<"ABCDEF"
expect_rc 17 "a password without digits is refused before the card"

# Wrong PIN three times: the person sees 2, 1, then blocked; a fourth attempt sends no VERIFY.
verifies_before=$(grep -c "00 20 00 98 Lc=4" "$(vcard_log)")
with_pin 9999 auth --json
expect_rc 18 "wrong PIN (1)"
check "wrong PIN (1): 2 tries left" test "$(json_get error tries_left)" = 2
with_pin 9999 auth --json
expect_rc 18 "wrong PIN (2)"
check "wrong PIN (2): 1 try left" test "$(json_get error tries_left)" = 1
with_pin 9999 auth --json
expect_rc 19 "wrong PIN (3): blocked"
with_pin 1234 auth --json
expect_rc 19 "a fourth attempt, even with the right PIN: blocked"
verifies_after=$(grep -c "00 20 00 98 Lc=4" "$(vcard_log)")
check "exactly three VERIFY commands reached the card" test $((verifies_after - verifies_before)) = 3
card info --json
check "info shows the auth PIN blocked" test "$(json_get pins auth blocked)" = true
check "the other PINs are untouched" test "$(json_get pins text tries_left)" = 3

finish
