/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-reader.c — the shared half of every reader: APDU exchange with 61xx/6Cxx handling,
 * tracing (headers, lengths, status words; never data) and counters.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-reader.h"

#include "mado-card-error.h"

#define GET_RESPONSE_MAX_ROUNDS 256

typedef struct
{
  char *name;
  GBytes *atr;
  gboolean extended_length;
  MadoReaderTraceFunc trace;
  gpointer trace_data;
  GDestroyNotify trace_destroy;
  MadoReaderStats stats;
  guint8 *command;  /* MADO_APDU_MAX_COMMAND, wiped after sensitive commands */
  guint8 *response; /* MADO_APDU_MAX_RESPONSE, wiped after every exchange */
} MadoReaderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MadoReader, mado_reader, G_TYPE_OBJECT)

static void
mado_reader_finalize (GObject *object)
{
  MadoReader *self = MADO_READER (object);
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->atr, g_bytes_unref);
  if (priv->trace_destroy != NULL)
    priv->trace_destroy (priv->trace_data);
  explicit_bzero (priv->command, MADO_APDU_MAX_COMMAND);
  explicit_bzero (priv->response, MADO_APDU_MAX_RESPONSE);
  g_free (priv->command);
  g_free (priv->response);

  G_OBJECT_CLASS (mado_reader_parent_class)->finalize (object);
}

static void
mado_reader_class_init (MadoReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_reader_finalize;
}

static void
mado_reader_init (MadoReader *self)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);

  priv->extended_length = TRUE;
  priv->command = g_malloc0 (MADO_APDU_MAX_COMMAND);
  priv->response = g_malloc0 (MADO_APDU_MAX_RESPONSE);
}

const char *
mado_reader_get_name (MadoReader *self)
{
  g_return_val_if_fail (MADO_IS_READER (self), NULL);
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  return priv->name != NULL ? priv->name : "";
}

GBytes *
mado_reader_get_atr (MadoReader *self)
{
  g_return_val_if_fail (MADO_IS_READER (self), NULL);
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  return priv->atr;
}

void
mado_reader_set_name (MadoReader *self, const char *name)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  g_free (priv->name);
  priv->name = g_strdup (name);
}

void
mado_reader_set_atr (MadoReader *self, const guint8 *atr, gsize atr_len)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  g_clear_pointer (&priv->atr, g_bytes_unref);
  if (atr != NULL)
    priv->atr = g_bytes_new (atr, atr_len);
}

gboolean
mado_reader_connect (MadoReader *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_READER (self), FALSE);
  return MADO_READER_GET_CLASS (self)->connect (self, error);
}

void
mado_reader_disconnect (MadoReader *self)
{
  g_return_if_fail (MADO_IS_READER (self));
  MADO_READER_GET_CLASS (self)->disconnect (self);
}

gboolean
mado_reader_reconnect (MadoReader *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_READER (self), FALSE);
  return MADO_READER_GET_CLASS (self)->reconnect (self, error);
}

gboolean
mado_reader_begin_transaction (MadoReader *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_READER (self), FALSE);
  return MADO_READER_GET_CLASS (self)->begin_transaction (self, error);
}

void
mado_reader_end_transaction (MadoReader *self)
{
  g_return_if_fail (MADO_IS_READER (self));
  MADO_READER_GET_CLASS (self)->end_transaction (self);
}

gboolean
mado_reader_get_extended_length (MadoReader *self)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  return priv->extended_length;
}

void
mado_reader_set_extended_length (MadoReader *self, gboolean allowed)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  priv->extended_length = allowed;
}

void
mado_reader_set_trace_func (MadoReader *self, MadoReaderTraceFunc func, gpointer user_data,
                            GDestroyNotify destroy)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  if (priv->trace_destroy != NULL)
    priv->trace_destroy (priv->trace_data);
  priv->trace = func;
  priv->trace_data = user_data;
  priv->trace_destroy = destroy;
}

void
mado_reader_get_stats (MadoReader *self, MadoReaderStats *stats)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  *stats = priv->stats;
}

void
mado_reader_reset_stats (MadoReader *self)
{
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);
  memset (&priv->stats, 0, sizeof priv->stats);
}

