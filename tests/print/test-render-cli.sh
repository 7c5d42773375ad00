#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mado-print render end to end: every sample renders (with --test-mode, the mark is on every
# page), and each bad input exits with its code from the error catalogue (docs/errors.md).
set -euo pipefail
: "${MADO_PRINT:?}" "${MADO_SOURCE_DIR:?}"
samples="$MADO_SOURCE_DIR/data/samples/documents"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
fail() { echo "not ok - $*"; exit 1; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }

openssl ecparam -genkey -name prime256v1 -noout -out "$work/ec.pem"
openssl pkey -in "$work/ec.pem" -out "$work/key.pem"

for kind in juminhyo kisai_jiko inkan tennyu tenshutsu tenkyo setai_henko ticket; do
  "$MADO_PRINT" render --doc "$kind" --data "$samples/$kind.json" --out "$work/$kind.pdf" \
    --sign-key "$work/key.pem" --test-mode || fail "$kind renders"
  pages=$(pdfinfo "$work/$kind.pdf" | sed -n 's/^Pages: *//p')
  for p in $(seq 1 "$pages"); do
    pdftotext -f "$p" -l "$p" "$work/$kind.pdf" - | tr -d ' ' | grep -q '見本・テスト' \
      || fail "$kind page $p has the test mark"
  done
  ok "$kind renders, $pages page(s), each marked 見本・テスト"
done

# expect CODE DESCRIPTION NEEDLE -- ARGS…
expect() {
  local code=$1 what=$2 needle=$3
  shift 4
  set +e
  "$MADO_PRINT" render "$@" 2>"$work/err"
  local rc=$?
  set -e
  [ "$rc" -eq "$code" ] || fail "$what: exit $rc, expected $code ($(cat "$work/err"))"
  grep -qF -- "$needle" "$work/err" || fail "$what: “$needle” not in: $(cat "$work/err")"
  ok "$what → exit $code"
}

jq_set() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(d,open(sys.argv[3],"w"),ensure_ascii=False)' "$@"; }

expect 40 "unknown kind" "koseki" -- --doc koseki --data "$samples/juminhyo.json" --out "$work/x.pdf" --sign-key "$work/key.pem"
jq_set "$samples/juminhyo.json" 'del(d["persons"][1]["name"])' "$work/missing.json"
expect 41 "missing field" "persons[1].name" -- --doc juminhyo --data "$work/missing.json" --out "$work/x.pdf" --sign-key "$work/key.pem"
expect 48 "certificate without a key" "sign-key" -- --doc juminhyo --data "$samples/juminhyo.json" --out "$work/x.pdf"
jq_set "$samples/juminhyo.json" 'd["persons"][0]["name"]="髙橋 \ue000一"' "$work/pua.json"
expect 43 "a character no font has" "U+E000" -- --doc juminhyo --data "$work/pua.json" --out "$work/x.pdf" --sign-key "$work/key.pem"
jq_set "$samples/inkan.json" 'd["person"]["address"]="東京都葛\U000E0100飾区"' "$work/vs.json"
expect 44 "a variation sequence IPAmj lacks" "U+845B U+E0100" -- --doc inkan --data "$work/vs.json" --out "$work/x.pdf" --sign-key "$work/key.pem"
jq_set "$samples/kisai_jiko.json" 'd["persons"][0]["name"]="佐藤 "+"寿限無寿限無五劫の擦り切れ"*20' "$work/long.json"
expect 45 "an overlong name" "persons[0].name" -- --doc kisai_jiko --data "$work/long.json" --out "$work/x.pdf" --sign-key "$work/key.pem"
expect 46 "an MJ+ font not installed" "No Such Font" -- --doc ticket --data "$samples/ticket.json" --out "$work/x.pdf" --name-font IPAmjMincho --name-font "No Such Font"
[ ! -e "$work/x.pdf" ] || fail "a refused document left a file"
ok "no refused document left a file"
echo "1..$n"
