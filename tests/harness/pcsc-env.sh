#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pcsc-env.sh — a private pcscd with the vpcd driver, in its own mount and network namespace,
# and mado-vcard cards inserted into it. For tests and the demo. Nothing listens beyond this
# machine: the vpcd port lives in pcscd's private network namespace, and clients reach pcscd
# through a Unix socket path (PCSCLITE_CSOCK_NAME), which is not network-namespaced.
#
# As a bash library (source it; every process it starts is a child of your shell):
#   pcsc_env_start                 work dir + pcscd; exports PCSCLITE_CSOCK_NAME, MADO_PCSC_ENV_DIR;
#                                  installs an EXIT trap that runs pcsc_env_cleanup (if you set
#                                  your own EXIT trap afterwards, call pcsc_env_cleanup from it)
#   pcsc_env_insert [SLOT [ARG...]]   mado-vcard into slot 0|1 (extra ARGs go to mado-vcard);
#                                  returns once pcscd reports the card present
#   pcsc_env_remove [SLOT]         kills that emulator (= card pulled); returns once absent
#   pcsc_env_stop_pcscd            stops pcscd and the emulators of its namespace; returns once
#                                  clients get SCARD_E_NO_SERVICE
#   pcsc_env_start_pcscd           a new pcscd in a new namespace on the same socket path
#   pcsc_env_reader SLOT           prints the reader name of a slot
#   pcsc_env_cleanup               stops everything (by PID, then waits), removes the work dir
#
# As a command:
#   pcsc-env.sh run [--need-card] [--] PROGRAM [ARG...]
#       starts the environment, runs PROGRAM with it, serves PROGRAM's `ctl` commands, cleans
#       up, and exits with PROGRAM's status (77 = skipped when the bench is not available).
#   pcsc-env.sh ctl COMMAND [ARG...]   (from inside PROGRAM; needs MADO_PCSC_ENV_DIR)
#       COMMAND: insert [SLOT [ARG...]] | remove [SLOT] | stop-pcscd | start-pcscd | ping
#       Prints "ok" or the error, exits 0 or 1.
#   pcsc-env.sh shell [--need-card]    an interactive shell with the environment (for people)
#
# Environment:
#   MADO_PCSC_PORT        vpcd base port (slot 0; slot 1 is +1). Default 35963.
#   MADO_PCSCD_APDU_LOG=1 run pcscd with --debug --apdu (the log then holds APDUs: test data only)
#   MADO_PCSC_WAIT        the mado-pcsc-wait helper (default $MADO_BUILD_DIR/tests/harness/)
#   MADO_VCARD            the emulator (default $MADO_BUILD_DIR/smartcard/vcard/mado-vcard)
#   MADO_VCARD_PROFILE    the card profile; default: made once per environment with
#                         $MADO_SOURCE_DIR/tests/pki/make-test-pki.sh (demo-resident.ini)
#   MADO_BUILD_DIR, MADO_SOURCE_DIR   build and source roots (source defaults to ../.. of here)
#   MADO_PCSC_KEEP=1      keep the work dir (logs) after cleanup
#   MADO_REQUIRE_BENCH=1  fail (instead of skipping with 77) when the bench cannot run
#   TMPDIR                where the work dir is made
#
# Needs root, or unprivileged user namespaces. Reader names: "Mado Virtual PCD 00 00" (slot 0),
# "Mado Virtual PCD 00 01" (slot 1).

PCSC_ENV_FRIENDLYNAME="Mado Virtual PCD"
PCSC_ENV_DRIVER=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
PCSC_ENV_SELF=$(readlink -f "${BASH_SOURCE[0]}")
: "${MADO_SOURCE_DIR:=$(cd "$(dirname "$PCSC_ENV_SELF")/../.." && pwd)}"

PCSC_ENV_DIR=
PCSCD_PID=
PCSC_ENV_PROG_PID=
declare -a PCSC_ENV_CARD_PID=()

_pcsc_env_log() {
  printf 'pcsc-env: %s\n' "$*" >&2
}

