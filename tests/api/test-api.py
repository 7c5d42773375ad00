#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-api — the registry's API end to end (docs/api.md): a real mado-registryd on SQLite (or
on the PostgreSQL that pg-cluster.sh names), real TLS with client certificates, the test JPKI
hierarchy. Identity, certificates, drafts, tickets, idempotency, the public listener, and every
refusal the issue lists. TAP."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_harness import (BUILD, Bench, Client, Registry, Tap,  # noqa: E402
                              handshake_fails, raw_exchange)

def now_rfc3339():
    return datetime.now().astimezone().isoformat(timespec="seconds")


t = Tap()
bench = Bench()
reg = Registry(bench)
P = bench.people
kiosk = Client(reg, "kiosk1")
kiosk2 = Client(reg, "kiosk2")
console = Client(reg, "console1")
console2 = Client(reg, "console1")
public = Client(reg, public=True)

# ---- who may speak at all ------------------------------------------------------------------
t.ok(handshake_fails(reg, None), "no client certificate: the handshake fails")
t.ok(handshake_fails(reg, "foreign"), "a certificate from another CA: the handshake fails")
r = Client(reg, "kiosk-gone").get("/v1/tickets")
t.eq((r.status, r.code()), (403, "api.terminal-revoked"), "a revoked kiosk is refused")
r = public.get("/v1/public/board")
t.eq(r.status, 200, "the public listener needs no certificate")
r = public.get(f"/v1/persons/{P['head']}")
t.eq(r.status, 404, "the public listener serves nothing personal")
r = kiosk.get("/v1/public/board")
t.eq(r.status, 404, "the main listener does not serve the public paths")

# ---- clerks -------------------------------------------------------------------------------------
r = kiosk.post("/v1/operators/login", {"login": "clerk1", "password": "correct horse battery"},
               key=None)
t.eq((r.status, r.code()), (403, "api.console-only"), "a kiosk cannot log a clerk in")
r = console.post("/v1/operators/login", {"login": "clerk1", "password": "wrong password!"},
                 key=None)
t.eq((r.status, r.code()), (401, "api.login-failed"), "a wrong password is refused")
r = console.post("/v1/operators/login", {"login": "nobody", "password": "whatever12345"}, key=None)
t.eq((r.status, r.code()), (401, "api.login-failed"), "an unknown login: the same answer")
r = console.login("clerk1")
t.ok(r.status == 201 and r.json["role"] == "clerk", "clerk1 logs in", r.raw)
r = console2.login("sup1")
t.ok(r.status == 201 and r.json["role"] == "supervisor", "sup1 logs in", r.raw)
r = kiosk.get(f"/v1/persons/{P['head']}", token=console.token)
t.eq((r.status, r.code()), (403, "api.session-other-terminal"),
     "a clerk's session does not work from another terminal")

# ---- card links (counter, after an identity check) ----------------------------------------------
der, keyfile = bench.identity_ee("auth-gen3")
cert64 = base64.b64encode(open(der, "rb").read()).decode()
r = console.post("/v1/card-links", {"atena_number": P["head"], "certificate": cert64})
t.eq(r.status, 201, "a clerk links the head's card")
other_der, other_key = bench.identity_ee("auth-other")
r = console.post("/v1/card-links", {"atena_number": P["other_household"],
                                    "certificate": base64.b64encode(open(other_der, "rb").read())
                                    .decode()})
t.eq(r.status, 201, "a clerk links another resident's card")
child_der, child_key = bench.identity_ee("auth-gen2")
r = console.post("/v1/card-links", {"atena_number": P["child"],
                                    "certificate": base64.b64encode(open(child_der, "rb").read())
                                    .decode()})
t.eq(r.status, 201, "a clerk links the child's card")
rev_der, _ = bench.identity_ee("auth-revoked")
r = console.post("/v1/card-links", {"atena_number": P["wife"],
                                    "certificate": base64.b64encode(open(rev_der, "rb").read())
                                    .decode()})
