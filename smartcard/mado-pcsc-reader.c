/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-reader.c — the PC/SC (pcsc-lite) backend: the reader list, one card connection, and
 * the watch that follows readers and cards (used by wait_and_open and MadoPcscMonitor).
 *
 * Every PC/SC call goes through PCSC() below, which logs the call and its result code with
 * g_debug (never a buffer). PC/SC types (LONG, DWORD, SCARD_*) stay inside this file.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-pcsc-reader.h"

#include <string.h>

#include <winscard.h>

#include "mado-card-error.h"

/* pcsc-lite itself allows 16 readers (PCSCLITE_MAX_READERS_CONTEXTS) of up to 128 bytes. */
#define MAX_READERS 16
#define MAX_READERS_LEN (MAX_READERS * 129u + 1u)
#define PNP_READER "\\\\?PnP?\\Notification"
/* Delay between attempts to reach a pcscd that is not running. */
#define RETRY_USEC (200 * G_TIME_SPAN_MILLISECOND)
/* Longest single SCardGetStatusChange. pcsc-lite honours SCardCancel only while the call is
 * blocked in its receive (winscard_clnt.c sets `cancellable` around it), so a cancel landing just
 * before that is lost; the slice bounds what such a lost cancel costs. It also bounds how late a
 * reader plugged in between our SCardListReaders and the wait is noticed (pcsc-lite 1.9 counts
 * readers at the start of each call). */
#define WAIT_SLICE_MS 500

/* The one choke point for PC/SC calls. */
static LONG
pcsc_log_call (const char *call, LONG rv)
{
  g_debug ("%s: %s (0x%08lX)", call, pcsc_stringify_error (rv), (unsigned long)rv);
  return rv;
}

#define PCSC(call, ...) pcsc_log_call (#call, call (__VA_ARGS__))

/* The results that mean pcscd is gone (or restarted under us, so the context is stale). */
static gboolean
rv_is_service_lost (LONG rv)
{
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_F_COMM_ERROR
         || rv == SCARD_E_INVALID_HANDLE;
}

/* Maps a PC/SC result to the MADO_CARD_ERROR domain. @connected: the card was connected before
 * (then a missing card was removed, not absent). */
static void
set_pcsc_error (GError **error, const char *what, LONG rv, gboolean connected)
{
  MadoCardError code;

  switch (rv)
    {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_F_COMM_ERROR:
      code = MADO_CARD_ERROR_NO_SERVICE;
      break;
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      code = MADO_CARD_ERROR_NO_READER;
      break;
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
      code = connected ? MADO_CARD_ERROR_CARD_REMOVED : MADO_CARD_ERROR_NO_CARD;
      break;
    case SCARD_E_SHARING_VIOLATION:
      code = MADO_CARD_ERROR_READER_BUSY;
      break;
    case SCARD_W_RESET_CARD:
      code = MADO_CARD_ERROR_CARD_RESET;
      break;
    default:
      code = MADO_CARD_ERROR_TRANSPORT;
      break;
    }
  g_set_error (error, MADO_CARD_ERROR, code, "%s: %s (PC/SC 0x%08lX)", what,
               pcsc_stringify_error (rv), (unsigned long)rv);
}

/* Lists reader names into @names (owned strings), validating the multi-string and capping the
 * count. No readers is SCARD_E_NO_READERS_AVAILABLE with an empty @names. */
static LONG
list_reader_names (SCARDCONTEXT context, GPtrArray **names)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *buf = NULL;
  DWORD len = 0;
  LONG rv;

  *names = NULL;
  rv = PCSC (SCardListReaders, context, NULL, NULL, &len);
  if (rv == SCARD_S_SUCCESS)
    {
      if (len == 0 || len > MAX_READERS_LEN)
        {
          g_debug ("reader list of %lu bytes refused", (unsigned long)len);
          return SCARD_F_UNKNOWN_ERROR;
        }
      buf = g_malloc0 (len);
      rv = PCSC (SCardListReaders, context, NULL, buf, &len);
    }
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    {
      *names = g_steal_pointer (&out);
      return rv;
    }
  if (rv != SCARD_S_SUCCESS)
    return rv;

  /* A multi-string: NUL-terminated names, then one more NUL (a lone NUL when empty). */
  if (len == 0 || len > MAX_READERS_LEN || buf[len - 1] != '\0'
      || (len >= 2 && buf[len - 2] != '\0'))
    {
      g_debug ("malformed reader list of %lu bytes", (unsigned long)len);
      return SCARD_F_UNKNOWN_ERROR;
    }
  for (gsize off = 0; off < len && buf[off] != '\0';)
    {
      gsize n = strlen (buf + off);
      if (out->len == MAX_READERS)
        {
          g_debug ("more than %d readers; ignoring the rest", MAX_READERS);
          break;
        }
      g_ptr_array_add (out, g_strndup (buf + off, n));
      off += n + 1;
    }
  *names = g_steal_pointer (&out);
  return (*names)->len == 0 ? SCARD_E_NO_READERS_AVAILABLE : SCARD_S_SUCCESS;
}

