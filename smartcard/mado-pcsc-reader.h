/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-reader.h — PC/SC (pcsc-lite) backend: the reader list, one card connection, and a
 * monitor that follows readers and cards with SCardGetStatusChange.
 */
#pragma once

#include "mado-reader.h"

G_BEGIN_DECLS

/* Lists reader names. "No service" and "no readers" are not failures here: they return an empty
 * array and set @state accordingly (when non-NULL). Other PC/SC failures set @error. */
typedef enum
{
  MADO_PCSC_STATE_NO_SERVICE,
  MADO_PCSC_STATE_NO_READERS,
  MADO_PCSC_STATE_READY,
} MadoPcscState;

/* The enum's GType, for properties and signals (a screen binds to the monitor's "state"). */
GType mado_pcsc_state_get_type (void);
#define MADO_TYPE_PCSC_STATE (mado_pcsc_state_get_type ())

GPtrArray *mado_pcsc_list_readers (MadoPcscState *state, GError **error);

#define MADO_TYPE_PCSC_READER (mado_pcsc_reader_get_type ())
G_DECLARE_FINAL_TYPE (MadoPcscReader, mado_pcsc_reader, MADO, PCSC_READER, MadoReader)

/* @reader_name: exact name, or NULL for the first reader holding a card (then the first reader).
 * Errors: NO_SERVICE, NO_READER, NO_CARD, READER_BUSY, TRANSPORT. The card is connected shared. */
MadoReader *mado_pcsc_reader_open (const char *reader_name, GError **error);

/* Waits until a card is present in @reader_name (or any reader when NULL) — through
 * SCardGetStatusChange, following readers that come and go and a pcscd that stops and starts
 * again — then opens it. Cancel with @cancellable (SCardCancel): G_IO_ERROR_CANCELLED.
 * @timeout_ms < 0 waits forever; on timeout the error says what was missing last: NO_SERVICE,
 * NO_READER or NO_CARD. Blocking: call it from a worker thread (GTask). */
MadoReader *mado_pcsc_reader_wait_and_open (const char *reader_name, int timeout_ms,
                                            GCancellable *cancellable, GError **error);

/* The building block of mado_pcsc_reader_wait_and_open() and MadoPcscMonitor, for callers that
 * want the raw view. A watch follows pcscd, its readers (\\?PnP?\Notification) and their cards
 * with SCardGetStatusChange; when pcscd goes away it releases its context and tries again every
 * 200 ms. One thread waits on it; any thread may cancel it. */
typedef struct _MadoPcscWatch MadoPcscWatch;

/* One reader as a watch last saw it. */
typedef struct
{
  char *name;
  gboolean card_present; /* a card is in the reader and answered its reset (not mute) */
  GBytes *atr;           /* NULL without a card */
  guint event_count;     /* pcscd counts insertions and removals: a card swapped between two
                          * looks changes it even though card_present stays TRUE */
} MadoPcscReaderStatus;

MadoPcscReaderStatus *mado_pcsc_reader_status_copy (const MadoPcscReaderStatus *status);
void mado_pcsc_reader_status_free (MadoPcscReaderStatus *status);

typedef enum
{
  MADO_PCSC_WATCH_CHANGED,
  MADO_PCSC_WATCH_TIMEOUT,
  MADO_PCSC_WATCH_CANCELLED,
} MadoPcscWatchResult;

MadoPcscWatch *mado_pcsc_watch_new (void);
void mado_pcsc_watch_free (MadoPcscWatch *watch);
/* Blocks until the view (state, readers, cards) differs from the one the previous call left
 * (the first call returns the initial view at once), until @deadline (monotonic time in
 * microseconds; -1 waits forever) passes, or until the watch is cancelled. */
MadoPcscWatchResult mado_pcsc_watch_wait (MadoPcscWatch *watch, gint64 deadline);
MadoPcscState mado_pcsc_watch_get_state (MadoPcscWatch *watch);
/* Borrowed; element type MadoPcscReaderStatus; valid until the next wait. */
GPtrArray *mado_pcsc_watch_get_readers (MadoPcscWatch *watch);
/* Thread-safe and sticky: the wait in progress and every later one return CANCELLED. */
void mado_pcsc_watch_cancel (MadoPcscWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoPcscWatch, mado_pcsc_watch_free)

G_END_DECLS