t.eq((r.status, r.code()), (403, "identity.revoked-crl"), "a revoked card is never linked")

# ---- identity --------------------------------------------------------------------------------------
r, body = kiosk.identity(der, keyfile)
t.ok(r.status == 201 and r.json["name"] == "髙橋 健一", "the head's card opens a session", r.raw)
card_link = r.json.get("card_link") if r.json else None
head_token = kiosk.token
r = kiosk.post("/v1/identity/sessions", body, key=None)
t.eq((r.status, r.code()), (403, "identity.nonce"), "a replayed nonce is refused")
rk = kiosk2.post("/v1/identity/nonce", key=None)
r = kiosk2.get("/v1/certificates/options", token=head_token)
t.eq((r.status, r.code()), (403, "api.session-other-terminal"),
     "a session is bound to the kiosk that opened it")
tamper_der, tamper_key = bench.identity_ee("auth-tampered")
r, _ = Client(reg, "kiosk2").identity(tamper_der, tamper_key)
t.eq(r.status, 403, "a tampered certificate opens no session")
gen1_der, gen1_key = bench.identity_ee("auth-gen1")
r, _ = Client(reg, "kiosk2").identity(gen1_der, gen1_key)
t.eq((r.status, r.code()), (403, "identity.not-linked"),
     "a valid card linked to nobody opens no session")

# ---- certificates ------------------------------------------------------------------------------------
r = kiosk.get("/v1/certificates/options")
opts = {c["kind"]: c for c in r.json["certificates"]} if r.status == 200 else {}
t.ok(opts.get("juminhyo", {}).get("eligible") is True and opts["juminhyo"]["fee"] == 300,
     "options: 住民票の写し eligible, 300 yen", r.raw)
t.eq(opts.get("inkan", {}).get("reason"), "certificate.no-seal-registration",
     "options: 印鑑登録証明書 refused with its reason")
ask = {"kind": "juminhyo", "copies": 2, "layout": "setai",
       "options": {"setai_nushi_zokugara": True, "honseki_hittosha": False,
                   "juminhyo_code": False, "kojin_bango": False, "furigana": True}}
bad = dict(ask, options=dict(ask["options"], juminhyo_code=True))
r = kiosk.post("/v1/certificates/issuances", bad)
t.eq((r.status, r.code()), (403, "certificate.channel"), "a kiosk never prints 住民票コード")
r = kiosk.post("/v1/certificates/issuances", dict(ask, subjects=[P["other_household"]]))
t.eq(r.status, 400, "a document without the requester is refused")
r = kiosk.post("/v1/certificates/issuances",
               dict(ask, subjects=[P["head"], P["other_household"]]))
t.eq((r.status, r.code()), (403, "certificate.not-in-household"),
     "a session cannot ask for another household's person")
key = uuid.uuid4().hex
r1 = kiosk.post("/v1/certificates/issuances", ask, key=key)
nums = [i["issue_number"] for i in r1.json["issuances"]] if r1.status == 201 else []
t.ok(r1.status == 201 and len(nums) == 2 and r1.json["total_fee"] == 600,
     "issuance: two copies reserved, 600 yen", r1.raw)
r2 = kiosk.post("/v1/certificates/issuances", ask, key=key)
t.ok(r2.status == 201 and r2.header("Idempotent-Replayed") == "true"
     and [i["issue_number"] for i in r2.json["issuances"]] == nums,
     "a replay answers the same 発行番号", r2.raw)
r3 = kiosk.post("/v1/certificates/issuances", dict(ask, copies=1), key=key)
t.eq((r3.status, r3.code()), (422, "registry.idempotency-conflict"),
     "the same key for another request is refused")