GPtrArray *
mado_pcsc_list_readers (MadoPcscState *state, GError **error)
{
  SCARDCONTEXT context;
  g_autoptr (GPtrArray) names = NULL;
  MadoPcscState dummy;
  LONG rv;

  if (state == NULL)
    state = &dummy;
  *state = MADO_PCSC_STATE_NO_SERVICE;

  rv = PCSC (SCardEstablishContext, SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (rv == SCARD_E_NO_SERVICE)
    return g_ptr_array_new_with_free_func (g_free);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardEstablishContext", rv, FALSE);
      return NULL;
    }
  rv = list_reader_names (context, &names);
  PCSC (SCardReleaseContext, context);

  if (rv == SCARD_S_SUCCESS || rv == SCARD_E_NO_READERS_AVAILABLE)
    {
      *state = names->len > 0 ? MADO_PCSC_STATE_READY : MADO_PCSC_STATE_NO_READERS;
      return g_steal_pointer (&names);
    }
  if (rv_is_service_lost (rv))
    return g_ptr_array_new_with_free_func (g_free);
  set_pcsc_error (error, "SCardListReaders", rv, FALSE);
  return NULL;
}

/* ---- MadoPcscReader ---------------------------------------------------------------------- */

struct _MadoPcscReader
{
  MadoReader parent_instance;

  SCARDCONTEXT context;
  gboolean have_context;
  SCARDHANDLE card;
  gboolean have_card;
  DWORD protocol;
  gboolean in_transaction;
};

G_DEFINE_FINAL_TYPE (MadoPcscReader, mado_pcsc_reader, MADO_TYPE_READER)

static gboolean
ensure_context (MadoPcscReader *self, GError **error)
{
  if (self->have_context)
    return TRUE;
  LONG rv = PCSC (SCardEstablishContext, SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardEstablishContext", rv, FALSE);
      return FALSE;
    }
  self->have_context = TRUE;
  return TRUE;
}

/* Reads the ATR of the connected card into the base class. */
static gboolean
read_atr (MadoPcscReader *self, GError **error)
{
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr;
  DWORD state = 0, protocol = 0;
  char name[MAX_READERNAME + 1];
  DWORD name_len = sizeof name;

  LONG rv = PCSC (SCardStatus, self->card, name, &name_len, &state, &protocol, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardStatus", rv, TRUE);
      return FALSE;
    }
  if (atr_len > sizeof atr)
    atr_len = sizeof atr;
  mado_reader_set_atr (MADO_READER (self), atr, atr_len);
  return TRUE;
}

static gboolean
mado_pcsc_reader_connect (MadoReader *reader, GError **error)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);
  const char *name = mado_reader_get_name (reader);

  if (self->have_card)
    return TRUE;
  if (!ensure_context (self, error))
    return FALSE;
  LONG rv = PCSC (SCardConnect, self->context, name, SCARD_SHARE_SHARED,
                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &self->card, &self->protocol);
  if (rv_is_service_lost (rv))
    {
      /* pcscd restarted since the context was made: one more try with a fresh context. */
      PCSC (SCardReleaseContext, self->context);
      self->have_context = FALSE;
      if (!ensure_context (self, error))
        return FALSE;
      rv = PCSC (SCardConnect, self->context, name, SCARD_SHARE_SHARED,
                 SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &self->card, &self->protocol);
    }
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardConnect", rv, FALSE);
      return FALSE;
    }
  self->have_card = TRUE;
  self->in_transaction = FALSE;
  if (!read_atr (self, error))
    {
      PCSC (SCardDisconnect, self->card, SCARD_LEAVE_CARD);
      self->have_card = FALSE;
      return FALSE;
    }
  return TRUE;
}

