#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-openapi — registry/openapi.yaml, docs/api.md and the routes of registry/api/*.c say the
same thing: the same (method, path) set, the same idempotent writes, the same query parameters
and needs; every $ref resolves; the document has the structure of OpenAPI 3.0.3. No server is
run. TAP.

Needs PyYAML (Debian: python3-yaml). MADO_SOURCE_DIR names the source tree (meson sets it);
without it, the tree this file is in."""

import glob
import os
import re
import sys

SOURCE = os.environ.get("MADO_SOURCE_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OPENAPI = os.path.join(SOURCE, "registry", "openapi.yaml")
API_MD = os.path.join(SOURCE, "docs", "api.md")
C_FILES = os.path.join(SOURCE, "registry", "api", "*.c")

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TAGS = {"identity", "operators", "certificates", "seals", "drafts", "tickets", "public"}
# The schemas docs/api.md's objects and answers are named by (the brief of issue 5's contract).
NAMED_SCHEMAS = ["Error", "Person", "MoveDraft", "QueueTicket", "Issuance", "IssuanceRequest",
                 "IssuanceSummary", "CertificateOptions", "Nonce", "IdentitySessionRequest",
                 "Session", "LoginRequest", "CardLinkRequest", "TicketRequest",
                 "OfflineBlockRequest", "OfflineBlock", "CallNextRequest", "TicketStatusRequest",
                 "PublicTicket", "Board", "PublicIssuance"]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, problems=()):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for p in list(problems)[:40]:
                print(f"#   {p}", flush=True)
        return cond

    def check(self, problems, name):
        """ok when @problems (a list of strings) is empty."""
        return self.ok(not problems, name, problems)

    def done(self):
        print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)


t = Tap()

try:
    import yaml
except ImportError:
    t.ok(False, "PyYAML is importable", ["install python3-yaml (scripts/install-deps lists it)"])
    t.done()


# ---- docs/api.md ---------------------------------------------------------------------------------

def split_row(line):
    """The cells of a Markdown table row; `\\|` inside a cell is not a separator."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip() for c in cells[1:-1]]


def parse_first_cell(cell):
    """`METHOD /v1/path[?q=]` → (METHOD, /v1/path, {query name: required})."""
    m = re.fullmatch(r"`(GET|POST|PUT|PATCH|DELETE) (/v1/[^`\s]*)`", cell)
    if m is None:
        return None
    method, raw = m.group(1), m.group(2)
    query = {}
    opt = re.search(r"\[\?([^\]]*)\]", raw)
    if opt:
        for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", opt.group(1)):
            query[name] = False
        raw = raw[:opt.start()] + raw[opt.end():]
    if "?" in raw:
        raw, q = raw.split("?", 1)
        for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", q):
            query[name] = True
    return method, raw, query


def need_class(need):
    """docs/api.md's "need" cell → the x-mado-need the YAML gives."""
    n = need.lower()
    if n.startswith("the terminal that reserved it"):
        return "reserving terminal or console"
    if n.startswith("the terminal that made it"):
        return "making terminal or clerk"
    if n.startswith("a session"):
        return "session"
    for word in ("supervisor", "clerk", "console", "person", "terminal"):
        if n.startswith(word):
            return word
    return "?" + need


def parse_api_md(path):
    """{(METHOD, path): {"idem": bool, "query": {...}, "need": str, "line": n}}"""
    ops = {}
    header = None
    previous_need = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.startswith("|"):
                header = None
                continue
            cells = split_row(line)
            if cells and cells[0] == "method and path":
                header = cells
                continue
            if not line.startswith("| `") or header is None:
                continue
            parsed = parse_first_cell(cells[0])
            if parsed is None:
                continue
            method, p, query = parsed
            row = dict(zip(header, cells))
            if "need" in row:
                need = row["need"]
                if need == "same":
                    need = previous_need
                previous_need = need
                cls = need_class(need)
            else:  # the public listener's table
                cls = "public"
            ops[(method, p)] = {"idem": row.get("idem.") == "idem.", "query": query,
                                "need": cls, "line": number}
    return ops


def normalise(p):
    """/v1/persons/{atena}/kojin-bango?purpose=… → /v1/persons/{}/kojin-bango"""
    p = re.sub(r"\[\?[^\]]*\]", "", p)
    p = p.split("?", 1)[0]
    return re.sub(r"\{[^}]*\}", "{}", p)


