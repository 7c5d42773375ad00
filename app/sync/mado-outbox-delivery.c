/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox-delivery.c — the delivery pass: routes, outcomes, and the rule that only a 2xx
 * purges (see the header for the table).
 */
#define G_LOG_DOMAIN "mado-sync"

#include "mado-outbox-delivery.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "mado-model-text.h"
#include "mado-sync-error.h"

/* The one table from record kinds to endpoints (docs/api.md). */
static const MadoDeliveryRoute routes[] = {
  { "move_draft", "POST", "/v1/move-drafts", NULL },
  { "queue_ticket", "POST", "/v1/tickets/offline", NULL },
  { "issuance_printed", "POST", "/v1/issuances/{issue_number}/printed", "issue_number" },
  { "issuance_voided", "POST", "/v1/issuances/{issue_number}/void", "issue_number" },
  { NULL, NULL, NULL, NULL },
};

struct _MadoOutboxDelivery
{
  MadoOutbox *outbox;
  MadoSyncTransport *transport;
  MadoClock *clock;
};

const MadoDeliveryRoute *
mado_delivery_routes (void)
{
  return routes;
}

const MadoDeliveryRoute *
mado_delivery_route_for_kind (const char *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);
  for (const MadoDeliveryRoute *r = routes; r->kind != NULL; r++)
    if (g_str_equal (r->kind, kind))
      return r;
  return NULL;
}

MadoOutboxDelivery *
mado_outbox_delivery_new (MadoOutbox *outbox, MadoSyncTransport *transport, MadoClock *clock)
{
  g_return_val_if_fail (outbox != NULL, NULL);
  g_return_val_if_fail (MADO_IS_SYNC_TRANSPORT (transport), NULL);
  g_return_val_if_fail (MADO_IS_CLOCK (clock), NULL);

  MadoOutboxDelivery *delivery = g_new0 (MadoOutboxDelivery, 1);
  delivery->outbox = outbox;
  delivery->transport = g_object_ref (transport);
  delivery->clock = g_object_ref (clock);
  return delivery;
}

void
mado_outbox_delivery_free (MadoOutboxDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_clear_object (&delivery->transport);
  g_clear_object (&delivery->clock);
  g_free (delivery);
}

/* ---- the path of a record -------------------------------------------------------------------- */

/* The route's path with its placeholder filled from the payload's member (a QR id, so nothing
 * needs escaping); NULL when the payload does not give one. Only issuance payloads are parsed:
 * they hold a 発行番号, a time and a reason, nothing personal. */
static char *
build_path (const MadoDeliveryRoute *route, const char *payload)
{
  if (route->path_parameter == NULL)
    return g_strdup (route->path);

  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, payload, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  JsonNode *member = json_object_get_member (json_node_get_object (root), route->path_parameter);
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  const char *value = json_node_get_string (member);
  if (!mado_qr_id_is_valid (value, 32))
    return NULL;

  g_autofree char *placeholder = g_strdup_printf ("{%s}", route->path_parameter);
  const char *at = strstr (route->path, placeholder);
  g_return_val_if_fail (at != NULL, NULL);
  return g_strdup_printf ("%.*s%s%s", (int)(at - route->path), route->path, value,
                          at + strlen (placeholder));
}

/* ---- outcomes -------------------------------------------------------------------------------- */

typedef enum
{
  NEXT_RECORD, /* go on with the next record */
  END_PASS,    /* the registry is out of reach: leave the rest for the next pass */
  PASS_FAILED, /* the outbox failed, or the pass was cancelled: *error is set */
} Outcome;

/* An outbox write about a record that changed meanwhile (purged, set aside or retried by another
 * process) is not a failure of the pass; anything else is. */
static gboolean
outbox_write_failed (GError *local, GError **error)
{
  if (g_error_matches (local, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND)
      || g_error_matches (local, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE))
    {
      g_message ("%s", local->message);
      g_error_free (local);
      return FALSE;
    }
  g_propagate_error (error, local);
  return TRUE;
}

static Outcome
set_aside (MadoOutboxDelivery *d, const MadoOutboxRecord *record, const char *reason,
           MadoDeliverySummary *summary, GError **error)
{
  GError *local = NULL;
  if (!mado_outbox_set_aside (d->outbox, record->id, mado_clock_now (d->clock), reason, &local))
    return outbox_write_failed (local, error) ? PASS_FAILED : NEXT_RECORD;
  summary->set_aside++;
  g_message ("outbox record %" G_GINT64_FORMAT " (%s): set aside: %s", record->id, record->kind,
             reason);
  return NEXT_RECORD;
}