static void
mado_pcsc_reader_disconnect (MadoReader *reader)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);

  if (!self->have_card)
    return;
  if (self->in_transaction)
    PCSC (SCardEndTransaction, self->card, SCARD_LEAVE_CARD);
  self->in_transaction = FALSE;
  PCSC (SCardDisconnect, self->card, SCARD_LEAVE_CARD);
  self->have_card = FALSE;
}

/* SCardReconnect without resetting: after another party reset the card, this makes the handle
 * usable again (the card is already warm-reset). */
static LONG
reconnect_leave (MadoPcscReader *self)
{
  LONG rv = PCSC (SCardReconnect, self->card, SCARD_SHARE_SHARED,
                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD, &self->protocol);
  if (rv == SCARD_S_SUCCESS)
    (void)read_atr (self, NULL);
  return rv;
}

static gboolean
mado_pcsc_reader_reconnect (MadoReader *reader, GError **error)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);

  if (!self->have_card)
    return mado_pcsc_reader_connect (reader, error);
  LONG rv = reconnect_leave (self);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardReconnect", rv, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* After SCARD_W_RESET_CARD: reconnect so the next call works, and report CARD_RESET so the
 * driver above re-selects its applet (its state, PINs included, is gone). */
static gboolean
report_reset (MadoPcscReader *self, const char *what, GError **error)
{
  LONG rv = reconnect_leave (self);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardReconnect", rv, TRUE);
      return FALSE;
    }
  set_pcsc_error (error, what, SCARD_W_RESET_CARD, TRUE);
  return FALSE;
}

static gboolean
mado_pcsc_reader_begin_transaction (MadoReader *reader, GError **error)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);

  if (!self->have_card && !mado_pcsc_reader_connect (reader, error))
    return FALSE;
  LONG rv = PCSC (SCardBeginTransaction, self->card);
  if (rv == SCARD_W_RESET_CARD)
    return report_reset (self, "SCardBeginTransaction", error);
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardBeginTransaction", rv, TRUE);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

static void
mado_pcsc_reader_end_transaction (MadoReader *reader)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);

  if (!self->have_card || !self->in_transaction)
    return;
  PCSC (SCardEndTransaction, self->card, SCARD_LEAVE_CARD);
  self->in_transaction = FALSE;
}

/* Whether the card left the reader. A card never answers nothing, but vpcd (and some readers)
 * report a pulled card mid-exchange as an empty response or a failed transaction rather than
 * SCARD_W_REMOVED_CARD, and pcscd notices the removal only at its next presence poll (every
 * 400 ms for vpcd): ask the reader for up to 600 ms. */
static gboolean
card_gone (MadoPcscReader *self)
{
  for (int i = 0; i < 12; i++)
    {
      DWORD state = 0, protocol = 0, atr_len = MAX_ATR_SIZE, name_len = 0;
      BYTE atr[MAX_ATR_SIZE];
      LONG st = PCSC (SCardStatus, self->card, NULL, &name_len, &state, &protocol, atr, &atr_len);
      if (st == SCARD_W_REMOVED_CARD || (st == SCARD_S_SUCCESS && !(state & SCARD_PRESENT)))
        return TRUE;
      if (st != SCARD_S_SUCCESS)
        return FALSE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static gboolean
mado_pcsc_reader_transmit (MadoReader *reader, const guint8 *command, gsize command_len,
                           guint8 *response, gsize *response_len, GError **error)
{
  MadoPcscReader *self = MADO_PCSC_READER (reader);
  const SCARD_IO_REQUEST *pci;

  if (!self->have_card && !mado_pcsc_reader_connect (reader, error))
    return FALSE;
  if (command_len > MADO_APDU_MAX_COMMAND)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_TRANSPORT,
                   "Command of %" G_GSIZE_FORMAT " bytes is too long", command_len);
      return FALSE;
    }
  switch (self->protocol)
    {
    case SCARD_PROTOCOL_T0:
      pci = SCARD_PCI_T0;
      break;
    case SCARD_PROTOCOL_T1:
      pci = SCARD_PCI_T1;
      break;
    default:
      pci = SCARD_PCI_RAW;
      break;
    }

  DWORD rlen = (DWORD)MIN (*response_len, (gsize)MADO_APDU_MAX_RESPONSE);
  LONG rv
      = PCSC (SCardTransmit, self->card, pci, command, (DWORD)command_len, NULL, response, &rlen);
  if (rv == SCARD_W_RESET_CARD)
    return report_reset (self, "SCardTransmit", error);
  if (rv == SCARD_E_NOT_TRANSACTED && card_gone (self))
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                           "The card was removed (transaction failed)");
      return FALSE;
    }
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardTransmit", rv, TRUE);
      return FALSE;
    }
  if (rlen < 2 && card_gone (self))
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                           "The card was removed (empty response)");
      return FALSE;
    }
  *response_len = rlen;
  return TRUE;
}