def parse_c_routes(pattern):
    """{(METHOD, normalised path): [file:line, …]} from the top comment of each file."""
    routes = {}
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        end = text.find("*/")
        head = text[:end] if end >= 0 else ""
        for number, line in enumerate(head.splitlines(), 1):
            m = re.match(r"^\s*\*\s+(GET|POST|PUT|PATCH|DELETE)\s+(/v1/\S+)", line)
            if m:
                key = (m.group(1), normalise(m.group(2)))
                routes.setdefault(key, []).append(f"{os.path.relpath(path, SOURCE)}:{number}")
    return routes


# ---- the YAML ------------------------------------------------------------------------------------

def resolve(doc, ref):
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise KeyError(f"not a local reference: {ref!r}")
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def deref(doc, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = resolve(doc, node["$ref"])
        seen += 1
    return node


def all_refs(node, where="#"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield where, v
            else:
                yield from all_refs(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_refs(v, f"{where}/{i}")


def operations(doc):
    """(path, method, path item, operation) for every operation."""
    for p, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if method in item:
                yield p, method, item, item[method]


def op_parameters(doc, item, op):
    """The parameters that apply to @op (path-level ones overridden by operation-level)."""
    params = {}
    for source in (item.get("parameters") or [], op.get("parameters") or []):
        for raw in source:
            try:
                prm = deref(doc, raw)
            except KeyError:
                continue
            if isinstance(prm, dict):
                params[(prm.get("in"), prm.get("name"))] = prm
    return params


def idempotent(doc, item, op):
    prm = op_parameters(doc, item, op).get(("header", "Idempotency-Key"))
    return prm is not None and prm.get("required") is True


try:
    with open(OPENAPI, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    load_problem = [] if isinstance(doc, dict) else ["the document is not a mapping"]
except (OSError, yaml.YAMLError) as e:
    doc, load_problem = {}, [str(e)]
t.check(load_problem, "registry/openapi.yaml is valid YAML")
if load_problem:
    t.done()

docs_ops = parse_api_md(API_MD)
t.ok(len(docs_ops) >= 20, f"docs/api.md's endpoint tables parse ({len(docs_ops)} endpoints)")

yaml_ops = {(m.upper(), p): (item, op) for p, m, item, op in operations(doc)}

# ---- (d) structure -------------------------------------------------------------------------------
problems = []
if doc.get("openapi") != "3.0.3":
    problems.append(f"openapi is {doc.get('openapi')!r}, not '3.0.3'")
info = doc.get("info") or {}
if not isinstance(info.get("title"), str) or not info.get("title"):
    problems.append("info.title is missing")
if not info.get("version"):
    problems.append("info.version is missing")
if not isinstance(doc.get("paths"), dict) or not doc["paths"]:
    problems.append("paths is empty")
for p in doc.get("paths") or {}:
    if not p.startswith("/"):
        problems.append(f"path {p!r} does not start with /")
servers = doc.get("servers") or []
if len(servers) != 2 or not all(isinstance(s, dict) and s.get("url") and s.get("description")
                                for s in servers):
    problems.append("servers: want two entries (main and public listener) with url and description")
t.check(problems, "basic structure: openapi 3.0.3, info, paths, the two listeners")

problems = []
seen_ids = {}
for (method, p), (item, op) in yaml_ops.items():
    oid = op.get("operationId")
    if not isinstance(oid, str) or not oid:
        problems.append(f"{method} {p}: no operationId")
    elif oid in seen_ids:
        problems.append(f"{method} {p}: operationId {oid} already used by {seen_ids[oid]}")
    else:
        seen_ids[oid] = f"{method} {p}"
t.check(problems, "every operation has an operationId, each unique")

problems = []
for (method, p), (item, op) in yaml_ops.items():
    responses = op.get("responses") or {}
    if not any(str(code).startswith("2") for code in responses):
        problems.append(f"{method} {p}: no 2xx response")
    for code, resp in responses.items():
        if not re.fullmatch(r"[1-5](\d\d|XX)|default", str(code)):
            problems.append(f"{method} {p}: response key {code!r}")
        try:
            r = deref(doc, resp)
        except KeyError:
            continue  # reported by the $ref check
        if not isinstance(r, dict) or not r.get("description"):
            problems.append(f"{method} {p} {code}: no description")
t.check(problems, "every operation answers some 2xx; every response has a description")

problems = []
declared_tags = {tg.get("name") for tg in doc.get("tags") or [] if isinstance(tg, dict)}
if declared_tags != TAGS:
    problems.append(f"top-level tags are {sorted(declared_tags)}, want {sorted(TAGS)}")
for (method, p), (item, op) in yaml_ops.items():
    tags = op.get("tags") or []
    if not tags:
        problems.append(f"{method} {p}: no tags")
    for tg in tags:
        if tg not in TAGS:
            problems.append(f"{method} {p}: unknown tag {tg!r}")
    if p.startswith("/v1/public/") != ("public" in tags):
        problems.append(f"{method} {p}: the public tag is for /v1/public/ exactly")
t.check(problems, "tags: identity, operators, certificates, seals, drafts, tickets, public")

problems = []
for (method, p), (item, op) in yaml_ops.items():
    params = op_parameters(doc, item, op)
    template = set(re.findall(r"\{([^}]+)\}", p))
    declared = {name for (where, name) in params if where == "path"}
    for name in template - declared:
        problems.append(f"{method} {p}: path parameter {name} is not declared")
    for name in declared - template:
        problems.append(f"{method} {p}: declares path parameter {name} not in the path")
    for (where, name), prm in params.items():
        if where == "path" and prm.get("required") is not True:
            problems.append(f"{method} {p}: path parameter {name} must be required")
        if where not in ("path", "query", "header", "cookie"):
            problems.append(f"{method} {p}: parameter {name} is in {where!r}")
        if "schema" not in prm and "content" not in prm:
            problems.append(f"{method} {p}: parameter {name} has no schema")
t.check(problems, "path parameters match the path templates")

problems = []
for (method, p), (item, op) in yaml_ops.items():
    for code, resp in (op.get("responses") or {}).items():
        if not str(code)[0] in "45":
            continue
        try:
            r = deref(doc, resp)
            schema = r["content"]["application/json"]["schema"]
        except (KeyError, TypeError):
            problems.append(f"{method} {p} {code}: no application/json error body")
            continue
        if schema != {"$ref": "#/components/schemas/Error"}:
            problems.append(f"{method} {p} {code}: the body is not the Error schema")
err = ((doc.get("components") or {}).get("schemas") or {}).get("Error") or {}
inner = (err.get("properties") or {}).get("error") or {}
if err.get("required") != ["error"] or set(inner.get("required") or []) != {"code", "message"}:
    problems.append("Error is not {error: {code, message}} with both required")
t.check(problems, "every 4xx/5xx answer is the Error schema {error: {code, message}}")

schemas = (doc.get("components") or {}).get("schemas") or {}
t.check([f"components/schemas/{n} is missing" for n in NAMED_SCHEMAS if n not in schemas],
        "the named schemas exist (Person, MoveDraft, QueueTicket, Issuance, …)")

problems = []
schemes = (doc.get("components") or {}).get("securitySchemes") or {}
bearer = schemes.get("bearerAuth") or {}
if bearer.get("type") != "http" or str(bearer.get("scheme", "")).lower() != "bearer":
    problems.append("securitySchemes.bearerAuth is not http bearer")
for (method, p), (item, op) in yaml_ops.items():
    for req in op.get("security", doc.get("security")) or []:
        for name in req or {}:
            if name not in schemes:
                problems.append(f"{method} {p}: security scheme {name} is not declared")
t.check(problems, "security: bearerAuth (http bearer) declared, only declared schemes used")

# ---- (c) every $ref resolves ---------------------------------------------------------------------
problems = []
used = set()
for where, ref in all_refs(doc):
    try:
        resolve(doc, ref)
        used.add(ref)
    except KeyError as e:
        problems.append(f"{where}: {e}")
t.check(problems, "every $ref resolves")
t.check([f"components/schemas/{n} is never referenced" for n in schemas
         if f"#/components/schemas/{n}" not in used],
        "every component schema is used")

# ---- (a) the same endpoints ----------------------------------------------------------------------
problems = [f"docs/api.md:{docs_ops[k]['line']}: {k[0]} {k[1]} is not in openapi.yaml"
            for k in sorted(docs_ops) if k not in yaml_ops]
problems += [f"openapi.yaml: {k[0]} {k[1]} is not in docs/api.md"
             for k in sorted(yaml_ops) if k not in docs_ops]
t.check(problems, "docs/api.md and openapi.yaml list the same (method, path) set")

problems = []
for k in sorted(set(docs_ops) & set(yaml_ops)):
    item, op = yaml_ops[k]
    yq = {name: prm.get("required") is True
          for (where, name), prm in op_parameters(doc, item, op).items() if where == "query"}
    dq = docs_ops[k]["query"]
    if yq != dq:
        problems.append(f"{k[0]} {k[1]}: query parameters docs/api.md {dq} (name: required), "
                        f"openapi.yaml {yq}")
t.check(problems, "query parameters and whether they are required agree")

# ---- (b) idempotency -----------------------------------------------------------------------------
problems = []
for k in sorted(set(docs_ops) & set(yaml_ops)):
    item, op = yaml_ops[k]
    d, y = docs_ops[k]["idem"], idempotent(doc, item, op)
    if d and not y:
        problems.append(f"{k[0]} {k[1]}: idem. in docs/api.md, no required Idempotency-Key")
    if y and not d:
        problems.append(f"{k[0]} {k[1]}: a required Idempotency-Key, not idem. in docs/api.md")
t.check(problems, "Idempotency-Key is required exactly on the writes docs/api.md marks idem.")

problems = []
for (method, p), (item, op) in sorted(yaml_ops.items()):
    params = op_parameters(doc, item, op)
    if not idempotent(doc, item, op):
        if ("header", "Mado-Created-At") in params:
            problems.append(f"{method} {p}: Mado-Created-At on a request that is not idempotent")
        continue
    created = params.get(("header", "Mado-Created-At"))
    if created is None or created.get("required"):
        problems.append(f"{method} {p}: no optional Mado-Created-At header")
    for code, resp in (op.get("responses") or {}).items():
        if not str(code).startswith("2"):
            continue
        try:
            headers = deref(doc, resp).get("headers") or {}
        except KeyError:
            continue
        if "Idempotent-Replayed" not in headers:
            problems.append(f"{method} {p} {code}: no Idempotent-Replayed response header")
    codes = {str(c) for c in op.get("responses") or {}}
    if "422" not in codes:
        problems.append(f"{method} {p}: no 422 (registry.idempotency-conflict/-stale)")
t.check(problems, "idempotent writes: optional Mado-Created-At, Idempotent-Replayed, 422")

# ---- needs, security and listeners ---------------------------------------------------------------
problems = []
for k in sorted(set(docs_ops) & set(yaml_ops)):
    item, op = yaml_ops[k]
    want = docs_ops[k]["need"]
    got = op.get("x-mado-need")
    if got != want:
        problems.append(f"{k[0]} {k[1]}: x-mado-need {got!r}, docs/api.md says {want!r}")
    security = op.get("security", doc.get("security"))
    reqs = [set(r or {}) for r in security or []]
    if want in ("clerk", "supervisor", "person", "session"):
        ok = bool(reqs) and all("bearerAuth" in r for r in reqs)
    elif want == "making terminal or clerk":
        ok = set() in reqs and {"bearerAuth"} in reqs
    else:
        ok = reqs == [] or reqs == [set()]
    if not ok:
        problems.append(f"{k[0]} {k[1]}: security {security} does not fit the need {want!r}")
t.check(problems, "needs agree with docs/api.md, and security (bearerAuth) with the needs")

problems = []
urls = [s.get("url") for s in servers if isinstance(s, dict)]
for (method, p), (item, op) in sorted(yaml_ops.items()):
    own = op.get("servers", item.get("servers"))
    own_urls = [s.get("url") for s in own] if isinstance(own, list) else None
    public = p.startswith("/v1/public/")
    if own_urls is None or len(own_urls) != 1 or own_urls[0] not in urls:
        problems.append(f"{method} {p}: not bound to exactly one of the two listeners")
    elif len(urls) == 2 and own_urls[0] != urls[1 if public else 0]:
        problems.append(f"{method} {p}: served by {own_urls[0]}, want the "
                        f"{'public' if public else 'main'} listener")
    if public and method != "GET":
        problems.append(f"{method} {p}: the public listener only reads")
t.check(problems, "public paths on the public listener (GET only), the rest on the main one")

# ---- (e) the C routes ----------------------------------------------------------------------------
c_routes = parse_c_routes(C_FILES)
docs_norm = {}
for (method, p), info_ in docs_ops.items():
    docs_norm[(method, normalise(p))] = info_["line"]
problems = [f"{', '.join(c_routes[k])}: {k[0]} {k[1]} is not in docs/api.md"
            for k in sorted(c_routes) if k not in docs_norm]
problems += [f"docs/api.md:{docs_norm[k]}: {k[0]} {k[1]} is in no registry/api/*.c header comment"
             for k in sorted(docs_norm) if k not in c_routes]
t.ok(bool(c_routes) and not problems,
     f"registry/api/*.c's header comments list docs/api.md's routes ({len(c_routes)} found)",
     problems)

t.done()