static Outcome
mark_failed (MadoOutboxDelivery *d, const MadoOutboxRecord *record, const char *reason,
             Outcome then, MadoDeliverySummary *summary, GError **error)
{
  GError *local = NULL;
  if (!mado_outbox_mark_failed (d->outbox, record->id, mado_clock_now (d->clock), reason, &local))
    return outbox_write_failed (local, error) ? PASS_FAILED : then;
  summary->failed++;
  g_message ("outbox record %" G_GINT64_FORMAT " (%s): not delivered (%s), attempt %u", record->id,
             record->kind, reason, record->attempts + 1);
  return then;
}

static Outcome
delivered (MadoOutboxDelivery *d, const MadoOutboxRecord *record, const MadoSyncResponse *response,
           MadoDeliverySummary *summary, GError **error)
{
  GError *local = NULL;
  if (!mado_outbox_mark_delivered (d->outbox, record->id, &local))
    {
      /* purged already (another deliverer): the registry has it all the same */
      if (outbox_write_failed (local, error))
        return PASS_FAILED;
    }
  summary->delivered++;
  if (response->replayed)
    summary->replayed++;
  g_info ("outbox record %" G_GINT64_FORMAT " (%s): delivered (HTTP %u%s)", record->id,
          record->kind, response->status, response->replayed ? ", replayed" : "");
  return NEXT_RECORD;
}

/* No HTTP answer came back. */
static Outcome
transport_failed (MadoOutboxDelivery *d, const MadoOutboxRecord *record, GError *local,
                  MadoDeliverySummary *summary, GError **error)
{
  g_autoptr (GError) owned = local;

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* the exchange was abandoned: the record stays exactly as it was */
      g_propagate_error (error, g_steal_pointer (&owned));
      return PASS_FAILED;
    }
  if (g_error_matches (owned, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID))
    {
      /* this build cannot form the request: sending it again would not help */
      g_message ("%s", owned->message);
      return set_aside (d, record, "request_invalid", summary, error);
    }

  const char *reason = "transport";
  if (owned->domain == MADO_SYNC_ERROR)
    switch ((MadoSyncError)owned->code)
      {
      case MADO_SYNC_ERROR_NETWORK:
        reason = "network";
        break;
      case MADO_SYNC_ERROR_TLS:
        reason = "tls";
        break;
      case MADO_SYNC_ERROR_TIMEOUT:
        reason = "timeout";
        break;
      case MADO_SYNC_ERROR_PROTOCOL:
        reason = "protocol";
        break;
      case MADO_SYNC_ERROR_CONFIG:
        reason = "config";
        break;
      default:
        break;
      }
  g_message ("%s", owned->message); /* host, method, path, curl's text: no body, no key */
  summary->ended_early = TRUE;
  return mark_failed (d, record, reason, END_PASS, summary, error);
}

static Outcome
judge_response (MadoOutboxDelivery *d, const MadoOutboxRecord *record,
                const MadoSyncResponse *response, MadoDeliverySummary *summary, GError **error)
{
  guint status = response->status;
  g_autofree char *http_reason = g_strdup_printf ("http_%u", status);

  if (status >= 200 && status <= 299)
    return delivered (d, record, response, summary, error);
  if (status == 401 || status == 403)
    {
      /* the kiosk is not let in (certificate not enrolled, revoked): every record would get the
       * same answer, and none of them is at fault */
      summary->ended_early = TRUE;
      return mark_failed (d, record, http_reason, END_PASS, summary, error);
    }
  if (status == 429)
    {
      /* asked to slow down: the question is the kiosk's pace, not this record */
      summary->ended_early = TRUE;
      return mark_failed (d, record, http_reason, END_PASS, summary, error);
    }
  if (status == 408 || status == 425 || status < 200 || (status >= 300 && status <= 399)
      || status >= 500)
    return mark_failed (d, record, http_reason, NEXT_RECORD, summary, error);

  /* any other 4xx: the registry refused this record for good */
  g_autofree char *code = mado_sync_response_dup_error_code (response);
  return set_aside (d, record, code != NULL ? code : http_reason, summary, error);
}

static Outcome
deliver_one (MadoOutboxDelivery *d, const MadoOutboxRecord *record, GCancellable *cancellable,
             MadoDeliverySummary *summary, GError **error)
{
  /* time passes during a pass: checked again just before sending */
  if (record->created_at <= mado_clock_now (d->clock) - MADO_OUTBOX_STALE_AFTER)
    return set_aside (d, record, MADO_OUTBOX_STALE_REASON, summary, error);

  const MadoDeliveryRoute *route = mado_delivery_route_for_kind (record->kind);
  if (route == NULL)
    return set_aside (d, record, "kind_unknown", summary, error);

  GError *local = NULL;
  char *payload = mado_outbox_read_payload (d->outbox, record->id, &local);
  if (payload == NULL)
    {
      if (g_error_matches (local, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY)
          || g_error_matches (local, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED))
        {
          const char *reason
              = local->code == MADO_OUTBOX_ERROR_KEY ? "outbox.key" : "outbox.tampered";
          g_message ("%s", local->message);
          g_error_free (local);
          return set_aside (d, record, reason, summary, error);
        }
      return outbox_write_failed (local, error) ? PASS_FAILED : NEXT_RECORD;
    }

  g_autofree char *path = build_path (route, payload);
  if (path == NULL)
    {
      mado_outbox_payload_free (payload);
      return set_aside (d, record, "payload_invalid", summary, error);
    }

  const MadoSyncRequest request = {
    .method = route->method,
    .path = path,
    .json_body = payload,
    .idempotency_key = record->idempotency_key,
    .created_at = record->created_at,
    .bearer_token = NULL,
  };
  g_debug ("outbox record %" G_GINT64_FORMAT " (%s): %s %s", record->id, record->kind,
           request.method, request.path);
  g_autoptr (MadoSyncResponse) response
      = mado_sync_transport_request (d->transport, &request, cancellable, &local);
  mado_outbox_payload_free (payload);

  if (response == NULL)
    return transport_failed (d, record, local, summary, error);
  return judge_response (d, record, response, summary, error);
}

