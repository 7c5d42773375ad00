#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""link-card — a clerk's counter step for the card tests (tests/cli/test-registry.sh): sets up a
registry's keys, terminals, clerk and residents (registry_harness.Bench), starts mado-registryd,
links a card's authentication certificate to a fixture resident through the API, and prints
shell assignments (ports, paths, 宛名番号) for the calling script. The registry keeps running
(its pid is printed) until the script kills it.

  link-card.py PKI_DIR AUTH_CERT.der   (PKI_DIR: the hierarchy the card's certificates come from)"""

import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_harness import Bench, Client, Registry  # noqa: E402

bench = Bench(pki=sys.argv[1], keep=True)
reg = Registry(bench)
reg.detached = True
console = Client(reg, "console1")
console.login("clerk1")
r = console.post("/v1/card-links", {"atena_number": bench.people["head"],
                                    "certificate": base64.b64encode(open(sys.argv[2], "rb").read())
                                    .decode()})
if r.status != 201:
    sys.exit(f"link-card: {r.status} {r.raw!r}")
print(f"REG_PID={reg.proc.pid}")
print(f"REG_URL=https://127.0.0.1:{reg.port}")
print(f"REG_CA={os.path.join(bench.keys, 'ca', 'ca.pem')}")
print(f"KIOSK_CERT={bench.cert('kiosk1')}")
print(f"KIOSK_KEY={bench.key('kiosk1')}")
print(f"GONE_CERT={bench.cert('kiosk-gone')}")
print(f"GONE_KEY={bench.key('kiosk-gone')}")
print(f"REG_TMP={bench.tmp}")
print(f"HEAD={bench.people['head']}")
sys.stdout.flush()
os._exit(0)  # leave mado-registryd running for the card test