r = kiosk.get(f"/v1/issuances/{nums[0]}/document") if nums else None
pdf_ok = r is not None and r.status == 200 and r.raw.startswith(b"%PDF")
t.ok(pdf_ok, "the finished PDF comes back for the preview")
if pdf_ok:
    pdf = os.path.join(bench.tmp, "juminhyo.pdf")
    open(pdf, "wb").write(r.raw)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True).stdout
    t.ok("住民票の写し" in text and "髙橋" in text and nums[0] in text,
         "the PDF says 住民票の写し, the name and its 発行番号", text[:400])
    v = subprocess.run([os.path.join(BUILD, "print", "mado-verify"), "--key",
                        os.path.join(bench.keys, "office.pub.pem"), pdf],
                       capture_output=True, text=True)
    t.eq(v.returncode, 0, "mado-verify accepts it with the office's public key")
    t.ok(card_link is not None and card_link in v.stdout,
         "its QR carries the requester's card link (the card in the kiosk's reader)", v.stdout)
    vr = subprocess.run([os.path.join(BUILD, "print", "mado-verify"), "--key",
                         os.path.join(bench.keys, "office.pub.pem"), "--registry",
                         f"https://127.0.0.1:{reg.public_port}", "--ca",
                         os.path.join(bench.keys, "ca", "ca.pem"), "--json", pdf],
                        capture_output=True, text=True)
    t.ok(vr.returncode != 0, "before it is printed, the registry does not vouch for it",
         vr.stdout + vr.stderr)
else:
    t.ok(False, "the PDF says 住民票の写し, the name and its 発行番号")
    t.ok(False, "mado-verify accepts it with the office's public key")
    t.ok(False, "its QR carries the requester's card link (the card in the kiosk's reader)")
    t.ok(False, "before it is printed, the registry does not vouch for it")
r = kiosk.post(f"/v1/issuances/{nums[0]}/printed", {})
t.ok(r.status == 200 and r.json["status"] == "printed", "copy 1 printed", r.raw)
r = kiosk.post(f"/v1/issuances/{nums[1]}/void", {"reason": "paper_jam"})
t.ok(r.status == 200 and r.json["status"] == "voided" and r.json["fee"] == 0,
     "copy 2 voided for a jam, no fee kept", r.raw)
r = kiosk.post(f"/v1/issuances/{nums[1]}/printed", {})
t.eq(r.status, 409, "a voided copy cannot be printed")
def verify_with_registry(path):
    return subprocess.run([os.path.join(BUILD, "print", "mado-verify"), "--key",
                           os.path.join(bench.keys, "office.pub.pem"), "--registry",
                           f"https://127.0.0.1:{reg.public_port}", "--ca",
                           os.path.join(bench.keys, "ca", "ca.pem"), path],
                          capture_output=True, text=True)


if pdf_ok:
    vr = verify_with_registry(pdf)
    t.ok(vr.returncode == 62 and "QR 2" in vr.stderr,
         "mado-verify --registry refuses the paper whose copy 2 was voided (print.not-issued)",
         vr.stdout + vr.stderr)
d = r1.json["digest"] if r1.status == 201 else ""
r = public.get(f"/v1/public/issuances/{nums[0]}?digest={d}")
t.ok(r.status == 200 and r.json["valid"] and r.json["digest_matches"],
     "public lookup: printed, digest matches", r.raw)
r = public.get(f"/v1/public/issuances/{nums[0]}?digest={'0' * 64}")
t.ok(r.status == 200 and not r.json["digest_matches"], "public lookup: another digest does not")
r = public.get(f"/v1/public/issuances/{nums[1]}")
t.ok(r.status == 200 and not r.json["valid"] and r.json["status"] == "voided",
     "public lookup: the voided copy is not valid")
