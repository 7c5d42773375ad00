#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The part of run.sh that runs inside the private pcscd environment.
set -euo pipefail
build=$1 runs=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
ctl() { "$MADO_PCSC_ENV_SH" ctl "$@" >/dev/null; }
ctl insert 0 --verbose
log=$MADO_PCSC_ENV_DIR/vcard.0.log
card=("$build/app/mado-card")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# APDUs one process run sends, from the emulator's log.
apdus_of() {
  local before after
  before=$(grep -c '^mado-vcard: > ' "$log" || true)
  "$@" >/dev/null 2>&1
  after=$(grep -c '^mado-vcard: > ' "$log" || true)
  echo $((after - before))
}

inproc=$("$build/tests/bench/bench-card" "Mado Virtual PCD 00 00" "$runs")

printf '%s' "$(python3 -c 'import hashlib;print(hashlib.sha256(b"bench").hexdigest())')" \
  | xxd -r -p >"$work/digest" 2>/dev/null || python3 -c 'import hashlib,sys;sys.stdout.buffer.write(hashlib.sha256(b"bench").digest())' >"$work/digest"

mc_read_apdus=$(apdus_of bash -c "printf '1234\n' | ${card[*]} read-text --pin-stdin")
mc_auth_apdus=$(apdus_of bash -c "printf '1234\n' | ${card[*]} auth --pin-stdin")
mc_cert_apdus=$(apdus_of "${card[@]}" certs --out "$work/certs")
mc_read=$("$build/tests/bench/bench-rss" "$runs" 1234 -- "${card[@]}" read-text --pin-stdin)
mc_auth=$("$build/tests/bench/bench-rss" "$runs" 1234 -- "${card[@]}" auth --pin-stdin)

osc_cert_apdus=$(apdus_of pkcs15-tool --reader 0 --read-certificate 01 -o "$work/osc.pem")
osc_sign_apdus=$(apdus_of pkcs15-crypt --reader 0 --sign --pkcs1 --sha-256 -k 01 \
  -i "$work/digest" -o "$work/sig" --pin 1234)
osc_cert=$("$build/tests/bench/bench-rss" "$runs" '' -- pkcs15-tool --reader 0 --read-certificate 01 -o "$work/osc.pem")
osc_sign=$("$build/tests/bench/bench-rss" "$runs" '' -- pkcs15-crypt --reader 0 --sign --pkcs1 \
  --sha-256 -k 01 -i "$work/digest" -o "$work/sig" --pin 1234)

python3 - "$out" <<PY
import json, sys
r = {
  "in_process": json.loads('''$inproc'''),
  "mado_card": {
    "read_text": dict(json.loads('$mc_read'), apdus=$mc_read_apdus),
    "auth": dict(json.loads('$mc_auth'), apdus=$mc_auth_apdus),
    "certs_no_pin": {"apdus": $mc_cert_apdus},
  },
  "opensc": {
    "read_auth_certificate": dict(json.loads('$osc_cert'), apdus=$osc_cert_apdus),
    "sign": dict(json.loads('$osc_sign'), apdus=$osc_sign_apdus),
  },
}
json.dump(r, open(sys.argv[1], "w"), indent=2)
p, m, o = r["in_process"], r["mado_card"], r["opensc"]
f = p["floor"]["apdu_round_trip_ms"]
print(f"floor: one APDU through pcscd            {f:.4f} ms (median of {p['floor']['runs']})")
for k in ("read_text", "read_text_short_apdus", "authenticate"):
    x = p[k]
    print(f"in-process {k:22s} {x['apdus']:2d} APDUs {x['bytes_sent']:4d} B out {x['bytes_received']:5d} B in  "
          f"open {x['open_ms']:.3f} ms  flow {x['flow_ms']:.3f} ms  per APDU {x['ms_per_apdu']:.4f} ms "
          f"(floor +{x['ms_per_apdu'] - f:.4f})  ours/APDU {x['host_ms_per_apdu']:.4f} ms")
print(f"mado-card read-text   {m['read_text']['apdus']:3d} APDUs  wall {m['read_text']['wall_ms']:7.2f} ms  peak RSS {m['read_text']['peak_rss_kb']} kB")
print(f"mado-card auth        {m['auth']['apdus']:3d} APDUs  wall {m['auth']['wall_ms']:7.2f} ms  peak RSS {m['auth']['peak_rss_kb']} kB")
print(f"mado-card certs (no PIN, 3 certs) {m['certs_no_pin']['apdus']} APDUs")
print(f"OpenSC read auth cert {o['read_auth_certificate']['apdus']:3d} APDUs  wall {o['read_auth_certificate']['wall_ms']:7.2f} ms  peak RSS {o['read_auth_certificate']['peak_rss_kb']} kB")
print(f"OpenSC sign           {o['sign']['apdus']:3d} APDUs  wall {o['sign']['wall_ms']:7.2f} ms  peak RSS {o['sign']['peak_rss_kb']} kB")
print("results:", sys.argv[1])
PY
