/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-delivery — the outbox's delivery pass (app/sync/mado-outbox-delivery.c) against a scripted
 * transport: what goes out for each kind, and what each answer does to the record.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "mado-outbox-delivery.h"
#include "mado-scripted-transport.h"
#include "mado-sync-error.h"

#define T0 1790000000 /* 2026-09-21, any fixed "now" */

static const char DRAFT[] = "{\"draft_id\": \"D-0001\", \"name\": \"渡邉 太郎\"}";
static const char TICKET[] = "{\"ticket_id\": \"T-1\", \"number\": 17}";
static const char PRINTED[]
    = "{\"issue_number\": \"20261126-131016-K01-000123\", \"at\": \"2026-11-26T13:10:16+09:00\"}";
static const char VOIDED[] = "{\"issue_number\": \"20261126-131016-K01-000124\", \"at\": "
                             "\"2026-11-26T13:11:00+09:00\", \"reason\": \"paper_jam\"}";

typedef struct
{
  char *dir;
  char *path;
  MadoOutboxKey *key;
  MadoOutbox *outbox;
  MadoScriptedTransport *transport;
  MadoClock *clock;
  MadoOutboxDelivery *delivery;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("mado-delivery-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "outbox.db", NULL);
  f->key = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  f->outbox = mado_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  f->transport = mado_scripted_transport_new ();
  f->clock = mado_fixed_clock_new (T0);
  f->delivery = mado_outbox_delivery_new (f->outbox, MADO_SYNC_TRANSPORT (f->transport), f->clock);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  mado_outbox_delivery_free (f->delivery);
  g_object_unref (f->clock);
  g_object_unref (f->transport);
  mado_outbox_free (f->outbox);
  mado_outbox_key_free (f->key);
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static MadoOutboxRecord *
enqueue (Fixture *f, const char *kind, const char *payload, gint64 now)
{
  g_autoptr (GError) error = NULL;
  MadoOutboxRecord *record = mado_outbox_enqueue (f->outbox, kind, payload, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static MadoDeliverySummary
run_pass (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  MadoDeliverySummary s;
  memset (&s, 0xff, sizeof s); /* every field must be written */
  g_assert_true (mado_outbox_delivery_run_pass (f->delivery, NULL, &s, &error));
  g_assert_no_error (error);
  return s;
}

static MadoOutboxRecord *
get (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  MadoOutboxRecord *record = mado_outbox_get (f->outbox, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static void
assert_purged (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) record = mado_outbox_get (f->outbox, id, &error);
  g_assert_null (record);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
}

static const MadoScriptedRequest *
request_at (Fixture *f, guint i)
{
  GPtrArray *requests = mado_scripted_transport_get_requests (f->transport);
  g_assert_cmpuint (i, <, requests->len);
  return g_ptr_array_index (requests, i);
}

static guint
requests_sent (Fixture *f)
{
  return mado_scripted_transport_get_requests (f->transport)->len;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_routes (void)
{
  const MadoDeliveryRoute *r = mado_delivery_route_for_kind ("move_draft");
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/v1/move-drafts");
  g_assert_cmpstr (mado_delivery_route_for_kind ("queue_ticket")->path, ==, "/v1/tickets/offline");
  g_assert_cmpstr (mado_delivery_route_for_kind ("issuance_printed")->path, ==,
                   "/v1/issuances/{issue_number}/printed");
  g_assert_cmpstr (mado_delivery_route_for_kind ("issuance_voided")->path, ==,
                   "/v1/issuances/{issue_number}/void");
  g_assert_null (mado_delivery_route_for_kind ("household"));
  guint n = 0;
  for (const MadoDeliveryRoute *route = mado_delivery_routes (); route->kind != NULL; route++)
    n++;
  g_assert_cmpuint (n, ==, 4);
}

/* 2xx: purged; what went out is the record, its key and its birth time. */
static void
test_delivered_purges (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoOutboxRecord) draft = enqueue (f, "move_draft", DRAFT, T0 - 100);
  g_autoptr (MadoOutboxRecord) ticket = enqueue (f, "queue_ticket", TICKET, T0 - 50);
  g_autoptr (MadoOutboxRecord) printed = enqueue (f, "issuance_printed", PRINTED, T0 - 20);
  g_autoptr (MadoOutboxRecord) voided = enqueue (f, "issuance_voided", VOIDED, T0 - 10);
  mado_scripted_transport_add_response (f->transport, 201, "{\"draft_id\": \"D-0001\"}", FALSE);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
  mado_scripted_transport_add_response (f->transport, 200, "{}", FALSE);
  mado_scripted_transport_add_response (f->transport, 204, NULL, FALSE);

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 4);
  g_assert_cmpuint (s.replayed, ==, 0);
  g_assert_cmpuint (s.failed, ==, 0);
  g_assert_cmpuint (s.set_aside, ==, 0);
  g_assert_cmpuint (s.remaining, ==, 0);
  g_assert_cmpint (s.next_due_at, ==, 0);
  g_assert_false (s.ended_early);
  g_assert_cmpuint (mado_scripted_transport_get_remaining (f->transport), ==, 0);

  const MadoScriptedRequest *r = request_at (f, 0);
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/v1/move-drafts");
  g_assert_cmpstr (r->json_body, ==, DRAFT);
  g_assert_cmpstr (r->idempotency_key, ==, draft->idempotency_key);
  g_assert_cmpint (r->created_at, ==, T0 - 100);
  g_assert_null (r->bearer_token);
  r = request_at (f, 1);
  g_assert_cmpstr (r->path, ==, "/v1/tickets/offline");
  g_assert_cmpstr (r->json_body, ==, TICKET);
  g_assert_cmpstr (r->idempotency_key, ==, ticket->idempotency_key);
  r = request_at (f, 2);
  g_assert_cmpstr (r->path, ==, "/v1/issuances/20261126-131016-K01-000123/printed");
  g_assert_cmpstr (r->json_body, ==, PRINTED);
  g_assert_cmpint (r->created_at, ==, T0 - 20);
  r = request_at (f, 3);
  g_assert_cmpstr (r->path, ==, "/v1/issuances/20261126-131016-K01-000124/void");
  g_assert_cmpstr (r->idempotency_key, ==, voided->idempotency_key);

  assert_purged (f, draft->id);
  assert_purged (f, ticket->id);
  assert_purged (f, printed->id);
  assert_purged (f, voided->id);

  /* nothing due: nothing sent */
  s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 0);
  g_assert_cmpuint (requests_sent (f), ==, 4);
}

/* The registry answers a repeated key with its first answer: that is a delivery too. */
static void
test_replay_purges (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "queue_ticket", TICKET, T0);
  mado_scripted_transport_add_response (f->transport, 201, "{}", TRUE);

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 1);
  g_assert_cmpuint (s.replayed, ==, 1);
  assert_purged (f, a->id);
}

/* 5xx, 408, 425, 3xx: backoff, with a short reason and never the body; the others still go. */
static void
test_transient_backs_off (Fixture *f, gconstpointer data)
{
  static const guint statuses[] = { 500, 502, 503, 504, 408, 425, 302 };
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_outbox_record_free);
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_ptr_array_add (records, enqueue (f, "queue_ticket", TICKET, T0 - 10 + (gint64)i));
      mado_scripted_transport_add_response (
          f->transport, statuses[i],
          "{\"error\": {\"code\": \"unavailable\", \"message\": \"渡邉 太郎\"}}", FALSE);
    }

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.failed, ==, G_N_ELEMENTS (statuses));
  g_assert_cmpuint (s.delivered, ==, 0);
  g_assert_cmpuint (s.set_aside, ==, 0);
  g_assert_cmpuint (s.remaining, ==, G_N_ELEMENTS (statuses));
  g_assert_false (s.ended_early);
  g_assert_cmpuint (requests_sent (f), ==, G_N_ELEMENTS (statuses));

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      const MadoOutboxRecord *before = g_ptr_array_index (records, i);
      g_autoptr (MadoOutboxRecord) r = get (f, before->id);
      g_autofree char *reason = g_strdup_printf ("http_%u", statuses[i]);
      g_assert_cmpint (r->state, ==, MADO_OUTBOX_STATE_PENDING);
      g_assert_cmpuint (r->attempts, ==, 1);
      g_assert_cmpstr (r->reason, ==, reason);
      g_assert_cmpint (r->last_attempt_at, ==, T0);
      g_assert_cmpint (r->next_attempt_at, >=, T0 + MADO_OUTBOX_BACKOFF_BASE / 2);
      g_assert_cmpint (r->next_attempt_at, <=, T0 + MADO_OUTBOX_BACKOFF_BASE);
    }
  g_assert_cmpint (s.next_due_at, >=, T0 + MADO_OUTBOX_BACKOFF_BASE / 2);

  /* not due again before the backoff */
  s = run_pass (f);
  g_assert_cmpuint (s.failed, ==, 0);
  g_assert_cmpuint (requests_sent (f), ==, G_N_ELEMENTS (statuses));

  /* after it, delivered */
  mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + MADO_OUTBOX_BACKOFF_BASE);
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    mado_scripted_transport_add_response (f->transport, 201, "{}", i % 2 == 0);
  s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, G_N_ELEMENTS (statuses));
  g_assert_cmpuint (s.remaining, ==, 0);
}