pcsc_env_reader() {
  printf '%s 00 %02d\n' "$PCSC_ENV_FRIENDLYNAME" "${1:-0}"
}

# Whether the bench can run here: prints the reason and returns 1 when not.
pcsc_env_check() {
  local -
  set +eu
  local need_card=${1:-}
  command -v pcscd >/dev/null || { _pcsc_env_log "pcscd not installed"; return 1; }
  command -v unshare >/dev/null || { _pcsc_env_log "unshare not installed"; return 1; }
  command -v nsenter >/dev/null || { _pcsc_env_log "nsenter not installed"; return 1; }
  command -v ip >/dev/null || { _pcsc_env_log "ip (iproute2) not installed"; return 1; }
  [ -e "$PCSC_ENV_DRIVER" ] || { _pcsc_env_log "vpcd driver missing: $PCSC_ENV_DRIVER"; return 1; }
  _pcsc_env_wait_helper >/dev/null || { _pcsc_env_log "mado-pcsc-wait not found (set MADO_PCSC_WAIT or MADO_BUILD_DIR)"; return 1; }
  local userns=()
  [ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
  unshare "${userns[@]}" --mount --net true 2>/dev/null \
    || { _pcsc_env_log "cannot create mount+net namespaces (need root or user namespaces)"; return 1; }
  if [ -n "$need_card" ]; then
    _pcsc_env_vcard >/dev/null || { _pcsc_env_log "mado-vcard not found (set MADO_VCARD or MADO_BUILD_DIR)"; return 1; }
    [ -n "${MADO_VCARD_PROFILE:-}" ] || [ -x "$MADO_SOURCE_DIR/tests/pki/make-test-pki.sh" ] \
      || { _pcsc_env_log "no card profile (set MADO_VCARD_PROFILE; tests/pki/make-test-pki.sh missing)"; return 1; }
  fi
  return 0
}

_pcsc_env_wait_helper() {
  local c
  for c in "${MADO_PCSC_WAIT:-}" "${MADO_BUILD_DIR:+$MADO_BUILD_DIR/tests/harness/mado-pcsc-wait}"; do
    [ -n "$c" ] && [ -x "$c" ] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}

_pcsc_env_vcard() {
  local c
  for c in "${MADO_VCARD:-}" "${MADO_BUILD_DIR:+$MADO_BUILD_DIR/smartcard/vcard/mado-vcard}"; do
    [ -n "$c" ] && [ -x "$c" ] && { printf '%s\n' "$c"; return 0; }
  done
  return 1
}

_pcsc_env_wait() {
  "$(_pcsc_env_wait_helper)" "$@"
}

# True while @pid exists and is not a zombie.
_pcsc_env_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Stops one of our children: TERM, up to ~3 s, then KILL; always reaps it.
_pcsc_env_kill() {
  local -
  set +eu
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 150; i++)); do
    _pcsc_env_alive "$pid" || break
    sleep 0.02
  done
  if _pcsc_env_alive "$pid"; then
    _pcsc_env_log "pid $pid ignored SIGTERM; killing"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
  return 0
}

