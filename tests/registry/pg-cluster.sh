#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# pg-cluster.sh — a private PostgreSQL cluster for the registry's tests (docs/registry-storage.md,
# "PostgreSQL"). Made in a temp dir with initdb (trust, no sync), started on a unix socket in that
# dir with no TCP at all, stopped and removed on exit.
#
#   pg-cluster.sh COMMAND [ARGS…]   runs COMMAND with MADO_REGISTRY_TEST_DSN set, returns its status
#   pg-cluster.sh                   prints the DSN and waits (Ctrl-C stops and removes the cluster)
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mado-pg-XXXXXX")
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    rm -rf "$tmp"
    echo "1..0 # SKIP running as root and there is no postgres user to run the cluster"
    exit 0
  fi
  chown postgres: "$tmp"
  if command -v runuser >/dev/null 2>&1; then
    as_pg() { runuser -u postgres -- "$@"; }
  else
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
if ! as_pg "$bindir/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale --no-sync \
  >"$tmp/initdb.log" 2>&1; then
  echo "initdb failed:" >&2
  cat "$tmp/initdb.log" >&2
  exit 1
fi
if ! as_pg "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 30 \
  -o "-k $sock -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
  start >/dev/null 2>&1; then
  echo "the PostgreSQL server did not start:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
started=1

MADO_REGISTRY_TEST_DSN="postgresql:///postgres?host=$sock&port=$port&user=postgres"
export MADO_REGISTRY_TEST_DSN

if [ $# -eq 0 ]; then
  echo "$MADO_REGISTRY_TEST_DSN"
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