/* No answer at all: this record backs off, the pass ends, the others are not touched. */
static void
test_network_failure_ends_pass (Fixture *f, gconstpointer data)
{
  static const struct
  {
    int code;
    const char *reason;
  } failures[] = {
    { MADO_SYNC_ERROR_NETWORK, "network" }, { MADO_SYNC_ERROR_TLS, "tls" },
    { MADO_SYNC_ERROR_TIMEOUT, "timeout" }, { MADO_SYNC_ERROR_PROTOCOL, "protocol" },
    { MADO_SYNC_ERROR_CONFIG, "config" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + 10000 * (gint64)i);
      gint64 now = mado_clock_now (f->clock);
      g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, now);
      g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", TICKET, now);
      g_autoptr (MadoOutboxRecord) c = enqueue (f, "queue_ticket", TICKET, now);
      guint sent = requests_sent (f);
      mado_scripted_transport_add_error (f->transport, MADO_SYNC_ERROR, failures[i].code);

      MadoDeliverySummary s = run_pass (f);
      g_assert_true (s.ended_early);
      g_assert_cmpuint (s.failed, ==, 1);
      g_assert_cmpuint (s.delivered, ==, 0);
      g_assert_cmpuint (s.remaining, ==, 3);
      g_assert_cmpint (s.next_due_at, ==, now); /* b and c are still due */
      g_assert_cmpuint (requests_sent (f), ==, sent + 1);

      g_autoptr (MadoOutboxRecord) ra = get (f, a->id);
      g_assert_cmpuint (ra->attempts, ==, 1);
      g_assert_cmpstr (ra->reason, ==, failures[i].reason);
      g_assert_cmpint (ra->next_attempt_at, >, now);
      for (gint64 id = b->id; id <= c->id; id++)
        {
          g_autoptr (MadoOutboxRecord) untouched = get (f, id);
          g_assert_cmpuint (untouched->attempts, ==, 0);
          g_assert_null (untouched->reason);
          g_assert_cmpint (untouched->last_attempt_at, ==, 0);
          g_assert_cmpint (untouched->next_attempt_at, ==, now);
        }

      /* the network is back: b and c go, a waits for its backoff */
      mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
      mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
      s = run_pass (f);
      g_assert_cmpuint (s.delivered, ==, 2);
      g_assert_cmpuint (s.remaining, ==, 1);
      assert_purged (f, b->id);
      assert_purged (f, c->id);
      mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), now + MADO_OUTBOX_BACKOFF_BASE);
      mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
      s = run_pass (f);
      g_assert_cmpuint (s.delivered, ==, 1);
      assert_purged (f, a->id);
    }
  g_assert_cmpuint (mado_scripted_transport_get_remaining (f->transport), ==, 0);
}

