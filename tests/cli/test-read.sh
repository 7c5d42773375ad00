#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mado-card readers / info / read-text against mado-vcard behind a private pcscd.
source "$(dirname "$0")/lib.sh"

ctl insert 0 --verbose

card readers --json
expect_rc 0 "readers"
check "readers lists both virtual readers" grep -q "Mado Virtual PCD 00 01" <<<"$OUT"

card info --json
expect_rc 0 "info"
check "info: card kind" test "$(json_get card)" = mynumber
check "info: ATR" test "$(json_get atr)" = 3BE000FF8131FE4514
check "info: auth tries" test "$(json_get pins auth tries_left)" = 3
check "info: sign tries" test "$(json_get pins sign tries_left)" = 5
check "info: text tries" test "$(json_get pins text tries_left)" = 3

with_pin 1234 read-text --json --trace
expect_rc 0 "read-text"
check "read-text: name" test "$(json_get name)" = "窓口　花子"
check "read-text: address" test "$(json_get address)" = "東京都千代田区霞が関１丁目２番３号"
check "read-text: birth date ISO 8601" test "$(json_get birth_date)" = 1985-04-12
check "read-text: sex code" test "$(json_get sex)" = 2
check "read-text: number masked" test "$(json_get individual_number)" = "********9018"
check "read-text: 5 APDUs in all" grep -q "summary: 5 APDUs" <<<"$ERR"
# The trace holds headers, lengths and status words: never the PIN, the number or the name.
check "trace: no PIN bytes" bash -c '! grep -qiE "31 ?32 ?33 ?34|1234" <<<"$1"' _ "$ERR"
check "trace: no individual number" bash -c '! grep -q "9018" <<<"$1"' _ "$ERR"
check "trace: no name" bash -c '! grep -q "窓口" <<<"$1"' _ "$ERR"
check "trace: VERIFY marked secret" grep -q "00 20 00 91 Lc=4 Le=0 \[secret\]" <<<"$ERR"

with_pin 1234 read-text --json --show-number
expect_rc 0 "read-text --show-number"
check "read-text: number shown" test "$(json_get individual_number)" = "314792789018"

card read-text --json </dev/null
expect_rc 2 "read-text without a terminal or --pin-stdin refuses"

# human output
with_pin 1234 read-text
expect_rc 0 "read-text (human)"
check "human output names the person" grep -q "氏名: 窓口　花子" <<<"$OUT"
check "human output shows the sex as a word" grep -q "性別: 女 (2)" <<<"$OUT"
check "human output masks the number" grep -q "個人番号: \*\*\*\*\*\*\*\*9018" <<<"$OUT"

# A contactless reader without extended length: the emulator refuses extended APDUs with 67 00.
ctl remove 0
ctl insert 0 --no-extended
with_pin 1234 read-text --json --trace
expect_rc 0 "read-text on a reader without extended length"
check "fallback: same attributes" test "$(json_get name)" = "窓口　花子"
check "fallback: one refused extended read, then short reads" grep -q "SW=6700" <<<"$ERR"
check "fallback: 6 APDUs (one more than with extended length)" grep -q "summary: 6 APDUs" <<<"$ERR"
with_pin 1234 read-text --json --trace --no-extended
expect_rc 0 "read-text with --no-extended"
check "--no-extended: 5 APDUs, none extended" \
  bash -c 'grep -q "summary: 5 APDUs" <<<"$1" && ! grep -q "extended (" <<<"$1"' _ "$ERR"

# watch: readers and cards coming and going, one JSON line each
ctl remove 0
"$CARD" watch --count 5 --wait 20 >"$WORK/watch" 2>"$WORK/watch.err" &
watch_pid=$!
for _ in $(seq 100); do [ "$(wc -l <"$WORK/watch")" -ge 3 ] && break; sleep 0.05; done
ctl insert 0
ctl remove 0
wait "$watch_pid"
RC=$?
expect_rc 0 "watch ends after --count events"
check "watch: service ready" grep -q '"event":"ready"' "$WORK/watch"
check "watch: both readers added" test "$(grep -c '"event":"reader-added"' "$WORK/watch")" = 2
check "watch: card inserted with its ATR" \
  grep -q '"event":"card-inserted","reader":"Mado Virtual PCD 00 00","atr":"3BE000FF8131FE4514"' "$WORK/watch"
check "watch: card removed" grep -q '"event":"card-removed","reader":"Mado Virtual PCD 00 00"' "$WORK/watch"
ctl insert 0

# A configuration file is honoured and flags override it.
cat >"$WORK/other.conf" <<'CONF'
[card]
reader = No Such Reader
CONF
card info --config "$WORK/other.conf"
expect_rc 11 "info with a configured reader that does not exist"
card info --config "$WORK/other.conf" --reader "Mado Virtual PCD 00 00"
expect_rc 0 "--reader overrides the configuration"
printf '[card]\nreadr = typo\n' >"$WORK/typo.conf"
card info --config "$WORK/typo.conf"
expect_rc 3 "a typo in the configuration is an error"
check "the error names the key" grep -q "readr" <<<"$ERR"

finish