pcsc_env_start_pcscd() {
  local -
  set +eu
  local D=$PCSC_ENV_DIR debug=() userns=() i
  [ -n "$D" ] || { _pcsc_env_log "no environment (pcsc_env_start first)"; return 1; }
  [ -z "$PCSCD_PID" ] || { _pcsc_env_log "pcscd already running ($PCSCD_PID)"; return 1; }
  [ "${MADO_PCSCD_APDU_LOG:-0}" = 1 ] && debug=(--debug --apdu)
  [ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
  # A pcscd killed hard leaves its socket and pid file behind; the next one would refuse.
  rm -f "$D/sock/pcscd.comm" "$D/sock/pcscd.pid"
  # unshare and sh exec, so $! is pcscd itself.
  unshare "${userns[@]}" --mount --net --propagation private \
    sh -c 'd=$1; shift; ip link set lo up && mkdir -p /run/pcscd && mount --bind "$d/sock" /run/pcscd && exec pcscd --foreground --config "$d/conf" "$@"' \
    sh "$D" "${debug[@]}" >>"$D/pcscd.log" 2>&1 </dev/null &
  PCSCD_PID=$!
  printf '%s\n' "$PCSCD_PID" >"$D/pcscd.pid-outer"
  for ((i = 0; i < 250; i++)); do
    [ -S "$D/sock/pcscd.comm" ] && break
    _pcsc_env_alive "$PCSCD_PID" || break
    sleep 0.02
  done
  if ! _pcsc_env_alive "$PCSCD_PID" || ! _pcsc_env_wait --timeout-ms 5000 readers 2; then
    _pcsc_env_log "pcscd did not come up; log:"
    tail -n 20 "$D/pcscd.log" >&2
    _pcsc_env_kill "$PCSCD_PID"
    PCSCD_PID=
    return 1
  fi
  return 0
}

pcsc_env_stop_pcscd() {
  local -
  set +eu
  local slot
  for slot in "${!PCSC_ENV_CARD_PID[@]}"; do
    _pcsc_env_kill "${PCSC_ENV_CARD_PID[$slot]}"
    unset "PCSC_ENV_CARD_PID[$slot]"
  done
  [ -n "$PCSCD_PID" ] || return 0
  _pcsc_env_kill "$PCSCD_PID"
  PCSCD_PID=
  rm -f "$PCSC_ENV_DIR/sock/pcscd.comm" "$PCSC_ENV_DIR/sock/pcscd.pid"
  _pcsc_env_wait --timeout-ms 5000 noservice
}

pcsc_env_start() {
  local -
  set +eu
  local port=${MADO_PCSC_PORT:-35963}
  [ -z "$PCSC_ENV_DIR" ] || { _pcsc_env_log "already started: $PCSC_ENV_DIR"; return 1; }
  pcsc_env_check || return 1
  PCSC_ENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mado-pcsc.XXXXXX") || return 1
  trap pcsc_env_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$PCSC_ENV_DIR/conf" "$PCSC_ENV_DIR/sock"
  printf 'FRIENDLYNAME "%s"\nDEVICENAME /dev/null:%s\nLIBPATH %s\n' \
    "$PCSC_ENV_FRIENDLYNAME" "$port" "$PCSC_ENV_DRIVER" >"$PCSC_ENV_DIR/conf/vpcd"
  printf '%s\n' "$port" >"$PCSC_ENV_DIR/port"
  export PCSCLITE_CSOCK_NAME=$PCSC_ENV_DIR/sock/pcscd.comm
  export MADO_PCSC_ENV_DIR=$PCSC_ENV_DIR
  pcsc_env_start_pcscd
}

_pcsc_env_profile() {
  if [ -n "${MADO_VCARD_PROFILE:-}" ]; then
    printf '%s\n' "$MADO_VCARD_PROFILE"
    return 0
  fi
  local pki=$PCSC_ENV_DIR/pki
  if [ ! -e "$pki/demo-resident.ini" ]; then
    "$MADO_SOURCE_DIR/tests/pki/make-test-pki.sh" "$pki" >"$PCSC_ENV_DIR/pki.log" 2>&1 \
      || { _pcsc_env_log "make-test-pki.sh failed; see $PCSC_ENV_DIR/pki.log"; return 1; }
  fi
  printf '%s\n' "$pki/demo-resident.ini"
}

pcsc_env_insert() {
  local -
  set +eu
  local slot=${1:-0} vcard profile port reader
  [ $# -gt 0 ] && shift
  [ -n "$PCSCD_PID" ] || { _pcsc_env_log "pcscd is not running"; return 1; }
  case $slot in 0 | 1) ;; *) _pcsc_env_log "slot must be 0 or 1"; return 1 ;; esac
  [ -z "${PCSC_ENV_CARD_PID[$slot]:-}" ] || { _pcsc_env_log "slot $slot already holds a card"; return 1; }
  vcard=$(_pcsc_env_vcard) || { _pcsc_env_log "mado-vcard not found"; return 1; }
  profile=$(_pcsc_env_profile) || return 1
  port=$(($(cat "$PCSC_ENV_DIR/port") + slot))
  reader=$(pcsc_env_reader "$slot")
  # nsenter execs the emulator (no fork for --net), so $! is the emulator itself. Without root,
  # pcscd's namespaces belong to its user namespace: join that too, keeping our credentials.
  local join=(--net="/proc/$PCSCD_PID/ns/net")
  [ "$(id -u)" = 0 ] || join=(--user="/proc/$PCSCD_PID/ns/user" --preserve-credentials "${join[@]}")
  nsenter "${join[@]}" "$vcard" --profile "$profile" --host 127.0.0.1 \
    --port "$port" "$@" >>"$PCSC_ENV_DIR/vcard.$slot.log" 2>&1 </dev/null &
  PCSC_ENV_CARD_PID[$slot]=$!
  if ! _pcsc_env_wait --timeout-ms 5000 present "$reader"; then
    _pcsc_env_log "card did not appear in $reader; emulator log:"
    tail -n 20 "$PCSC_ENV_DIR/vcard.$slot.log" >&2
    _pcsc_env_kill "${PCSC_ENV_CARD_PID[$slot]}"
    unset "PCSC_ENV_CARD_PID[$slot]"
    return 1
  fi
}