/* ---- the pass -------------------------------------------------------------------------------- */

/* Stale pending records are set aside first, one by one, so the summary counts them. */
static gboolean
set_aside_stale (MadoOutboxDelivery *d, MadoDeliverySummary *summary, GError **error)
{
  gint64 now = mado_clock_now (d->clock);
  g_autoptr (GPtrArray) all = mado_outbox_list (d->outbox, error);
  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      const MadoOutboxRecord *record = g_ptr_array_index (all, i);
      if (record->state == MADO_OUTBOX_STATE_PENDING
          && record->created_at <= now - MADO_OUTBOX_STALE_AFTER
          && set_aside (d, record, MADO_OUTBOX_STALE_REASON, summary, error) == PASS_FAILED)
        return FALSE;
    }
  return TRUE;
}

static gboolean
deliver_due (MadoOutboxDelivery *d, GCancellable *cancellable, MadoDeliverySummary *summary,
             GError **error)
{
  if (!set_aside_stale (d, summary, error))
    return FALSE;
  g_autoptr (GPtrArray) due = mado_outbox_next_due (d->outbox, mado_clock_now (d->clock), 0, error);
  if (due == NULL)
    return FALSE;
  for (guint i = 0; i < due->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      switch (deliver_one (d, g_ptr_array_index (due, i), cancellable, summary, error))
        {
        case NEXT_RECORD:
          break;
        case END_PASS:
          return TRUE;
        case PASS_FAILED:
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
count_pending (MadoOutboxDelivery *d, MadoDeliverySummary *summary, GError **error)
{
  g_autoptr (GPtrArray) all = mado_outbox_list (d->outbox, error);
  if (all == NULL)
    return FALSE;
  summary->remaining = 0;
  summary->next_due_at = 0;
  for (guint i = 0; i < all->len; i++)
    {
      const MadoOutboxRecord *record = g_ptr_array_index (all, i);
      if (record->state != MADO_OUTBOX_STATE_PENDING)
        continue;
      summary->remaining++;
      if (summary->next_due_at == 0 || record->next_attempt_at < summary->next_due_at)
        summary->next_due_at = record->next_attempt_at;
    }
  return TRUE;
}

gboolean
mado_outbox_delivery_run_pass (MadoOutboxDelivery *delivery, GCancellable *cancellable,
                               MadoDeliverySummary *summary, GError **error)
{
  g_return_val_if_fail (delivery != NULL, FALSE);

  MadoDeliverySummary s = { 0 };
  gboolean ok = deliver_due (delivery, cancellable, &s, error);
  /* what is left, even after a failed pass (the outbox may still answer) */
  if (ok)
    ok = count_pending (delivery, &s, error);
  else
    count_pending (delivery, &s, NULL);
  if (summary != NULL)
    *summary = s;
  return ok;
}

/* ---- async ----------------------------------------------------------------------------------- */

typedef struct
{
  MadoOutboxDelivery *delivery;
  MadoDeliverySummary summary;
} PassData;

static void
pass_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  PassData *data = task_data;
  GError *error = NULL;
  if (mado_outbox_delivery_run_pass (data->delivery, cancellable, &data->summary, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mado_outbox_delivery_run_pass_async (MadoOutboxDelivery *delivery, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (delivery != NULL);

  PassData *data = g_new0 (PassData, 1);
  data->delivery = delivery;
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mado_outbox_delivery_run_pass_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, pass_thread);
}

gboolean
mado_outbox_delivery_run_pass_finish (MadoOutboxDelivery *delivery, GAsyncResult *result,
                                      MadoDeliverySummary *summary, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == mado_outbox_delivery_run_pass_async, FALSE);

  PassData *data = g_task_get_task_data (G_TASK (result));
  g_return_val_if_fail (data->delivery == delivery, FALSE);
  if (summary != NULL)
    *summary = data->summary;
  return g_task_propagate_boolean (G_TASK (result), error);
}