r = kiosk.post("/v1/certificates/issuances", dict(ask, copies=1))
n3 = r.json["issuances"][0]["issue_number"] if r.status == 201 else ""
t.ok(n3 not in nums and n3 > max(nums), "a new issuance never reuses a voided 発行番号", n3)
r = kiosk.get(f"/v1/issuances/{n3}/document")
pdf3 = os.path.join(bench.tmp, "juminhyo-3.pdf")
open(pdf3, "wb").write(r.raw if r.status == 200 else b"")
kiosk.post(f"/v1/issuances/{n3}/printed", {})
vr = verify_with_registry(pdf3)
t.eq(vr.returncode, 0, "mado-verify --registry confirms a printed paper's digest")

# ---- 印鑑登録 and its certificate ----------------------------------------------------------------------
seal_png = json.load(open(os.path.join(os.environ.get("MADO_SOURCE_DIR", "."), "data", "samples",
                                       "documents", "inkan.json")))["seal_image"]["png_base64"]
seal = {"registration_number": "IN-TEST-0001", "atena_number": P["head"],
        "seal_image_png": seal_png, "card_number": "IC-TEST-0001"}
r = kiosk.post("/v1/seal-registrations", seal)
t.eq(r.status, 401, "a kiosk cannot register a seal")
r = console.post("/v1/seal-registrations", dict(seal, atena_number=P["moved_out"],
                                                registration_number="IN-TEST-0009"))
t.eq((r.status, r.code()), (403, "seal.not-resident"), "no seal for a person moved out")
r = console.post("/v1/seal-registrations", seal)
t.ok(r.status == 201 and r.json["status"] == "registered", "a clerk registers the head's seal",
     r.raw[:300])
r = console.post("/v1/seal-registrations", dict(seal, registration_number="IN-TEST-0002"))
t.eq(r.status, 409, "a second registered seal for one person is refused")
r = kiosk.get("/v1/certificates/options")
opts = {c["kind"]: c for c in r.json["certificates"]} if r.status == 200 else {}
t.ok(opts.get("inkan", {}).get("eligible") is True, "印鑑登録証明書 now eligible at the kiosk")
r = kiosk.post("/v1/certificates/issuances", {"kind": "inkan", "copies": 1})
inkan_no = r.json["issuances"][0]["issue_number"] if r.status == 201 else None
r = kiosk.get(f"/v1/issuances/{inkan_no}/document") if inkan_no else None
inkan_pdf = os.path.join(bench.tmp, "inkan.pdf")
open(inkan_pdf, "wb").write(r.raw if r is not None and r.status == 200 else b"")
text = subprocess.run(["pdftotext", "-layout", inkan_pdf, "-"], capture_output=True,
                      text=True).stdout
t.ok("印鑑登録証明書" in text and "IN-TEST-0001" in text and "髙橋" in text,
     "the 印鑑登録証明書: its title, the registration number and the name", text[:300])
r = console.post("/v1/seal-registrations/IN-TEST-0001/abolish", {"reason": "登録者からの申請"})
t.ok(r.status == 200 and r.json["status"] == "abolished", "the seal abolished (廃止)")
r = kiosk.get("/v1/certificates/options")
opts = {c["kind"]: c for c in r.json["certificates"]} if r.status == 200 else {}
t.eq(opts.get("inkan", {}).get("reason"), "certificate.no-seal-registration",
     "after 廃止 no 印鑑登録証明書")

# eligibility refusals, by clerk for named persons
def clerk_ask(atena, copies=1):
    return console.post("/v1/certificates/issuances", dict(ask, copies=copies, atena_number=atena))

r = console.post("/v1/certificates/issuances",
                 dict(ask, atena_number=P["head"], options=dict(ask["options"], kojin_bango=True)))
t.eq((r.status, r.code()), (422, "certificate.item-missing"),
     "個人番号 asked for a household where one person has none: refused, sent to the counter")
r = clerk_ask(P["blocked"])
t.eq((r.status, r.code()), (403, "certificate.blocked"), "支援措置: refused with the reason")
r = clerk_ask(P["moved_out"])
t.eq((r.status, r.code()), (403, "certificate.moved-out"), "moved out: refused")
r = clerk_ask(P["gaiji"])
t.eq((r.status, r.code()), (422, "certificate.unresolved-character"),
     "an unresolved 外字: refused before payment")
