#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The card benchmark: tests/bench/run.sh [BUILD_DIR] [RUNS]
# Starts a private pcscd with mado-vcard (tests/harness/pcsc-env.sh) and measures, in one run:
#   - the floor: one APDU's round trip through pcscd (bench-card, SCardTransmit alone)
#   - our driver in-process: read-text and authenticate (APDUs, bytes, wall, host time per APDU)
#   - mado-card as a process: the same two flows, wall time and peak memory
#   - OpenSC on the same card: pkcs15-tool reading the auth certificate, pkcs15-crypt signing
# APDU counts of processes come from the emulator's own log (every APDU it answered).
# Writes BUILD_DIR/bench/results.json and prints a table.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${2:-50}
export MADO_SOURCE_DIR=$root MADO_BUILD_DIR=$build MADOGUCHI_CONFIG=$root/tests/cli/test.conf
ninja -C "$build" app/mado-card tests/bench/bench-card tests/bench/bench-rss smartcard/vcard/mado-vcard \
  tests/harness/mado-pcsc-wait >/dev/null
mkdir -p "$build/bench"
exec "$root/tests/harness/pcsc-env.sh" run --need-card -- \
  "$root/tests/bench/bench-inner.sh" "$build" "$runs" "$build/bench/results.json"