/* The kiosk is not let in (401, 403) or asked to slow down (429): no record is at fault, none is
 * set aside, and the pass ends. */
static void
test_kiosk_refused_ends_pass (Fixture *f, gconstpointer data)
{
  static const guint statuses[] = { 401, 403, 429 };
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + 10000 * (gint64)i);
      gint64 now = mado_clock_now (f->clock);
      g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, now);
      g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", DRAFT, now);
      mado_scripted_transport_add_response (f->transport, statuses[i],
                                            "{\"error\": {\"code\": \"unauthenticated\"}}", FALSE);

      MadoDeliverySummary s = run_pass (f);
      g_assert_true (s.ended_early);
      g_assert_cmpuint (s.failed, ==, 1);
      g_assert_cmpuint (s.set_aside, ==, 0);
      g_autoptr (MadoOutboxRecord) ra = get (f, a->id);
      g_autofree char *reason = g_strdup_printf ("http_%u", statuses[i]);
      g_assert_cmpstr (ra->reason, ==, reason);
      g_assert_cmpint (ra->state, ==, MADO_OUTBOX_STATE_PENDING);
      g_autoptr (MadoOutboxRecord) rb = get (f, b->id);
      g_assert_cmpuint (rb->attempts, ==, 0);

      /* clean up for the next round */
      mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), now + 5000);
      mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
      mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
      s = run_pass (f);
      g_assert_cmpuint (s.delivered, ==, 2);
    }
}