static void
mado_pcsc_reader_dispose (GObject *object)
{
  MadoPcscReader *self = MADO_PCSC_READER (object);

  mado_pcsc_reader_disconnect (MADO_READER (self));
  if (self->have_context)
    PCSC (SCardReleaseContext, self->context);
  self->have_context = FALSE;

  G_OBJECT_CLASS (mado_pcsc_reader_parent_class)->dispose (object);
}

static void
mado_pcsc_reader_class_init (MadoPcscReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MadoReaderClass *reader_class = MADO_READER_CLASS (klass);

  object_class->dispose = mado_pcsc_reader_dispose;
  reader_class->connect = mado_pcsc_reader_connect;
  reader_class->disconnect = mado_pcsc_reader_disconnect;
  reader_class->reconnect = mado_pcsc_reader_reconnect;
  reader_class->begin_transaction = mado_pcsc_reader_begin_transaction;
  reader_class->end_transaction = mado_pcsc_reader_end_transaction;
  reader_class->transmit = mado_pcsc_reader_transmit;
}

static void
mado_pcsc_reader_init (MadoPcscReader *self)
{
}

/* Picks the first reader holding a card, else the first reader. Borrowed from @names. */
static const char *
pick_reader (SCARDCONTEXT context, GPtrArray *names)
{
  SCARD_READERSTATE states[MAX_READERS];

  memset (states, 0, sizeof states);
  for (guint i = 0; i < names->len; i++)
    {
      states[i].szReader = g_ptr_array_index (names, i);
      states[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
  LONG rv = PCSC (SCardGetStatusChange, context, 0, states, names->len);
  if (rv == SCARD_S_SUCCESS)
    for (guint i = 0; i < names->len; i++)
      if ((states[i].dwEventState & SCARD_STATE_PRESENT)
          && !(states[i].dwEventState & SCARD_STATE_MUTE))
        return g_ptr_array_index (names, i);
  return g_ptr_array_index (names, 0);
}

MadoReader *
mado_pcsc_reader_open (const char *reader_name, GError **error)
{
  g_autoptr (MadoPcscReader) self = g_object_new (MADO_TYPE_PCSC_READER, NULL);
  g_autoptr (GPtrArray) names = NULL;
  const char *name = NULL;

  if (!ensure_context (self, error))
    return NULL;
  LONG rv = list_reader_names (self->context, &names);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER,
                           "No card reader is attached");
      return NULL;
    }
  if (rv != SCARD_S_SUCCESS)
    {
      set_pcsc_error (error, "SCardListReaders", rv, FALSE);
      return NULL;
    }
  if (reader_name != NULL)
    {
      for (guint i = 0; i < names->len && name == NULL; i++)
        if (g_strcmp0 (g_ptr_array_index (names, i), reader_name) == 0)
          name = g_ptr_array_index (names, i);
      if (name == NULL)
        {
          g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER,
                       "No card reader named “%s”", reader_name);
          return NULL;
        }
    }
  else
    name = pick_reader (self->context, names);

  mado_reader_set_name (MADO_READER (self), name);
  if (!mado_reader_connect (MADO_READER (self), error))
    return NULL;
  return MADO_READER (g_steal_pointer (&self));
}

/* ---- MadoPcscWatch ----------------------------------------------------------------------- */