pcsc_env_remove() {
  local -
  set +eu
  local slot=${1:-0}
  [ -n "${PCSC_ENV_CARD_PID[$slot]:-}" ] || { _pcsc_env_log "slot $slot holds no card"; return 1; }
  _pcsc_env_kill "${PCSC_ENV_CARD_PID[$slot]}"
  unset "PCSC_ENV_CARD_PID[$slot]"
  [ -z "$PCSCD_PID" ] || _pcsc_env_wait --timeout-ms 5000 absent "$(pcsc_env_reader "$slot")"
}

pcsc_env_cleanup() {
  local -
  set +eu
  local slot
  # Interrupted while the program of `run` still runs: it goes first.
  _pcsc_env_kill "$PCSC_ENV_PROG_PID"
  PCSC_ENV_PROG_PID=
  for slot in "${!PCSC_ENV_CARD_PID[@]}"; do
    _pcsc_env_kill "${PCSC_ENV_CARD_PID[$slot]}"
  done
  PCSC_ENV_CARD_PID=()
  _pcsc_env_kill "$PCSCD_PID"
  PCSCD_PID=
  if [ -n "$PCSC_ENV_DIR" ]; then
    if [ "${MADO_PCSC_KEEP:-0}" = 1 ]; then
      _pcsc_env_log "kept $PCSC_ENV_DIR"
    else
      rm -rf "$PCSC_ENV_DIR"
    fi
  fi
  PCSC_ENV_DIR=
}

