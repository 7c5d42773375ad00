#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# tls-responder.py — a tiny scripted HTTPS endpoint for the registry client's tests (never a stand-in
# for the registry: the end-to-end tests run against mado-registryd). TLS with a required client
# certificate from --client-ca; HTTP/1.1 keep-alive. Prints "PORT <n>" when it listens on
# 127.0.0.1, and serves until its standard input closes.
#
#   /echo            200, JSON: the client certificate's CN, the method, the path, the headers the
#                    API defines (Content-Type, Idempotency-Key, Mado-Created-At, Authorization,
#                    Expect) and the body
#   /status/NNN      status NNN with {"error":{"code": <?code=…>, "message": "…"}}
#   /replay          200 with Idempotent-Replayed: true
#   /slow            answers after 5 s
#   /big             a 3 MiB body
#   /connections     200, JSON: how many TLS connections were accepted so far
#   POST /v1/…       the delivery: 201 the first time a key is seen, 200 + Idempotent-Replayed
#                    afterwards
import argparse
import http.server
import json
import socketserver
import ssl
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--client-ca", required=True)
args = parser.parse_args()

lock = threading.Lock()
connections = 0
seen_keys = {}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # refused handshakes and clients that hang up are what the tests are about

    def get_request(self):
        global connections
        sock, address = super().get_request()
        with lock:
            connections += 1
        return sock, address


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *a):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def client_cn(self):
        cert = self.connection.getpeercert()
        for rdn in cert.get("subject", ()):
            for name, value in rdn:
                if name == "commonName":
                    return value
        return None

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        if path == "/echo":
            names = ("Content-Type", "Idempotency-Key", "Mado-Created-At", "Authorization",
                     "Expect", "Accept")
            echo = {
                "client_cn": self.client_cn(),
                "method": self.command,
                "path": self.path,
                "headers": {n.lower(): self.headers.get(n) for n in names if n in self.headers},
                "body": body.decode("utf-8"),
            }
            self.answer(200, json.dumps(echo).encode())
        elif path.startswith("/status/"):
            code = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("code", "x")
            error = {"error": {"code": code, "message": "scripted"}}
            self.answer(int(path[len("/status/"):]), json.dumps(error).encode())
        elif path == "/replay":
            self.answer(200, b"{}", [("Idempotent-Replayed", "true")])
        elif path == "/slow":
            time.sleep(5)
            self.answer(200, b"{}")
        elif path == "/big":
            self.answer(200, b"x" * (3 * 1024 * 1024))
        elif path == "/connections":
            with lock:
                n = connections
            self.answer(200, json.dumps({"connections": n}).encode())
        elif self.command == "POST" and path.startswith("/v1/"):
            key = self.headers.get("Idempotency-Key")
            with lock:
                first = key not in seen_keys
                seen_keys.setdefault(key, path)
            if first:
                self.answer(201, b'{"ok": true}')
            else:
                self.answer(200, b'{"ok": true}', [("Idempotent-Replayed", "true")])
        else:
            self.answer(404, b'{"error": {"code": "not_found", "message": "no such path"}}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.minimum_version = ssl.TLSVersion.TLSv1_2
context.load_cert_chain(args.cert, args.key)
context.verify_mode = ssl.CERT_REQUIRED
context.load_verify_locations(args.client_ca)

server = Server(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)


class HandshakingHandler(Handler):
    def setup(self):
        # the handshake on the connection's own thread, so one slow client holds up nobody
        self.request.do_handshake()
        super().setup()


server.RequestHandlerClass = HandshakingHandler
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()  # until the test closes our standard input (or dies)
server.shutdown()