/* Other 4xx: set aside with the API's error code, kept with its payload, never due again. */
static void
test_rejected_set_aside (Fixture *f, gconstpointer data)
{
  static const struct
  {
    guint status;
    const char *body;
    const char *reason;
  } cases[] = {
    { 422, "{\"error\": {\"code\": \"registry.idempotency-stale\", \"message\": \"old\"}}",
      "registry.idempotency-stale" },
    { 422, "{\"error\": {\"code\": \"registry.idempotency-conflict\", \"message\": \"x\"}}",
      "registry.idempotency-conflict" },
    { 400, "{\"error\": {\"code\": \"model.invalid-field\", \"message\": \"members[0]\"}}",
      "model.invalid-field" },
    { 400, "{\"error\": {\"code\": \"idempotency_stale\"}}", "idempotency_stale" },
    { 404, "{\"error\": {\"code\": \"registry.not-found\", \"message\": \"x\"}}",
      "registry.not-found" },
    { 409, "{\"error\": {\"code\": \"conflict\"}}", "conflict" },
    { 404, "<html>not found</html>", "http_404" },
    { 413, NULL, "http_413" },
    /* a code that is not an identifier (it might be anything) is not stored */
    { 400, "{\"error\": {\"code\": \"渡邉 太郎\"}}", "http_400" },
    { 400, "{\"error\": {\"code\": 17}}", "http_400" },
    { 400, "{\"error\": \"invalid\"}", "http_400" },
  };
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_outbox_record_free);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_ptr_array_add (records, enqueue (f, "move_draft", DRAFT, T0 - 100 + (gint64)i));
      mado_scripted_transport_add_response (f->transport, cases[i].status, cases[i].body, FALSE);
    }

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.set_aside, ==, G_N_ELEMENTS (cases));
  g_assert_cmpuint (s.failed, ==, 0);
  g_assert_cmpuint (s.remaining, ==, 0);
  g_assert_false (s.ended_early);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const MadoOutboxRecord *before = g_ptr_array_index (records, i);
      g_autoptr (MadoOutboxRecord) r = get (f, before->id);
      g_assert_cmpint (r->state, ==, MADO_OUTBOX_STATE_SET_ASIDE);
      g_assert_cmpstr (r->reason, ==, cases[i].reason);
      g_assert_cmpint (r->set_aside_at, ==, T0);
      g_assert_cmpuint (r->attempts, ==, 0);
      /* the payload is kept for a clerk */
      g_autoptr (GError) error = NULL;
      char *payload = mado_outbox_read_payload (f->outbox, before->id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (payload, ==, DRAFT);
      mado_outbox_payload_free (payload);
    }

  /* never sent again, however long we wait */
  mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + 7 * 24 * 3600);
  s = run_pass (f);
  g_assert_cmpuint (requests_sent (f), ==, G_N_ELEMENTS (cases));
  g_assert_cmpuint (s.remaining, ==, 0);
}

/* Older than the registry keeps keys: set aside here, never sent. */
static void
test_stale_set_aside_locally (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoOutboxRecord) old = enqueue (f, "move_draft", DRAFT, T0);
  g_autoptr (MadoOutboxRecord) young = enqueue (f, "queue_ticket", TICKET, T0 + 3600);
  mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + MADO_OUTBOX_STALE_AFTER);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.set_aside, ==, 1);
  g_assert_cmpuint (s.delivered, ==, 1);
  g_assert_cmpuint (requests_sent (f), ==, 1);
  g_assert_cmpstr (request_at (f, 0)->idempotency_key, ==, young->idempotency_key);
  g_autoptr (MadoOutboxRecord) r = get (f, old->id);
  g_assert_cmpint (r->state, ==, MADO_OUTBOX_STATE_SET_ASIDE);
  g_assert_cmpstr (r->reason, ==, MADO_OUTBOX_STALE_REASON);

  /* a clerk cannot bring it back either */
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) retried
      = mado_outbox_retry (f->outbox, old->id, mado_clock_now (f->clock), &error);
  g_assert_null (retried);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE);
}