static void
trace_exchange (MadoReaderPrivate *priv, const MadoApdu *apdu, gboolean extended, gsize sent,
                gsize data_received, guint16 sw, gint64 usec)
{
  if (priv->trace == NULL)
    return;
  g_autofree char *line
      = g_strdup_printf ("> %02X %02X %02X %02X Lc=%" G_GSIZE_FORMAT " Le=%u%s%s (%" G_GSIZE_FORMAT
                         " bytes) < %" G_GSIZE_FORMAT " bytes SW=%04X (%s) %.3f ms",
                         apdu->cla, apdu->ins, apdu->p1, apdu->p2, apdu->data_len, apdu->le,
                         extended ? " extended" : "", apdu->sensitive ? " [secret]" : "", sent,
                         data_received, sw, mado_sw_describe (sw), (double)usec / 1000.0);
  priv->trace (line, priv->trace_data);
}

/* One physical exchange of @apdu. Fills priv->response; returns its length (data + SW). */
static gboolean
exchange (MadoReader *self, MadoReaderPrivate *priv, const MadoApdu *apdu, gsize *response_len,
          GError **error)
{
  gboolean extended = mado_apdu_needs_extended (apdu);

  if (extended && !priv->extended_length)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED,
                           "This reader does not carry extended-length APDUs");
      return FALSE;
    }

  gsize len = mado_apdu_encode (apdu, FALSE, priv->command, MADO_APDU_MAX_COMMAND, error);
  if (len == 0)
    return FALSE;

  gsize rlen = MADO_APDU_MAX_RESPONSE;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = MADO_READER_GET_CLASS (self)->transmit (self, priv->command, len, priv->response,
                                                        &rlen, error);
  gint64 usec = g_get_monotonic_time () - start;

  if (apdu->sensitive)
    explicit_bzero (priv->command, len);

  priv->stats.apdus++;
  priv->stats.bytes_sent += len;
  priv->stats.busy_usec += usec;
  if (!ok)
    return FALSE;
  priv->stats.bytes_received += rlen;

  if (rlen < 2 || rlen > MADO_APDU_MAX_RESPONSE)
    {
      explicit_bzero (priv->response, MADO_APDU_MAX_RESPONSE);
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "Response of %" G_GSIZE_FORMAT " bytes has no status word", rlen);
      return FALSE;
    }
  guint16 sw = (guint16)((priv->response[rlen - 2] << 8) | priv->response[rlen - 1]);
  trace_exchange (priv, apdu, extended, len, rlen - 2, sw, usec);
  *response_len = rlen;
  return TRUE;
}

gboolean
mado_reader_transceive (MadoReader *self, const MadoApdu *apdu, GByteArray *response, guint16 *sw,
                        GError **error)
{
  g_return_val_if_fail (MADO_IS_READER (self), FALSE);
  g_return_val_if_fail (apdu != NULL && response != NULL && sw != NULL, FALSE);
  MadoReaderPrivate *priv = mado_reader_get_instance_private (self);

  MadoApdu current = *apdu;
  gsize rlen = 0;
  gboolean resent = FALSE;

  if (!exchange (self, priv, &current, &rlen, error))
    return FALSE;

  for (guint round = 0;; round++)
    {
      guint8 sw1 = priv->response[rlen - 2];
      guint8 sw2 = priv->response[rlen - 1];

      if (sw1 == 0x6C && !resent)
        {
          /* Wrong Le: resend once with the length the card named. */
          resent = TRUE;
          current.le = sw2 == 0 ? 256 : sw2;
          if (!exchange (self, priv, &current, &rlen, error))
            return FALSE;
          continue;
        }

      g_byte_array_append (response, priv->response, (guint)(rlen - 2));
      explicit_bzero (priv->response, rlen);

      if (sw1 != 0x61)
        {
          *sw = (guint16)((sw1 << 8) | sw2);
          return TRUE;
        }
      if (round >= GET_RESPONSE_MAX_ROUNDS || response->len > MADO_APDU_MAX_EXTENDED_LE)
        {
          g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                               "The card keeps announcing more data (61xx)");
          return FALSE;
        }
      MadoApdu get_response
          = { .cla = (guint8)(apdu->cla & 0x03u), .ins = 0xC0, .le = sw2 == 0 ? 256u : sw2 };
      current = get_response;
      resent = FALSE;
      if (!exchange (self, priv, &current, &rlen, error))
        return FALSE;
    }
}
