/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-queue-ticket.h — a queue ticket (整理券). It carries no personal data: the table has no
 * field for any, and unknown fields are refused. Feeds print/'s `ticket`. JSON: docs/model.md.
 */
#pragma once

#include "mado-model-object.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_TICKET_STATUS_WAITING,    /* 待ち */
  MADO_TICKET_STATUS_CALLED,     /* 呼出中 */
  MADO_TICKET_STATUS_IN_SERVICE, /* 受付中 */
  MADO_TICKET_STATUS_DONE,       /* 終了 */
  MADO_TICKET_STATUS_ABSENT,     /* 不在 (back to waiting when the person returns) */
  MADO_TICKET_STATUS_CANCELLED,  /* 取消 */
} MadoTicketStatus;

typedef struct
{
  char *ticket_id;   /* the unguessable id of the status page: 26–64 of a–z 2–7 (base32) */
  char *category;    /* one letter A–Z: the number range (A 001–499 certificates…) */
  guint number;      /* 1–9999, daily */
  char *service;     /* the service chosen */
  char *office_code; /* 地方公共団体コード */
  char *issued_at;   /* RFC 3339 */
  MadoTicketStatus status;
  char *counter;    /* the window called to, once called */
  char *draft_id;   /* the move draft the ticket opens, if any */
  gboolean offline; /* issued from a block reserved in advance while cut off */
} MadoQueueTicket;

MADO_MODEL_DECLARE_OBJECT (MadoQueueTicket, mado_queue_ticket)

/* 「A-023」: the category, a hyphen and the number in at least three digits (print/'s
 * `ticket_number`). */
char *mado_queue_ticket_format_number (const MadoQueueTicket *ticket);

G_END_DECLS