/* A set-aside record, a backing-off one and a good one in the same pass: all three handled. */
static void
test_one_bad_record_blocks_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, T0 - 3);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", TICKET, T0 - 2);
  g_autoptr (MadoOutboxRecord) c = enqueue (f, "issuance_printed", PRINTED, T0 - 1);
  g_autoptr (MadoOutboxRecord) d = enqueue (f, "household", "{\"x\": 1}", T0 - 1);
  g_autoptr (MadoOutboxRecord) e
      = enqueue (f, "issuance_voided", "{\"issue_number\": \"../../admin\", \"at\": \"x\"}", T0);
  g_autoptr (MadoOutboxRecord) g = enqueue (f, "queue_ticket", TICKET, T0);
  mado_scripted_transport_add_response (f->transport, 400, "{\"error\": {\"code\": \"invalid\"}}",
                                        FALSE);
  mado_scripted_transport_add_response (f->transport, 503, NULL, FALSE);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 2);
  g_assert_cmpuint (s.failed, ==, 1);
  g_assert_cmpuint (s.set_aside, ==, 3);
  g_assert_cmpuint (s.remaining, ==, 1);
  g_assert_cmpuint (requests_sent (f), ==, 4);
  g_assert_cmpuint (mado_scripted_transport_get_remaining (f->transport), ==, 0);

  g_autoptr (MadoOutboxRecord) ra = get (f, a->id);
  g_assert_cmpstr (ra->reason, ==, "invalid");
  g_autoptr (MadoOutboxRecord) rb = get (f, b->id);
  g_assert_cmpstr (rb->reason, ==, "http_503");
  assert_purged (f, c->id);
  g_autoptr (MadoOutboxRecord) rd = get (f, d->id);
  g_assert_cmpint (rd->state, ==, MADO_OUTBOX_STATE_SET_ASIDE);
  g_assert_cmpstr (rd->reason, ==, "kind_unknown");
  g_autoptr (MadoOutboxRecord) re = get (f, e->id);
  g_assert_cmpstr (re->reason, ==, "payload_invalid");
  assert_purged (f, g->id);
}

/* A record sealed with another key is set aside (outbox.key); the rest still go. */
static void
test_wrong_key_set_aside (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, T0);
  g_autoptr (MadoOutboxKey) other = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  g_autoptr (MadoOutbox) other_outbox = mado_outbox_open (f->path, other, &error);
  g_assert_no_error (error);
  g_autoptr (MadoOutboxRecord) b
      = mado_outbox_enqueue (other_outbox, "queue_ticket", TICKET, T0, &error);
  g_assert_no_error (error);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);

  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 1);
  g_assert_cmpuint (s.set_aside, ==, 1);
  assert_purged (f, a->id);
  g_autoptr (MadoOutboxRecord) rb = get (f, b->id);
  g_assert_cmpstr (rb->reason, ==, "outbox.key");
}

