# SPDX-License-Identifier: GPL-3.0-or-later
"""registry_harness — what the registry's API tests share: the test PKI, the registry's keys
and enrolled terminals, the fixture residents, a running mado-registryd, and an HTTPS client
(Python's own ssl and http.client: an independent peer for our server). TAP output.

Every path comes from the environment meson gives (MADO_BUILD_DIR, MADO_SOURCE_DIR); the
database is SQLite in a temp dir unless MADO_REGISTRY_TEST_DSN names one (pg-cluster.sh)."""

import atexit
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid

BUILD = os.environ.get("MADO_BUILD_DIR", "build")
SOURCE = os.environ.get("MADO_SOURCE_DIR", ".")
ADMIN = os.path.join(BUILD, "registry", "mado-registry-admin")
REGISTRYD = os.path.join(BUILD, "registry", "mado-registryd")
FIXTURE = os.path.join(BUILD, "tests", "api", "api-fixture")
PKI_SCRIPT = os.path.join(SOURCE, "tests", "pki", "make-test-pki.sh")
PASSWORD = "correct horse battery"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            if detail is not None:
                for line in str(detail).splitlines()[:20]:
                    print(f"#   {line}", flush=True)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got {got!r}, want {want!r}")

    def done(self):
        print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)


def run(*args, stdin=None, check=True):
    r = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({r.returncode}): {r.stderr}")
    return r


class Bench:
    """Keys, terminals, residents and the database, made once in a temp dir."""

    def __init__(self, pki=None, keep=False):
        self.tmp = tempfile.mkdtemp(prefix="mado-api-")
        if not keep:  # the test's files go with it (link-card.py leaves them to its caller)
            atexit.register(shutil.rmtree, self.tmp, True)
        self.keys = os.path.join(self.tmp, "keys")
        # the test hierarchy: its own, or one already made (the card tests' emulated card)
        self.pki = pki or os.path.join(self.tmp, "pki")
        self.dsn = os.environ.get("MADO_REGISTRY_TEST_DSN") or "sqlite:" + os.path.join(
            self.tmp, "registry.db")
        run("bash", PKI_SCRIPT, self.pki)
        run(ADMIN, "init", "--dir", self.keys, "--organisation", "千代田区", "--name",
            "127.0.0.1", "--name", "localhost")
        for login, role in (("clerk1", "clerk"), ("clerk2", "clerk"), ("sup1", "supervisor")):
            run(ADMIN, "operator", "--db", self.dsn, "--login", login, "--name", login, "--role",
                role, "--scrypt-cost", "10", stdin=PASSWORD + "\n")
        for tid, kind in (("kiosk1", "kiosk"), ("kiosk2", "kiosk"), ("console1", "console"),
                          ("kiosk-gone", "kiosk")):
            self.enrol(tid, kind)
        run(ADMIN, "revoke", "--db", self.dsn, "--id", "kiosk-gone")
        self.make_foreign_client()
        self.people = json.loads(run(FIXTURE, self.dsn).stdout)

    def sql(self, query):
        """A query straight to the database (what the registry recorded), rows as lists."""
        if self.dsn.startswith("sqlite:"):
            r = run("sqlite3", "-separator", "\t", self.dsn[len("sqlite:"):], query)
        else:
            r = run("psql", "-d", self.dsn, "-At", "-F", "\t", "-c", query)
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def enrol(self, tid, kind):
        run(ADMIN, "enrol", "--db", self.dsn, "--dir", self.keys, "--id", tid, "--kind", kind,
            "--cert", self.cert(tid), "--key", self.key(tid))

    def cert(self, tid):
        return os.path.join(self.tmp, f"{tid}.pem")

    def key(self, tid):
        return os.path.join(self.tmp, f"{tid}.key")

    def make_foreign_client(self):
        """A client certificate with the CN of an enrolled kiosk, from another CA."""
        d = self.tmp
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", f"{d}/other-ca.key", "-out", f"{d}/other-ca.pem", "-days", "2",
            "-subj", "/CN=Other CA")
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", self.key("foreign"), "-out", f"{d}/foreign.csr", "-subj", "/CN=kiosk1")
        run("openssl", "x509", "-req", "-in", f"{d}/foreign.csr", "-CA", f"{d}/other-ca.pem",
            "-CAkey", f"{d}/other-ca.key", "-CAcreateserial", "-out", self.cert("foreign"),
            "-days", "2")

    def identity_ee(self, name):
        base = os.path.join(self.pki, "identity", "ee", name)
        return base + ".der", base + ".key.pem"