child_kiosk = Client(reg, "kiosk2")
r, _ = child_kiosk.identity(child_der, child_key)
r = child_kiosk.get("/v1/certificates/options")
copts = {c["kind"]: c for c in r.json["certificates"]} if r.status == 200 else {}
t.eq(copts.get("juminhyo", {}).get("reason"), "certificate.age",
     "a 10-year-old at a kiosk: refused for age")
r = console.get(f"/v1/certificates/options?atena_number={P['child']}")
copts = {c["kind"]: c for c in r.json["certificates"]} if r.status == 200 else {}
t.ok(copts.get("juminhyo", {}).get("eligible") is True, "the same child at the counter: eligible")

# ---- 個人番号 and its access log -----------------------------------------------------------------
r = console.get(f"/v1/persons/{P['head']}/kojin-bango")
t.eq((r.status, r.code()), (400, "api.purpose-required"), "個人番号 without a purpose: refused")
r = console.get(f"/v1/persons/{P['head']}/kojin-bango?purpose=%E6%9C%AC%E4%BA%BA%E7%A2%BA%E8%AA%8D")
t.ok(r.status == 200 and r.json["kojin_bango"] == "123456789018", "個人番号 read with a purpose")
rows = bench.sql("SELECT who, why, at FROM access_log WHERE atena_number = '%s' ORDER BY id"
                 % P["head"])
t.ok(any(w == "clerk1@console1" and y == "本人確認" and int(a) > 0 for w, y, a in rows),
     "the read is in the access log: who, why, when", rows)
t.ok(not any("kojin" in y for w, y, a in rows) and len(rows) == 1,
     "nothing else read it (the certificates asked no 個人番号)", rows)
r = console.get(f"/v1/persons/{P['head']}")
t.ok(r.status == 200 and "kojin_bango" not in r.json, "a person read has no 個人番号")
r = kiosk.get(f"/v1/persons/{P['head']}")
t.eq(r.status, 401, "a kiosk (resident session) cannot read persons")

# ---- move drafts -------------------------------------------------------------------------------------
draft = {"draft_id": "D-" + uuid.uuid4().hex[:12].upper(), "created_at": now_rfc3339(),
         "terminal": "whoever", "kind": "move_within", "status": "submitted",
         "office_code": "131016",
         "notified_on": "2026-11-26", "move_date": "2026-11-20",
         "new_address": {"municipality": "東京都千代田区", "town": "一番町", "banchi": "2番地"},
         "members": [{"name": "髙橋 健一", "birth_date": "1968-07-21", "sex": "male",
                      "relationship": "世帯主"}]}
dkey = uuid.uuid4().hex
r = kiosk.post("/v1/move-drafts", draft, key=dkey)
did = r.json["draft_id"] if r.status == 201 else "X"
t.ok(r.status == 201 and r.json["terminal"] == "kiosk1", "a kiosk submits a draft", r.raw)
r = kiosk.post("/v1/move-drafts", draft, key=dkey)
t.ok(r.status == 201 and r.json["draft_id"] == did, "its replay is the same draft")
r = console.get("/v1/move-drafts?status=submitted")
t.ok(r.status == 200 and any(d["draft_id"] == did for d in r.json["drafts"]),
     "the counter lists it")
