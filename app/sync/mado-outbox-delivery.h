/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox-delivery.h — one delivery pass over the kiosk's outbox (docs/outbox.md,
 * "Delivery"): every due record is sent to its endpoint of the registry API with its
 * idempotency key and creation time, and what the registry answers decides its fate.
 *
 *   2xx (a replay too)                      → delivered: purged
 *   408, 425, 429, 5xx, 1xx, 3xx            → failed: attempts + 1, backoff ("http_503")
 *   401, 403                                → failed, and the pass ends (the kiosk is not let in:
 *                                              not the record's fault, so none is set aside)
 *   other 4xx                               → set aside with the API's error code
 *                                              ("registry.idempotency-stale",
 *                                              "api.invalid", …: docs/api.md)
 *   no answer (network, TLS, timeout, …)    → failed ("network", "tls", "timeout", "protocol"),
 *                                              and the pass ends: the others are not touched
 *   older than MADO_OUTBOX_STALE_AFTER      → set aside before sending, never sent
 *   unknown kind, unusable payload          → set aside ("kind_unknown", "payload_invalid",
 *                                              "outbox.key", "outbox.tampered")
 *
 * One record's failure never holds up the others. A record is purged only after a 2xx, so the
 * process may be killed at any moment: what was not confirmed is sent again, and the registry
 * answers a repeated key with its first answer. Cancelling ends the pass before the next record
 * (or aborts the exchange in flight), leaving the record as it was.
 *
 * Reasons and log lines hold record ids, kinds, HTTP statuses and error codes: never a payload, a
 * response body or an idempotency key.
 */
#pragma once

#include <gio/gio.h>

#include "mado-clock.h"
#include "mado-outbox.h"
#include "mado-sync-transport.h"

G_BEGIN_DECLS

/* What a pass did. */
typedef struct
{
  guint delivered;      /* confirmed (2xx) and purged */
  guint replayed;       /* of which the registry answered as a replay */
  guint failed;         /* failed for now: backing off */
  guint set_aside;      /* rejected for good, stale or unusable: kept for a clerk */
  guint remaining;      /* pending records after the pass (due now or later) */
  gint64 next_due_at;   /* the earliest next attempt of a pending record; 0: none pending */
  gboolean ended_early; /* the registry could not be reached (or let us in): pass cut short */
} MadoDeliverySummary;

/* The endpoint a record of @kind goes to: "POST /v1/move-drafts" and the like; NULL for a kind
 * this build does not deliver. @path_parameter: the payload member that fills "{…}" in the
 * path (NULL: none). Borrowed, static. */
typedef struct
{
  const char *kind;
  const char *method;
  const char *path; /* may hold one "{name}" placeholder */
  const char *path_parameter;
} MadoDeliveryRoute;

const MadoDeliveryRoute *mado_delivery_route_for_kind (const char *kind);
/* All routes, terminated by an entry whose kind is NULL. */
const MadoDeliveryRoute *mado_delivery_routes (void);

typedef struct _MadoOutboxDelivery MadoOutboxDelivery;

/* A deliverer over @outbox (borrowed: it must outlive the deliverer, and is used only inside a
 * pass, from the pass's thread) through @transport with time from @clock (both referenced). */
MadoOutboxDelivery *mado_outbox_delivery_new (MadoOutbox *outbox, MadoSyncTransport *transport,
                                              MadoClock *clock);
void mado_outbox_delivery_free (MadoOutboxDelivery *delivery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOutboxDelivery, mado_outbox_delivery_free)

/* One pass: sets stale records aside, then delivers the due ones, oldest due first. Fills
 * @summary (optional) in every case. FALSE when the outbox itself failed (MADO_OUTBOX_ERROR_IO)
 * or @cancellable was cancelled (G_IO_ERROR_CANCELLED); a record that could not be delivered is
 * not an error of the pass. Blocking. */
gboolean mado_outbox_delivery_run_pass (MadoOutboxDelivery *delivery, GCancellable *cancellable,
                                        MadoDeliverySummary *summary, GError **error);

/* The same in a GTask worker thread. One pass at a time per deliverer (and per outbox). */
void mado_outbox_delivery_run_pass_async (MadoOutboxDelivery *delivery, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean mado_outbox_delivery_run_pass_finish (MadoOutboxDelivery *delivery, GAsyncResult *result,
                                               MadoDeliverySummary *summary, GError **error);

G_END_DECLS
