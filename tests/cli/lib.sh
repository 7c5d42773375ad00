# SPDX-License-Identifier: GPL-3.0-or-later
# A small TAP library for mado-card end-to-end tests. Each test script runs under
# `tests/harness/pcsc-env.sh run --need-card`, so it has a private pcscd and drives cards with
# `ctl insert|remove|stop-pcscd|start-pcscd`.
set -u

CARD=${MADO_BUILD_DIR:?}/app/mado-card
# Never read a configuration from the machine running the tests.
export MADOGUCHI_CONFIG=${MADO_SOURCE_DIR:?}/tests/cli/test.conf
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# CRL indexes and other state go to the test's own directory, never the user's.
export XDG_STATE_HOME=$WORK/state

_n=0
_failed=0

ok() {
  _n=$((_n + 1))
  echo "ok $_n - $*"
}

not_ok() {
  _n=$((_n + 1))
  _failed=$((_failed + 1))
  echo "not ok $_n - $*"
}

# check DESCRIPTION COMMAND...: one TAP line from a command's status.
check() {
  local desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

finish() {
  echo "1..$_n"
  [ "$_failed" = 0 ]
}

ctl() {
  local out
  out=$("${MADO_PCSC_ENV_SH:?}" ctl "$@" 2>&1) || {
    printf '# ctl %s failed: %s\n' "$*" "$out" | sed '2,$s/^/# /' >&2
    return 1
  }
}

# card [ARGS...] — runs mado-card; sets OUT, ERR and RC. Standard input is inherited.
card() {
  "$CARD" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  return 0
}

# with_pin PIN ARGS... — like card, with PIN on standard input (--pin-stdin added).
with_pin() {
  local pin=$1
  shift
  card "$@" --pin-stdin <<<"$pin"
}

# expect_rc CODE DESCRIPTION — checks the last card run's exit code (shows stderr otherwise).
expect_rc() {
  if [ "$RC" = "$1" ]; then
    ok "$2 (exit $1)"
  else
    not_ok "$2: exit $RC, expected $1"
    printf '%s\n%s\n' "$ERR" "$OUT" | sed 's/^/# /' | head -20
  fi
}

# json_get KEY... — reads a value from OUT (JSON) by path.
json_get() {
  python3 -c '
import json, sys
v = json.loads(sys.stdin.read())
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v.get(k)
    if v is None:
        break
print("" if v is None else (json.dumps(v) if isinstance(v, (dict, list, bool)) else v))
' "$@" <<<"$OUT"
}

# The card profile the harness made (tests/pki/make-test-pki.sh) and a value from it.
profile() {
  echo "${MADO_PCSC_ENV_DIR:?}/pki/demo-resident.ini"
}

profile_path() {
  local key=$1 dir value
  dir=$(dirname "$(profile)")
  value=$(sed -n "s/^$key *= *//p" "$(profile)" | head -1)
  case "$value" in /*) echo "$value" ;; *) echo "$dir/$value" ;; esac
}

# The emulator's log of slot 0 (with --verbose: one line per APDU, headers only).
vcard_log() {
  echo "${MADO_PCSC_ENV_DIR:?}/vcard.${1:-0}.log"
}