pcsc_env_run() {
  local -
  set +eu
  local need_card='' prog rc line
  [ "${1:-}" = --need-card ] && { need_card=1; shift; }
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || { _pcsc_env_log "run: no program"; return 2; }
  if ! pcsc_env_check "$need_card" 2>"${TMPDIR:-/tmp}/.pcsc-env-skip.$$"; then
    # scripts/test sets MADO_REQUIRE_BENCH=1: there, a missing bench is a failure, not a skip.
    if [ "${MADO_REQUIRE_BENCH:-0}" = 1 ]; then
      cat "${TMPDIR:-/tmp}/.pcsc-env-skip.$$" >&2
      rm -f "${TMPDIR:-/tmp}/.pcsc-env-skip.$$"
      _pcsc_env_log "the bench is required (MADO_REQUIRE_BENCH=1)"
      return 1
    fi
    # Skipped: say so to a TAP reader too (meson runs these tests with protocol 'tap').
    printf '1..0 # SKIP %s\n' "$(tr '\n' ' ' <"${TMPDIR:-/tmp}/.pcsc-env-skip.$$")"
    cat "${TMPDIR:-/tmp}/.pcsc-env-skip.$$" >&2
    rm -f "${TMPDIR:-/tmp}/.pcsc-env-skip.$$"
    return 77
  fi
  pcsc_env_start || return 1
  export MADO_PCSC_ENV_SH=$PCSC_ENV_SELF
  mkfifo "$PCSC_ENV_DIR/ctl" "$PCSC_ENV_DIR/reply"
  # Read-write opens never block and keep both FIFOs open for the whole run.
  exec 7<>"$PCSC_ENV_DIR/ctl" 8<>"$PCSC_ENV_DIR/reply"
  # A background job would get /dev/null as stdin: hand it ours (for `shell`).
  exec 6<&0
  "$@" <&6 6<&- 7>&- 8>&- &
  prog=$!
  PCSC_ENV_PROG_PID=$prog
  # A read that times out mid-line keeps what it got in $chunk: carry it over, or a command
  # written just as the timeout fires loses its first bytes ("emove 0").
  local partial='' chunk
  while _pcsc_env_alive "$prog"; do
    if read -r -t 0.2 -u 7 chunk; then
      line=$partial$chunk
      partial=''
      _pcsc_env_serve_one_in_place "$line" >&8
    else
      partial+=$chunk
    fi
  done
  wait "$prog"
  rc=$?
  PCSC_ENV_PROG_PID=
  exec 6<&- 7>&- 8>&-
  return $rc
}

# The serving loop must keep the PIDs of what it starts, so commands run in this shell (not in
# a command substitution); their stderr goes to a file that becomes the error text.
_pcsc_env_serve_one_in_place() {
  local -
  set +eu
  local -a words
  local rc=0 errf=$PCSC_ENV_DIR/ctl.err
  read -r -a words <<<"$1"
  case ${words[0]:-} in
    insert) pcsc_env_insert "${words[@]:1}" 2>"$errf" >&2 || rc=$? ;;
    remove) pcsc_env_remove "${words[@]:1}" 2>"$errf" >&2 || rc=$? ;;
    stop-pcscd) pcsc_env_stop_pcscd 2>"$errf" >&2 || rc=$? ;;
    start-pcscd) pcsc_env_start_pcscd 2>"$errf" >&2 || rc=$? ;;
    ping) : >"$errf" ;;
    *) echo "unknown command: ${words[0]:-}" >"$errf"; rc=1 ;;
  esac
  if [ $rc = 0 ]; then
    printf 'ok\n'
  else
    printf 'error: %s\n' "$(tr '\n' ' ' <"$errf")"
  fi
}

pcsc_env_ctl() {
  local -
  set +eu
  local D=${MADO_PCSC_ENV_DIR:-} answer
  [ -n "$D" ] && [ -p "$D/ctl" ] || { _pcsc_env_log "ctl: not inside 'pcsc-env.sh run'"; return 2; }
  [ $# -gt 0 ] || { _pcsc_env_log "ctl: no command"; return 2; }
  printf '%s\n' "$*" >"$D/ctl"
  if ! read -r -t 60 answer <"$D/reply"; then
    _pcsc_env_log "ctl: no answer to '$*'"
    return 1
  fi
  printf '%s\n' "$answer"
  [ "$answer" = ok ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  cmd=${1:-}
  [ $# -gt 0 ] && shift
  case $cmd in
    run)
      pcsc_env_run "$@"
      exit $?
      ;;
    ctl)
      pcsc_env_ctl "$@"
      exit $?
      ;;
    shell)
      # An interactive shell as the program: `pcsc-env.sh ctl insert 0` etc. work inside it.
      printf 'pcsc-env: readers "%s", "%s"; use "$MADO_PCSC_ENV_SH" ctl ...; exit to stop\n' \
        "$(pcsc_env_reader 0)" "$(pcsc_env_reader 1)" >&2
      pcsc_env_run "$@" -- "${SHELL:-bash}" -i
      exit $?
      ;;
    *)
      sed -n '3,44p' "$PCSC_ENV_SELF" | sed 's/^# \{0,1\}//'
      [ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = --help ]
      exit $?
      ;;
  esac
fi