r = kiosk.post(f"/v1/move-drafts/{did}/provisional", {})
t.eq(r.status, 401, "a kiosk cannot make a 仮登録")
r = console2.post(f"/v1/move-drafts/{did}/provisional", {})
t.ok(r.status == 200 and r.json["provisional_by"] == "sup1", "sup1 makes the 仮登録", r.raw)
r = console2.post(f"/v1/move-drafts/{did}/register", {})
t.eq((r.status, r.code()), (403, "draft.same-clerk"), "the same person cannot approve it")
r = console.post(f"/v1/move-drafts/{did}/register", {})
t.eq((r.status, r.code()), (403, "api.role"), "a clerk cannot make a 本登録")
sup2 = Client(reg, "console1")
sup2.token = None
r = kiosk.post("/v1/move-drafts", dict(draft, draft_id="D-" + uuid.uuid4().hex[:12].upper()),
               key=uuid.uuid4().hex)
did2 = r.json["draft_id"] if r.status == 201 else "Y"
r = console.post(f"/v1/move-drafts/{did2}/provisional", {})
t.eq(r.status, 200, "clerk1 makes a 仮登録")
r = console2.post(f"/v1/move-drafts/{did2}/register", {})
t.ok(r.status == 200 and r.json["status"] == "registered" and r.json["registered_by"] == "sup1",
     "a supervisor who is not that clerk makes the 本登録", r.raw)
r = console.post(f"/v1/move-drafts/{did}/reject", {})
t.eq(r.status, 409, "a rejection needs its reason")
r = console.post(f"/v1/move-drafts/{did}/reject", {"reason": "転居先の住所が確認できません"})
t.ok(r.status == 200 and r.json["status"] == "rejected", "rejected with the reason")

# the standard's CSV linkage of what was submitted (docs/linkage.md)
csv_path = os.path.join(bench.tmp, "moves.csv")
x = subprocess.run([os.path.join(BUILD, "registry", "mado-registry-admin"), "export", "--db",
                    bench.dsn, "--what", "moves", "--status", "all", "--out", csv_path],
                   capture_output=True, text=True)
lines = open(csv_path, encoding="utf-8").read().splitlines() if x.returncode == 0 else []
t.ok(len(lines) >= 3 and did in "\n".join(lines) and did2 in "\n".join(lines),
     "export --what moves: a header and a row per 異動者 of each draft", x.stderr)
csv_path = os.path.join(bench.tmp, "issuances.csv")
x = subprocess.run([os.path.join(BUILD, "registry", "mado-registry-admin"), "export", "--db",
                    bench.dsn, "--what", "issuances", "--out", csv_path],
                   capture_output=True, text=True)
text = open(csv_path, encoding="utf-8").read() if x.returncode == 0 else ""
t.ok(all(n in text for n in nums), "export --what issuances: every 発行番号", x.stderr)

# ---- queue tickets --------------------------------------------------------------------------------------
tkey = uuid.uuid4().hex
r = kiosk.post("/v1/tickets", {"category": "A", "service": "証明書"}, key=tkey)
t1 = r.json if r.status == 201 else {}
t.ok(r.status == 201 and t1.get("number") == 1 and len(t1.get("ticket_id", "")) >= 26,
     "a ticket: A-001 with an unguessable id", r.raw)
r = kiosk.post("/v1/tickets", {"category": "A", "service": "証明書"}, key=tkey)
t.ok(r.status == 201 and r.json["ticket_id"] == t1.get("ticket_id"),
     "its replay is the same ticket")
# the kiosk's certificate renewed: its keys are the terminal's, so a replay still finds them
bench.enrol("kiosk1", "kiosk")
renewed = Client(reg, "kiosk1")
r = renewed.post("/v1/tickets", {"category": "A", "service": "証明書"}, key=tkey)
t.ok(r.status == 201 and r.json["ticket_id"] == t1.get("ticket_id")
     and r.header("Idempotent-Replayed") == "true",
     "after the kiosk's certificate is renewed, a replay answers the same ticket", r.raw)
r = Client(reg, "kiosk2").post("/v1/tickets", {"category": "Z", "service": "証明書"}, key=tkey)
t.ok(r.status == 201 and r.json["ticket_id"] != t1.get("ticket_id"),
     "the same key from another kiosk is another request (keys are per terminal)")