class Registry:
    """A running mado-registryd."""

    def __init__(self, bench, extra=()):
        self.bench = bench
        self.ready = os.path.join(bench.tmp, f"ready-{uuid.uuid4().hex}")
        ident = os.path.join(bench.pki, "identity")
        trust = os.path.join(bench.tmp, "trust")
        if not os.path.isdir(trust):
            os.mkdir(trust)
            for f in os.listdir(os.path.join(ident, "roots")):
                if f.endswith(".pem") and not f.endswith(".key.pem"):
                    shutil.copy(os.path.join(ident, "roots", f), trust)
        crls = []
        for f in sorted(os.listdir(os.path.join(ident, "crl"))):
            if f.endswith(".crl") and "stale" not in f:
                crls += ["--crl", os.path.join(ident, "crl", f)]
        self.args = [REGISTRYD, "--db", bench.dsn, "--listen", "127.0.0.1:0", "--public-listen",
                     "127.0.0.1:0", "--tls-cert", os.path.join(bench.keys, "server.pem"),
                     "--tls-key", os.path.join(bench.keys, "server.key"), "--client-ca",
                     os.path.join(bench.keys, "ca", "ca.pem"), "--office-key",
                     os.path.join(bench.keys, "office.key"), "--trust-dir",
                     trust, "--test-mode", "--ready-file", self.ready,
                     *crls, *extra]
        self.start()

    def start(self):
        if os.path.exists(self.ready):
            os.unlink(self.ready)
        self.log = open(os.path.join(self.bench.tmp, "registryd.log"), "a")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=self.log)
        if not getattr(self, "_reaper", False):
            atexit.register(self._reap)
            self._reaper = True
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(self.ready):
                text = open(self.ready).read()
                if text.endswith("\n"):
                    parts = dict(p.split("=") for p in text.split())
                    self.port = int(parts["main"])
                    self.public_port = int(parts["public"])
                    # a restart listens where the terminals already point
                    i = self.args.index("--listen") + 1
                    self.args[i] = f"127.0.0.1:{self.port}"
                    i = self.args.index("--public-listen") + 1
                    self.args[i] = f"127.0.0.1:{self.public_port}"
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("mado-registryd exited: see registryd.log")
            time.sleep(0.05)
        raise RuntimeError("mado-registryd did not start")

    def _reap(self):
        if self.proc.poll() is None and not self.detached:
            self.proc.kill()
            self.proc.wait()

    detached = False  # link-card.py leaves the registry running for its caller

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=20)
        self.log.close()

    def restart(self):
        self.start()


class Client:
    """One terminal's HTTPS connection (keep-alive), with its client certificate."""

    def __init__(self, registry, tid=None, public=False):
        self.registry = registry
        ctx = ssl.create_default_context(
            cafile=os.path.join(registry.bench.keys, "ca", "ca.pem"))
        if tid is not None:
            ctx.load_cert_chain(registry.bench.cert(tid), registry.bench.key(tid))
        self.ctx = ctx
        self.port = registry.public_port if public else registry.port
        self.token = None
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                                    timeout=30)
        return self.conn

    def request(self, method, path, body=None, key=None, raw=None, headers=None, token=None):
        h = dict(headers or {})
        data = None
        if raw is not None:
            data = raw
            h.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        if key is not None:
            h["Idempotency-Key"] = key
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = "Bearer " + tok
        for attempt in (0, 1):
            try:
                c = self._conn()
                c.request(method, path, body=data, headers=h)
                r = c.getresponse()
                payload = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    ssl.SSLError, ConnectionRefusedError):
                self.close()
                if attempt:
                    raise
        ctype = r.getheader("Content-Type") or ""
        parsed = json.loads(payload) if ctype.startswith("application/json") and payload else None
        return Response(r.status, parsed, payload, r)

    def post(self, path, body=None, key="auto", **kw):
        if key == "auto":
            key = uuid.uuid4().hex
        return self.request("POST", path, body=body, key=key, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self, login):
        r = self.post("/v1/operators/login", {"login": login, "password": PASSWORD}, key=None)
        self.token = r.json["token"] if r.status == 201 else None
        return r

    def identity(self, cert_der, key_pem):
        """The kiosk's identity flow: nonce, the card signs it, the session opens."""
        r = self.post("/v1/identity/nonce", key=None)
        nonce = base64.b64decode(r.json["nonce"])
        sig = sign(key_pem, nonce)
        body = {"nonce": r.json["nonce"], "signature": base64.b64encode(sig).decode(),
                "certificate": base64.b64encode(open(cert_der, "rb").read()).decode()}
        r = self.post("/v1/identity/sessions", body, key=None)
        if r.status == 201:
            self.token = r.json["token"]
        return r, body


class Response:
    def __init__(self, status, parsed, raw, resp):
        self.status = status
        self.json = parsed
        self.raw = raw
        self.resp = resp

    def code(self):
        return (self.json or {}).get("error", {}).get("code")

    def header(self, name):
        return self.resp.getheader(name)


def sign(key_pem, data):
    """What the card does: RSA PKCS#1 v1.5 over SHA-256 (or ECDSA) of the challenge."""
    r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_pem], input=data,
                       capture_output=True, check=True)
    return r.stdout


def handshake_fails(registry, tid):
    ctx = ssl.create_default_context(cafile=os.path.join(registry.bench.keys, "ca", "ca.pem"))
    if tid is not None:
        ctx.load_cert_chain(registry.bench.cert(tid), registry.bench.key(tid))
    try:
        with socket.create_connection(("127.0.0.1", registry.port), timeout=10) as s:
            with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                t.sendall(b"GET /v1/public/board HTTP/1.1\r\nHost: x\r\n\r\n")
                data = t.recv(100)
                return data == b""
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError, OSError):
        return True


def raw_exchange(registry, tid, data, public=False):
    """Sends @data as is over TLS and returns what comes back until the server closes."""
    ctx = ssl.create_default_context(cafile=os.path.join(registry.bench.keys, "ca", "ca.pem"))
    if tid is not None:
        ctx.load_cert_chain(registry.bench.cert(tid), registry.bench.key(tid))
    port = registry.public_port if public else registry.port
    out = b""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
            try:
                t.sendall(data)
                while True:
                    chunk = t.recv(65536)
                    if not chunk:
                        break
                    out += chunk
            except (ssl.SSLError, ConnectionResetError, BrokenPipeError, socket.timeout):
                pass
    return out