struct _MadoPcscWatch
{
  /* Shared with mado_pcsc_watch_cancel(), under @lock. */
  GMutex lock;
  GCond cond;
  gboolean cancelled;
  SCARDCONTEXT context;
  gboolean have_context;

  /* The waiting thread's own. */
  GPtrArray *names;          /* owned strings; states[i].szReader points into them */
  SCARD_READERSTATE *states; /* names->len readers, then the PnP pseudo-reader */
  MadoPcscState state;
  GPtrArray *readers; /* the view the last wait returned: MadoPcscReaderStatus */
  gboolean started;
};

G_DEFINE_ENUM_TYPE (MadoPcscState, mado_pcsc_state,
                    G_DEFINE_ENUM_VALUE (MADO_PCSC_STATE_NO_SERVICE, "no-service"),
                    G_DEFINE_ENUM_VALUE (MADO_PCSC_STATE_NO_READERS, "no-readers"),
                    G_DEFINE_ENUM_VALUE (MADO_PCSC_STATE_READY, "ready"))

MadoPcscReaderStatus *
mado_pcsc_reader_status_copy (const MadoPcscReaderStatus *status)
{
  MadoPcscReaderStatus *copy = g_new0 (MadoPcscReaderStatus, 1);
  copy->name = g_strdup (status->name);
  copy->card_present = status->card_present;
  copy->atr = status->atr != NULL ? g_bytes_ref (status->atr) : NULL;
  copy->event_count = status->event_count;
  return copy;
}

void
mado_pcsc_reader_status_free (MadoPcscReaderStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->name);
  g_clear_pointer (&status->atr, g_bytes_unref);
  g_free (status);
}

MadoPcscWatch *
mado_pcsc_watch_new (void)
{
  MadoPcscWatch *watch = g_new0 (MadoPcscWatch, 1);
  g_mutex_init (&watch->lock);
  g_cond_init (&watch->cond);
  watch->names = g_ptr_array_new_with_free_func (g_free);
  watch->states = g_new0 (SCARD_READERSTATE, 1);
  watch->readers = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_pcsc_reader_status_free);
  watch->state = MADO_PCSC_STATE_NO_SERVICE;
  return watch;
}

static void
watch_drop_context (MadoPcscWatch *watch)
{
  g_mutex_lock (&watch->lock);
  if (watch->have_context)
    PCSC (SCardReleaseContext, watch->context);
  watch->have_context = FALSE;
  g_mutex_unlock (&watch->lock);
  g_ptr_array_set_size (watch->names, 0);
}

void
mado_pcsc_watch_free (MadoPcscWatch *watch)
{
  if (watch == NULL)
    return;
  watch_drop_context (watch);
  g_ptr_array_unref (watch->names);
  g_free (watch->states);
  g_ptr_array_unref (watch->readers);
  g_cond_clear (&watch->cond);
  g_mutex_clear (&watch->lock);
  g_free (watch);
}

void
mado_pcsc_watch_cancel (MadoPcscWatch *watch)
{
  g_mutex_lock (&watch->lock);
  watch->cancelled = TRUE;
  if (watch->have_context)
    PCSC (SCardCancel, watch->context);
  g_cond_broadcast (&watch->cond);
  g_mutex_unlock (&watch->lock);
}

MadoPcscState
mado_pcsc_watch_get_state (MadoPcscWatch *watch)
{
  return watch->state;
}

GPtrArray *
mado_pcsc_watch_get_readers (MadoPcscWatch *watch)
{
  return watch->readers;
}

static gboolean
watch_is_cancelled (MadoPcscWatch *watch)
{
  g_mutex_lock (&watch->lock);
  gboolean cancelled = watch->cancelled;
  g_mutex_unlock (&watch->lock);
  return cancelled;
}

/* Sleeps until @until (bounded by @deadline) or a cancel. */
static void
watch_sleep (MadoPcscWatch *watch, gint64 until, gint64 deadline)
{
  if (deadline >= 0 && deadline < until)
    until = deadline;
  g_mutex_lock (&watch->lock);
  while (!watch->cancelled && g_get_monotonic_time () < until)
    g_cond_wait_until (&watch->cond, &watch->lock, until);
  g_mutex_unlock (&watch->lock);
}

