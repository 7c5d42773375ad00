#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# pg-cluster.sh — a private PostgreSQL cluster for the registry's tests (docs/registry-storage.md,
# "PostgreSQL"). Made in a temp dir with initdb (trust, no sync), started on a unix socket in that
# dir with no TCP at all, stopped and removed on exit.
#
#   pg-cluster.sh COMMAND [ARGS…]   runs COMMAND with MADO_REGISTRY_TEST_DSN set, returns its status
#   pg-cluster.sh                   prints the DSN and waits (Ctrl-C stops and removes the cluster)
#
# MADO_PG_CTL is exported too: the path of a small script that controls the cluster, for the
# tests of a server restart — `"$MADO_PG_CTL" restart` (pg_ctl -w restart -m fast, the same
# options), `stop` (-m fast) or `start`. It returns when pg_ctl is done, exits non-zero (with the
# server log's tail on stderr) when pg_ctl fails, and runs pg_ctl as the cluster's user.
#
# MADO_PG_DURABLE=1 (opt-in, for benchmarks: tests/bench/run-registry.sh) keeps PostgreSQL
# durable — fsync, synchronous_commit and full_page_writes on, and initdb syncs its files — so a
# confirmed commit is on disk. Unset (the tests), all three are off: faster, nothing survives a
# crash of the machine, which no test needs. MADO_PG_MAX_CONNECTIONS (opt-in, default 50) sets
# max_connections (a benchmark's clients plus a server's pool may need more).
#
# As root, the cluster runs as the `postgres` user (initdb refuses root). Without PostgreSQL's
# binaries it prints a TAP skip and exits 0.
set -eu

bindir=""
for dir in "${MADO_PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
  "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"; do
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
    bindir=$dir
    break
  fi
done
if [ -z "$bindir" ]; then
  echo "1..0 # SKIP PostgreSQL binaries (initdb, pg_ctl, postgres) not found"
  exit 0
fi

max_connections=${MADO_PG_MAX_CONNECTIONS:-50}
case "$max_connections" in
  '' | *[!0-9]*)
    echo "MADO_PG_MAX_CONNECTIONS must be a number" >&2
    exit 2
    ;;
esac

# One shell word: it's → 'it'\''s' (for the control script).
q() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mado-pg-XXXXXX")
as_pg() { "$@"; }
pg_runner="" # how the control script runs pg_ctl: as is, or through runuser or su
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    rm -rf "$tmp"
    echo "1..0 # SKIP running as root and there is no postgres user to run the cluster"
    exit 0
  fi
  chown postgres: "$tmp"
  if command -v runuser >/dev/null 2>&1; then
    as_pg() { runuser -u postgres -- "$@"; }
    pg_runner=runuser
  else
    pg_runner=su
    as_pg() {
      cmd=""
      for a in "$@"; do cmd="$cmd '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"; done
      su postgres -s /bin/sh -c "$cmd"
    }
  fi
fi

data=$tmp/data
sock=$tmp/sock
port=$((40000 + $$ % 20000)) # names the socket only: there is no TCP listener
if [ "${MADO_PG_DURABLE:-}" = 1 ]; then
  opts="-k $sock -p $port -c listen_addresses= -c fsync=on -c synchronous_commit=on"
  opts="$opts -c full_page_writes=on -c max_connections=$max_connections"
  initdb_sync=""
else
  opts="-k $sock -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off"
  opts="$opts -c full_page_writes=off -c max_connections=$max_connections"
  initdb_sync="--no-sync"
fi
started=0

cleanup() {
  status=$?
  if [ "$started" = 1 ]; then
    as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

as_pg mkdir -p "$sock"
# shellcheck disable=SC2086 # $initdb_sync: one option or none
if ! as_pg "$bindir/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale $initdb_sync \
  >"$tmp/initdb.log" 2>&1; then
  echo "initdb failed:" >&2
  cat "$tmp/initdb.log" >&2
  exit 1
fi
if ! as_pg "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 30 -o "$opts" \
  start >/dev/null 2>&1; then
  echo "the PostgreSQL server did not start:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
started=1

MADO_REGISTRY_TEST_DSN="postgresql:///postgres?host=$sock&port=$port&user=postgres"
export MADO_REGISTRY_TEST_DSN

# The control script. pg_ctl gets -l, so the server it starts writes to the log and keeps none
# of the caller's stdout or stderr open (a caller reading them would wait for the server to exit).
ctl=$tmp/pg-ctl.sh
pg_cmd="$(q "$bindir/pg_ctl") -D $(q "$data") -l $(q "$tmp/server.log") -w -t 30 -o $(q "$opts")"
case "$pg_runner" in
  runuser) run="runuser -u postgres -- $pg_cmd -m fast \"\$action\"" ;;
  su) run="su postgres -s /bin/sh -c \"$pg_cmd -m fast \$action\"" ;;
  *) run="$pg_cmd -m fast \"\$action\"" ;;
esac
cat >"$ctl" <<EOF
#!/bin/sh
# Made by tests/registry/pg-cluster.sh: restart (the default), stop or start its private cluster.
action=\${1:-restart}
case "\$action" in
  restart | stop | start) ;;
  *)
    echo "usage: \$0 [restart|stop|start]" >&2
    exit 2
    ;;
esac
if ! $run </dev/null >/dev/null; then
  echo "pg_ctl \$action failed; the server log ends:" >&2
  tail -n 20 $(q "$tmp/server.log") >&2
  exit 1
fi
EOF
chmod 755 "$ctl"
MADO_PG_CTL=$ctl
export MADO_PG_CTL

if [ $# -eq 0 ]; then
  echo "$MADO_REGISTRY_TEST_DSN"
  echo "MADO_PG_CTL=$MADO_PG_CTL" >&2
  while :; do sleep 3600; done
fi
set +e
"$@"
status=$?
set -e
if [ "$status" != 0 ] && [ -n "${MADO_PG_SHOW_LOG:-}" ]; then
  cat "$tmp/server.log" >&2
fi
exit "$status"
