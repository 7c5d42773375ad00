/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-reader.h — one card in one reader, whatever carries the APDUs.
 *
 * MadoReader is abstract. Backends: MadoPcscReader (pcsc-lite) and MadoScriptedReader (a
 * transcript, for unit tests and fuzzing). Everything above this interface — the APDU exchange
 * logic below, the card drivers — is shared by both.
 *
 * A reader object is used from one thread at a time; the driver's async functions run their
 * blocking work in a GTask thread and hold the reader for that time.
 */
#pragma once

#include <gio/gio.h>

#include "mado-apdu.h"

G_BEGIN_DECLS

#define MADO_TYPE_READER (mado_reader_get_type ())
G_DECLARE_DERIVABLE_TYPE (MadoReader, mado_reader, MADO, READER, GObject)

/* Counters since the reader was created (or reset with mado_reader_reset_stats()). */
typedef struct
{
  guint apdus;        /* physical exchanges, GET RESPONSE and 6Cxx resends included */
  guint64 bytes_sent; /* command bytes */
  guint64 bytes_received;
  gint64 busy_usec; /* wall time spent inside transmit */
} MadoReaderStats;

/* Receives one trace line per exchange. Lines hold headers, lengths, status words and timings:
 * never command or response data. */
typedef void (*MadoReaderTraceFunc) (const char *line, gpointer user_data);

struct _MadoReaderClass
{
  GObjectClass parent_class;

  /* Connects to the card, fills the ATR. */
  gboolean (*connect) (MadoReader *self, GError **error);
  void (*disconnect) (MadoReader *self);
  /* After MADO_CARD_ERROR_CARD_RESET: re-establish the connection (the card is warm-reset). */
  gboolean (*reconnect) (MadoReader *self, GError **error);
  gboolean (*begin_transaction) (MadoReader *self, GError **error);
  void (*end_transaction) (MadoReader *self);
  /* One physical exchange. @response has room for MADO_APDU_MAX_RESPONSE bytes. */
  gboolean (*transmit) (MadoReader *self, const guint8 *command, gsize command_len,
                        guint8 *response, gsize *response_len, GError **error);

  gpointer padding[8];
};

/* Borrowed. */
const char *mado_reader_get_name (MadoReader *self);
/* Borrowed; NULL before connect. */
GBytes *mado_reader_get_atr (MadoReader *self);

gboolean mado_reader_connect (MadoReader *self, GError **error);
void mado_reader_disconnect (MadoReader *self);
gboolean mado_reader_reconnect (MadoReader *self, GError **error);
gboolean mado_reader_begin_transaction (MadoReader *self, GError **error);
void mado_reader_end_transaction (MadoReader *self);

/* Whether commands with extended length may be sent. TRUE by default; a driver that learns the
 * reader cannot carry them sets it to FALSE and falls back to short APDUs. */
gboolean mado_reader_get_extended_length (MadoReader *self);
void mado_reader_set_extended_length (MadoReader *self, gboolean allowed);

/* Sends one logical command: encodes it, exchanges it, follows 61xx with GET RESPONSE and
 * resends once with the corrected Le on 6Cxx. Appends the response data to @response (which may
 * hold personal data: the caller owns and wipes it) and returns the final status word in @sw.
 * A command marked sensitive has its encoded buffer wiped before this returns, and its data is
 * never traced. */
gboolean mado_reader_transceive (MadoReader *self, const MadoApdu *apdu, GByteArray *response,
                                 guint16 *sw, GError **error);

void mado_reader_set_trace_func (MadoReader *self, MadoReaderTraceFunc func, gpointer user_data,
                                 GDestroyNotify destroy);
void mado_reader_get_stats (MadoReader *self, MadoReaderStats *stats);
void mado_reader_reset_stats (MadoReader *self);

/* For backends: set the name and the ATR. */
void mado_reader_set_name (MadoReader *self, const char *name);
void mado_reader_set_atr (MadoReader *self, const guint8 *atr, gsize atr_len);

G_END_DECLS