/* Cancelled mid-exchange (SIGTERM): that record and the rest stay as they were. */
static void
test_cancelled_leaves_records (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", DRAFT, T0);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
  mado_scripted_transport_add_cancel (f->transport, cancellable);

  MadoDeliverySummary s;
  g_assert_false (mado_outbox_delivery_run_pass (f->delivery, cancellable, &s, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (s.delivered, ==, 1);
  g_assert_cmpuint (s.failed, ==, 0);
  g_assert_cmpuint (s.remaining, ==, 1);
  assert_purged (f, a->id);
  g_autoptr (MadoOutboxRecord) rb = get (f, b->id);
  g_assert_cmpuint (rb->attempts, ==, 0);
  g_assert_cmpint (rb->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_null (rb->reason);

  /* cancelled before the pass: nothing is sent */
  g_clear_error (&error);
  g_assert_false (mado_outbox_delivery_run_pass (f->delivery, cancellable, &s, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (requests_sent (f), ==, 2);
}

/* A clerk's retry: a backing-off record and a set-aside one become due now. */
static void
test_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", TICKET, T0);
  mado_scripted_transport_add_response (f->transport, 503, NULL, FALSE);
  mado_scripted_transport_add_response (f->transport, 409, "{\"error\": {\"code\": \"conflict\"}}",
                                        FALSE);
  MadoDeliverySummary s = run_pass (f);
  g_assert_cmpuint (s.failed, ==, 1);
  g_assert_cmpuint (s.set_aside, ==, 1);

  mado_fixed_clock_set (MADO_FIXED_CLOCK (f->clock), T0 + 5);
  g_autoptr (MadoOutboxRecord) ra = mado_outbox_retry (f->outbox, a->id, T0 + 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ra->next_attempt_at, ==, T0 + 5);
  g_assert_cmpuint (ra->attempts, ==, 1);
  g_autoptr (MadoOutboxRecord) rb = mado_outbox_retry (f->outbox, b->id, T0 + 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_cmpint (rb->set_aside_at, ==, 0);

  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);
  mado_scripted_transport_add_response (f->transport, 201, "{}", TRUE);
  s = run_pass (f);
  g_assert_cmpuint (s.delivered, ==, 2);
  g_assert_cmpuint (s.replayed, ==, 1);
  /* the same keys went out again */
  g_assert_cmpstr (request_at (f, 2)->idempotency_key, ==, a->idempotency_key);
  g_assert_cmpstr (request_at (f, 3)->idempotency_key, ==, b->idempotency_key);

  g_autoptr (MadoOutboxRecord) gone = mado_outbox_retry (f->outbox, a->id, T0 + 6, &error);
  g_assert_null (gone);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
}

static void
on_pass_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GAsyncResult **out = data;
  *out = g_object_ref (result);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT, T0);
  mado_scripted_transport_add_response (f->transport, 201, "{}", FALSE);

  GAsyncResult *result = NULL;
  mado_outbox_delivery_run_pass_async (f->delivery, NULL, on_pass_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  MadoDeliverySummary s;
  g_assert_true (mado_outbox_delivery_run_pass_finish (f->delivery, result, &s, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_cmpuint (s.delivered, ==, 1);
  assert_purged (f, a->id);
}

/* Response bodies: error codes come out only as identifiers. */
static void
test_error_code (void)
{
  static const struct
  {
    const char *body;
    const char *code;
  } cases[] = {
    { "{\"error\":{\"code\":\"idempotency_stale\",\"message\":\"x\"}}", "idempotency_stale" },
    { "{\"error\":{\"code\":\"model.invalid-field\"}}", "model.invalid-field" },
    { "{\"error\":{\"code\":\"Invalid\"}}", NULL },
    { "{\"error\":{\"code\":\"\"}}", NULL },
    { "{\"error\":{\"code\":null}}", NULL },
    { "{\"error\":[]}", NULL },
    { "[]", NULL },
    { "", NULL },
    { "{\"error\":{\"code\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"
      "}",
      NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MadoSyncResponse) r = mado_sync_response_new (400, cases[i].body, FALSE);
      g_autofree char *code = mado_sync_response_dup_error_code (r);
      g_assert_cmpstr (code, ==, cases[i].code);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/delivery/routes", test_routes);
  g_test_add_func ("/sync/delivery/error-code", test_error_code);
#define ADD(path, fn)                                                                              \
  g_test_add ("/sync/delivery/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("delivered-purges", test_delivered_purges);
  ADD ("replay-purges", test_replay_purges);
  ADD ("transient-backs-off", test_transient_backs_off);
  ADD ("network-failure-ends-pass", test_network_failure_ends_pass);
  ADD ("kiosk-refused-ends-pass", test_kiosk_refused_ends_pass);
  ADD ("rejected-set-aside", test_rejected_set_aside);
  ADD ("stale-set-aside-locally", test_stale_set_aside_locally);
  ADD ("one-bad-record-blocks-nothing", test_one_bad_record_blocks_nothing);
  ADD ("wrong-key-set-aside", test_wrong_key_set_aside);
  ADD ("cancelled-leaves-records", test_cancelled_leaves_records);
  ADD ("retry", test_retry);
  ADD ("async", test_async);
#undef ADD
  return g_test_run ();
}