/* Rebuilds the state array for @names (taken), keeping what we knew of readers still there. */
static void
watch_set_names (MadoPcscWatch *watch, GPtrArray *names)
{
  SCARD_READERSTATE *states = g_new0 (SCARD_READERSTATE, names->len + 1);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      states[i].szReader = name;
      states[i].dwCurrentState = SCARD_STATE_UNAWARE;
      for (guint j = 0; j < watch->names->len; j++)
        if (strcmp (name, g_ptr_array_index (watch->names, j)) == 0)
          {
            states[i].dwCurrentState = watch->states[j].dwCurrentState;
            states[i].dwEventState = watch->states[j].dwEventState;
            states[i].cbAtr = watch->states[j].cbAtr;
            memcpy (states[i].rgbAtr, watch->states[j].rgbAtr, sizeof states[i].rgbAtr);
            break;
          }
    }
  states[names->len].szReader = PNP_READER;
  states[names->len].dwCurrentState = watch->states[watch->names->len].dwCurrentState;

  g_free (watch->states);
  watch->states = states;
  g_ptr_array_unref (watch->names);
  watch->names = names;
}

static gboolean
bytes_equal0 (GBytes *a, GBytes *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_bytes_equal (a, b);
}

/* Builds the view from the state array; TRUE (and the view replaced) when it differs. */
static gboolean
watch_update_view (MadoPcscWatch *watch, MadoPcscState state)
{
  g_autoptr (GPtrArray) view
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_pcsc_reader_status_free);
  gboolean changed;

  if (state != MADO_PCSC_STATE_NO_SERVICE)
    for (guint i = 0; i < watch->names->len; i++)
      {
        const SCARD_READERSTATE *st = &watch->states[i];
        MadoPcscReaderStatus *status = g_new0 (MadoPcscReaderStatus, 1);
        DWORD ev = st->dwEventState;

        status->name = g_strdup (g_ptr_array_index (watch->names, i));
        status->card_present = (ev & SCARD_STATE_PRESENT) && !(ev & SCARD_STATE_MUTE)
                               && !(ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE));
        if (status->card_present && st->cbAtr > 0)
          status->atr = g_bytes_new (st->rgbAtr, MIN (st->cbAtr, (DWORD)sizeof st->rgbAtr));
        status->event_count = (guint)((ev >> 16) & 0xFFFF);
        g_ptr_array_add (view, status);
      }

  changed = !watch->started || state != watch->state || view->len != watch->readers->len;
  for (guint i = 0; !changed && i < view->len; i++)
    {
      const MadoPcscReaderStatus *a = g_ptr_array_index (view, i);
      const MadoPcscReaderStatus *b = g_ptr_array_index (watch->readers, i);
      changed = strcmp (a->name, b->name) != 0 || a->card_present != b->card_present
                || !bytes_equal0 (a->atr, b->atr)
                || (a->card_present && a->event_count != b->event_count);
    }
  if (changed)
    {
      g_ptr_array_unref (watch->readers);
      watch->readers = g_steal_pointer (&view);
      watch->state = state;
      watch->started = TRUE;
    }
  return changed;
}