r = kiosk2.post("/v1/tickets", {"category": "A", "service": "証明書"})
t2 = r.json if r.status == 201 else {}
t.eq(t2.get("number"), 2, "the next ticket is A-002")
r = public.get(f"/v1/public/tickets/{t2.get('ticket_id')}")
t.ok(r.status == 200 and r.json["waiting_ahead"] == 1 and "name" not in r.json,
     "public status: one ahead, nothing personal", r.raw)
r = public.get("/v1/public/tickets/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
t.eq(r.status, 404, "a guessed id finds nothing")
r = console.post("/v1/tickets/call-next", {"categories": ["A"], "counter": "3番窓口"})
t.ok(r.status == 200 and r.json["number"] == 1 and r.json["status"] == "called",
     "the counter calls A-001", r.raw)
r = public.get("/v1/public/board")
t.ok(r.status == 200 and {"display_number": "A-001", "counter": "3番窓口"} in r.json["called"]
     and r.json["waiting"].get("A") == 1, "the call board shows it", r.raw)
r = kiosk.post("/v1/tickets/offline-blocks", {"category": "A", "count": 5})
blk = r.json if r.status == 201 else {}
t.ok(r.status == 201 and blk["first"] == 3 and blk["last"] == 7,
     "an offline block takes A-003…A-007 off the same counter", r.raw)
now = datetime.now().astimezone().isoformat(timespec="seconds")
off = {"ticket_id": "b" * 32, "category": "A", "number": blk.get("first", 3),
       "service": "証明書", "office_code": "131016", "issued_at": now, "status": "waiting",
       "offline": True}
r = kiosk.post("/v1/tickets/offline", off)
t.eq(r.status, 201, "a ticket issued offline from the block is accepted")
r = kiosk.post("/v1/tickets", {"category": "A", "service": "証明書"})
t.eq(r.json.get("number") if r.status == 201 else None, 8,
     "online numbering goes on after the block")
r = kiosk.post("/v1/tickets/offline", dict(off, ticket_id="c" * 32, number=9))
t.eq(r.status, 400, "an offline number outside any block is refused")

# ---- idempotency rules and bad input -----------------------------------------------------------------
r = kiosk.post("/v1/tickets", {"category": "A", "service": "証明書"}, key=None)
t.eq((r.status, r.code()), (400, "api.idempotency-key-required"), "a write without a key")
old = int((datetime.now(timezone.utc) - timedelta(days=31)).timestamp())
r = kiosk.post("/v1/tickets", {"category": "A", "service": "証明書"},
               headers={"Mado-Created-At": str(old)})
t.eq((r.status, r.code()), (422, "registry.idempotency-stale"),
     "a record older than 30 days is refused as stale, never applied")
r = kiosk.post("/v1/tickets", raw=b'{"category": "A", ')
t.eq((r.status, r.code()), (400, "api.json"), "malformed JSON: 400")
r = kiosk.post("/v1/tickets", {"category": 7, "service": ["x"]})
t.eq(r.status, 400, "wrong types: 400")
r = kiosk.post("/v1/move-drafts", dict(draft, status="registered"))
t.eq(r.status, 400, "a new draft cannot claim to be registered")
big = (b"POST /v1/tickets HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\n"
       b"Idempotency-Key: oversized-body-0001\r\nContent-Length: 2097152\r\n\r\n[[[[")
out = raw_exchange(reg, "kiosk1", big)
t.ok(out.startswith(b"HTTP/1.1 413"), "an oversized body: 413", out[:200])
out = raw_exchange(reg, "kiosk1", b"GARBAGE\r\n\r\n")
t.ok(out.startswith(b"HTTP/1.1 4"), "a malformed request line: 4xx", out[:200])
kiosk.close()
r = kiosk.get("/v1/certificates/options")
t.eq(r.status, 200, "and the server keeps serving")

t.done()
