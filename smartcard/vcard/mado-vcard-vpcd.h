/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-vpcd.h — carries a MadoVcard over vsmartcard's vpcd protocol.
 *
 * The card connects to the vpcd driver inside pcscd (connect = insert, close = remove). Every
 * message both ways is a big-endian uint16 length and that many bytes; a 1-byte message from vpcd
 * is a control code (00 power off, 01 power on, 02 reset, 04 get ATR), a longer one a command APDU.
 * See reference/test-bench.md §1.
 */
#pragma once

#include "mado-vcard-card.h"

G_BEGIN_DECLS

typedef struct
{
  const char *host;         /* "127.0.0.1" */
  guint16 port;             /* vpcd's port for the slot (35963 + slot by default) */
  guint connect_timeout_ms; /* keep trying every 100 ms this long; 0 = a single attempt */
  guint pull_after;         /* after answering this many APDUs, close (card pulled); 0 = never */
  guint delay_ms;           /* sleep before each answer (slow card) */
  gboolean reinsert;        /* reconnect when vpcd closes (or after a pull) instead of returning */
  gboolean verbose;         /* log control codes, APDU headers, lengths and SWs (never data) */
} MadoVcardVpcdOptions;

/* Runs until vpcd closes the connection (or the card is pulled) without @reinsert, or SIGTERM or
 * SIGINT arrives: then returns TRUE. FALSE with @error when no connection could be made
 * (G_IO_ERROR_*). Blocks SIGTERM and SIGINT in the calling thread while it runs. */
gboolean mado_vcard_vpcd_run (MadoVcard *card, const MadoVcardVpcdOptions *options, GError **error);

G_END_DECLS
