/* SPDX-License-Identifier: GPL-3.0-or-later
 * pcsc-reset: two connections to the same card (private pcscd bench, run under
 * tests/harness/pcsc-env.sh run). When the second one resets the card (SCardDisconnect or
 * SCardReconnect with SCARD_RESET_CARD), the first one's next transmit or begin_transaction
 * fails with MADO_CARD_ERROR_CARD_RESET, and the one after that works (the backend reconnected).
 * A pulled card gives CARD_REMOVED.
 */
#include <gio/gio.h>

#include <winscard.h>

#include "mado-card-error.h"
#include "mado-pcsc-harness.h"
#include "mado-pcsc-reader.h"

#define R0 MADO_PCSC_HARNESS_READER_0

/* The other party: its own context and connection, which resets the card. */
static void
reset_from_elsewhere (gboolean by_reconnect)
{
  SCARDCONTEXT context;
  SCARDHANDLE card;
  DWORD protocol;

  g_assert_cmphex (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  g_assert_cmphex (SCardConnect (context, R0, SCARD_SHARE_SHARED,
                                 SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol),
                   ==, SCARD_S_SUCCESS);
  if (by_reconnect)
    {
      g_assert_cmphex (SCardReconnect (card, SCARD_SHARE_SHARED,
                                       SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD,
                                       &protocol),
                       ==, SCARD_S_SUCCESS);
      g_assert_cmphex (SCardDisconnect (card, SCARD_LEAVE_CARD), ==, SCARD_S_SUCCESS);
    }
  else
    g_assert_cmphex (SCardDisconnect (card, SCARD_RESET_CARD), ==, SCARD_S_SUCCESS);
  g_assert_cmphex (SCardReleaseContext (context), ==, SCARD_S_SUCCESS);
}

/* SELECT the MF: any answer with a status word will do; what matters is the transport. */
static gboolean
transceive (MadoReader *reader, GError **error)
{
  static const guint8 mf[] = { 0x3F, 0x00 };
  MadoApdu apdu = { 0x00, 0xA4, 0x00, 0x0C, mf, sizeof mf, 0, FALSE };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  guint16 sw = 0;

  if (!mado_reader_transceive (reader, &apdu, response, &sw, error))
    return FALSE;
  g_assert_cmphex (sw, !=, 0);
  return TRUE;
}

static void
test_reset_transmit (gconstpointer data)
{
  gboolean by_reconnect = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;

  mado_pcsc_harness_run ("insert 0");
  g_autoptr (MadoReader) reader = mado_pcsc_reader_open (R0, &error);
  g_assert_no_error (error);
  g_assert_true (transceive (reader, &error));
  g_assert_no_error (error);

  reset_from_elsewhere (by_reconnect);

  g_assert_false (transceive (reader, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_RESET);
  g_clear_error (&error);
  g_assert_true (transceive (reader, &error));
  g_assert_no_error (error);
  g_assert_true (transceive (reader, &error));
  g_assert_no_error (error);
  g_assert_nonnull (mado_reader_get_atr (reader));

  g_clear_object (&reader);
  mado_pcsc_harness_run ("remove 0");
}

static void
test_reset_begin_transaction (void)
{
  g_autoptr (GError) error = NULL;

  mado_pcsc_harness_run ("insert 0");
  g_autoptr (MadoReader) reader = mado_pcsc_reader_open (R0, &error);
  g_assert_no_error (error);

  reset_from_elsewhere (FALSE);

  g_assert_false (mado_reader_begin_transaction (reader, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_RESET);
  g_clear_error (&error);
  g_assert_true (mado_reader_begin_transaction (reader, &error));
  g_assert_no_error (error);
  g_assert_true (transceive (reader, &error));
  g_assert_no_error (error);
  mado_reader_end_transaction (reader);

  g_clear_object (&reader);
  mado_pcsc_harness_run ("remove 0");
}

static void
test_removed (void)
{
  g_autoptr (GError) error = NULL;

  mado_pcsc_harness_run ("insert 0");
  g_autoptr (MadoReader) reader = mado_pcsc_reader_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mado_reader_get_name (reader), ==, R0);
  g_assert_true (transceive (reader, &error));
  g_assert_no_error (error);

  mado_pcsc_harness_run ("remove 0");
  g_assert_false (transceive (reader, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED);
  g_clear_error (&error);
  g_assert_false (mado_reader_begin_transaction (reader, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED);
}

int
main (int argc, char **argv)
{
  if (!mado_pcsc_harness_test_init (&argc, &argv))
    return 77;

  g_test_add_data_func ("/pcsc/reset/transmit-after-disconnect-reset", GINT_TO_POINTER (FALSE),
                        test_reset_transmit);
  g_test_add_data_func ("/pcsc/reset/transmit-after-reconnect-reset", GINT_TO_POINTER (TRUE),
                        test_reset_transmit);
  g_test_add_func ("/pcsc/reset/begin-transaction", test_reset_begin_transaction);
  g_test_add_func ("/pcsc/reset/removed", test_removed);
  return g_test_run ();
}
