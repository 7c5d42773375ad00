/* SPDX-License-Identifier: GPL-3.0-or-later
 * pcsc-list: against the private pcscd bench (run under tests/harness/pcsc-env.sh run), the
 * reader list shows the two vpcd readers; with pcscd stopped the state is NO_SERVICE with no
 * error; opening maps "no service", "no such reader" and "no card" to their error codes.
 */
#include <gio/gio.h>

#include "mado-card-error.h"
#include "mado-pcsc-harness.h"
#include "mado-pcsc-reader.h"

static void
test_list_ready (void)
{
  g_autoptr (GError) error = NULL;
  MadoPcscState state = MADO_PCSC_STATE_NO_SERVICE;
  g_autoptr (GPtrArray) readers = mado_pcsc_list_readers (&state, &error);

  g_assert_no_error (error);
  g_assert_nonnull (readers);
  g_assert_cmpint (state, ==, MADO_PCSC_STATE_READY);
  g_assert_cmpuint (readers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (readers, 0), ==, MADO_PCSC_HARNESS_READER_0);
  g_assert_cmpstr (g_ptr_array_index (readers, 1), ==, MADO_PCSC_HARNESS_READER_1);

  /* @state may be NULL. */
  g_autoptr (GPtrArray) again = mado_pcsc_list_readers (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 2);
}

static void
test_open_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = NULL;

  reader = mado_pcsc_reader_open ("No Such Reader 00 00", &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER);
  g_clear_error (&error);

  /* Both slots empty: the named one, and "the first with a card, else the first". */
  reader = mado_pcsc_reader_open (MADO_PCSC_HARNESS_READER_1, &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD);
  g_clear_error (&error);
  reader = mado_pcsc_reader_open (NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD);
}

static void
test_list_no_service (void)
{
  g_autoptr (GError) error = NULL;
  MadoPcscState state = MADO_PCSC_STATE_READY;

  mado_pcsc_harness_run ("stop-pcscd");

  g_autoptr (GPtrArray) readers = mado_pcsc_list_readers (&state, &error);
  g_assert_no_error (error);
  g_assert_nonnull (readers);
  g_assert_cmpuint (readers->len, ==, 0);
  g_assert_cmpint (state, ==, MADO_PCSC_STATE_NO_SERVICE);

  g_autoptr (MadoReader) reader = mado_pcsc_reader_open (NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_SERVICE);
  g_clear_error (&error);

  /* And back: a new pcscd on the same socket path is found again. */
  mado_pcsc_harness_run ("start-pcscd");
  g_autoptr (GPtrArray) back = mado_pcsc_list_readers (&state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, MADO_PCSC_STATE_READY);
  g_assert_cmpuint (back->len, ==, 2);
}

int
main (int argc, char **argv)
{
  if (!mado_pcsc_harness_test_init (&argc, &argv))
    return 77;

  g_test_add_func ("/pcsc/list/ready", test_list_ready);
  g_test_add_func ("/pcsc/open/errors", test_open_errors);
  g_test_add_func ("/pcsc/list/no-service", test_list_no_service);
  return g_test_run ();
}