MadoPcscWatchResult
mado_pcsc_watch_wait (MadoPcscWatch *watch, gint64 deadline)
{
  for (;;)
    {
      if (watch_is_cancelled (watch))
        return MADO_PCSC_WATCH_CANCELLED;
      if (deadline >= 0 && g_get_monotonic_time () >= deadline && watch->started)
        return MADO_PCSC_WATCH_TIMEOUT;

      if (!watch->have_context)
        {
          SCARDCONTEXT context;
          LONG rv = PCSC (SCardEstablishContext, SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
          if (rv != SCARD_S_SUCCESS)
            {
              if (watch_update_view (watch, MADO_PCSC_STATE_NO_SERVICE))
                return MADO_PCSC_WATCH_CHANGED;
              watch_sleep (watch, g_get_monotonic_time () + RETRY_USEC, deadline);
              continue;
            }
          g_mutex_lock (&watch->lock);
          watch->context = context;
          watch->have_context = TRUE;
          g_mutex_unlock (&watch->lock);
          /* A new pcscd knows nothing of our old states: start over, unaware. */
          g_ptr_array_set_size (watch->names, 0);
          memset (watch->states, 0, sizeof *watch->states);
        }

      g_autoptr (GPtrArray) names = NULL;
      LONG rv = list_reader_names (watch->context, &names);
      if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_READERS_AVAILABLE)
        {
          watch_drop_context (watch);
          if (!rv_is_service_lost (rv))
            watch_sleep (watch, g_get_monotonic_time () + RETRY_USEC, deadline);
          continue;
        }
      watch_set_names (watch, g_steal_pointer (&names));

      DWORD slice = WAIT_SLICE_MS;
      if (deadline >= 0)
        {
          gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
          slice = (DWORD)CLAMP (left_ms, 0, WAIT_SLICE_MS);
        }
      if (watch_is_cancelled (watch))
        return MADO_PCSC_WATCH_CANCELLED;
      rv = PCSC (SCardGetStatusChange, watch->context, slice, watch->states, watch->names->len + 1);
      if (rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT)
        {
          for (guint i = 0; i <= watch->names->len; i++)
            watch->states[i].dwCurrentState
                = watch->states[i].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
        }
      else if (rv == SCARD_E_CANCELLED || rv == SCARD_E_UNKNOWN_READER
               || rv == SCARD_E_READER_UNAVAILABLE)
        continue; /* cancelled: checked above; a reader went away: list again */
      else
        {
          watch_drop_context (watch);
          if (!rv_is_service_lost (rv))
            watch_sleep (watch, g_get_monotonic_time () + RETRY_USEC, deadline);
          continue;
        }

      if (watch_update_view (watch, watch->names->len > 0 ? MADO_PCSC_STATE_READY
                                                          : MADO_PCSC_STATE_NO_READERS))
        return MADO_PCSC_WATCH_CHANGED;
    }
}

/* ---- wait and open ----------------------------------------------------------------------- */

static void
cancel_watch_cb (GCancellable *cancellable, gpointer user_data)
{
  mado_pcsc_watch_cancel (user_data);
}

MadoReader *
mado_pcsc_reader_wait_and_open (const char *reader_name, int timeout_ms, GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (MadoPcscWatch) watch = mado_pcsc_watch_new ();
  gint64 deadline = timeout_ms < 0
                        ? -1
                        : g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  gulong handler = 0;
  MadoReader *reader = NULL;

  /* Runs the handler at once when already cancelled; disconnecting waits for a running one. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_watch_cb), watch, NULL);

  while (reader == NULL)
    {
      MadoPcscWatchResult result = mado_pcsc_watch_wait (watch, deadline);
      if (result == MADO_PCSC_WATCH_CANCELLED)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "Waiting for a card was cancelled");
          break;
        }
      if (result == MADO_PCSC_WATCH_TIMEOUT)
        {
          MadoPcscState state = mado_pcsc_watch_get_state (watch);
          gboolean reader_seen = reader_name == NULL && state == MADO_PCSC_STATE_READY;
          GPtrArray *readers = mado_pcsc_watch_get_readers (watch);

          for (guint i = 0; i < readers->len && !reader_seen; i++)
            reader_seen = g_strcmp0 (((MadoPcscReaderStatus *)g_ptr_array_index (readers, i))->name,
                                     reader_name)
                          == 0;
          if (state == MADO_PCSC_STATE_NO_SERVICE)
            g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_SERVICE,
                                 "Timed out: the smart card service is not running");
          else if (!reader_seen)
            g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER,
                                 "Timed out: no card reader is attached");
          else
            g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD,
                                 "Timed out waiting for a card");
          break;
        }

      GPtrArray *readers = mado_pcsc_watch_get_readers (watch);
      const char *target = NULL;
      for (guint i = 0; i < readers->len && target == NULL; i++)
        {
          const MadoPcscReaderStatus *status = g_ptr_array_index (readers, i);
          if (status->card_present
              && (reader_name == NULL || strcmp (status->name, reader_name) == 0))
            target = status->name;
        }
      if (target == NULL)
        continue;

      g_autoptr (GError) local_error = NULL;
      reader = mado_pcsc_reader_open (target, &local_error);
      if (reader == NULL)
        {
          /* Pulled again before we got to it, or pcscd went away: keep waiting. */
          if (g_error_matches (local_error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD)
              || g_error_matches (local_error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED)
              || g_error_matches (local_error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER)
              || g_error_matches (local_error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_SERVICE))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
    }

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  return reader;
}
