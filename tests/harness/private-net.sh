#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# private-net.sh COMMAND [ARG...] — runs COMMAND in a new network namespace where only loopback
# is up, so servers a test starts there (an `openssl ocsp` responder binds every interface and
# has no option not to) are reachable from the test and from nothing else. Needs root or
# unprivileged user namespaces, like the rest of the bench.
set -euo pipefail
userns=()
[ "$(id -u)" = 0 ] || userns=(--user --map-root-user)
exec unshare "${userns[@]}" --net -- sh -c 'ip link set lo up && exec "$@"' private-net "$@"
