/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-queue-ticket.c — the queue ticket's table.
 */
#include "mado-queue-ticket.h"

#include <string.h>

#include "mado-model-schema-tables.h"

static const char *const status_names[]
    = { "waiting", "called", "in_service", "done", "absent", "cancelled", NULL };

static gboolean
ticket_check (gconstpointer object, const char *path, GError **error)
{
  const MadoQueueTicket *t = object;
  gsize len = strlen (t->ticket_id);
  if (len < 26 || len > 64 || strspn (t->ticket_id, "abcdefghijklmnopqrstuvwxyz234567") != len)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "ticket_id",
                            "not 26–64 of a–z and 2–7 (base32, lower case)");
  if (strlen (t->category) != 1 || !g_ascii_isupper (t->category[0]))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "category",
                            "not one letter A–Z");
  gboolean called
      = t->status == MADO_TICKET_STATUS_CALLED || t->status == MADO_TICKET_STATUS_IN_SERVICE;
  if (called && t->counter == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "counter",
                            "required once called");
  return TRUE;
}

static const MadoModelField ticket_fields[] = {
  MADO_MODEL_FIELD (MadoQueueTicket, ticket_id, "ticket_id", MADO_FIELD_ASCII_ID,
                    MADO_FIELD_REQUIRED, "整理券ID（状況ページ）"),
  MADO_MODEL_TEXT_FIELD (MadoQueueTicket, category, "category", MADO_FIELD_REQUIRED, 1, "受付区分"),
  MADO_MODEL_UINT_FIELD (MadoQueueTicket, number, "number", MADO_FIELD_REQUIRED, 1, 9999,
                         "受付番号"),
  MADO_MODEL_TEXT_FIELD (MadoQueueTicket, service, "service", MADO_FIELD_REQUIRED, 64, "用件"),
  MADO_MODEL_FIELD (MadoQueueTicket, office_code, "office_code", MADO_FIELD_QR_ID, 0,
                    "地方公共団体コード"),
  MADO_MODEL_FIELD (MadoQueueTicket, issued_at, "issued_at", MADO_FIELD_DATETIME,
                    MADO_FIELD_REQUIRED, "発券日時"),
  MADO_MODEL_ENUM_FIELD (MadoQueueTicket, status, "status", MADO_FIELD_REQUIRED,
                         (const char *const *)status_names, "状態"),
  MADO_MODEL_TEXT_FIELD (MadoQueueTicket, counter, "counter", 0, 16, "窓口"),
  MADO_MODEL_FIELD (MadoQueueTicket, draft_id, "draft_id", MADO_FIELD_QR_ID, 0, "下書き番号"),
  MADO_MODEL_FIELD (MadoQueueTicket, offline, "offline", MADO_FIELD_BOOL, 0, "事前確保番号"),
};
const MadoModelSchema mado_queue_ticket_schema
    = { "queue ticket", sizeof (MadoQueueTicket), ticket_fields, G_N_ELEMENTS (ticket_fields),
        ticket_check };

MADO_MODEL_DEFINE_OBJECT (MadoQueueTicket, mado_queue_ticket, mado_queue_ticket_schema)

char *
mado_queue_ticket_format_number (const MadoQueueTicket *ticket)
{
  return g_strdup_printf ("%s-%03u", ticket->category, ticket->number);
}
