/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-card — in-process figures for the card part against a real pcscd (run it under
 * tests/harness/pcsc-env.sh; see tests/bench/README.md):
 *   floor          one SELECT through pcsc-lite's SCardTransmit: nothing of ours
 *   read-text      open the reader → tries → VERIFY → 個人番号 and the 4 attributes
 *   authenticate   open the reader → auth certificate → tries → VERIFY → signature
 * Each runs N times; prints one JSON object: medians in ms, APDUs and bytes per run.
 * open_ms: establishing the context and connecting (once per card session); flow_ms: the
 * operations; ms_per_apdu = flow_ms / APDUs, to set beside the floor; host_ms_per_apdu =
 * (flow_ms − time inside the backend's transmit) / APDUs: what our code adds per exchange.
 */
#include <stdio.h>
#include <winscard.h>

#include "mado-mynumber-card.h"
#include "mado-pcsc-reader.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static double
now_ms (void)
{
  return (double)g_get_monotonic_time () / 1000.0;
}

static void
bench_floor (const char *reader_name, int runs)
{
  SCARDCONTEXT ctx;
  SCARDHANDLE card;
  DWORD protocol;
  const BYTE select_jpki[] = { 0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0,
                               0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
  BYTE response[258];
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS
      || SCardConnect (ctx, reader_name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card, &protocol)
             != SCARD_S_SUCCESS)
    g_error ("floor: cannot connect to %s", reader_name);
  for (int i = 0; i < runs; i++)
    {
      DWORD rlen = sizeof response;
      double t0 = now_ms ();
      if (SCardTransmit (card, SCARD_PCI_T1, select_jpki, sizeof select_jpki, NULL, response, &rlen)
          != SCARD_S_SUCCESS)
        g_error ("floor: transmit failed");
      double t = now_ms () - t0;
      g_array_append_val (times, t);
    }
  SCardDisconnect (card, SCARD_LEAVE_CARD);
  SCardReleaseContext (ctx);
  printf ("  \"floor\": {\"runs\": %d, \"apdu_round_trip_ms\": %.4f},\n", runs, median (times));
}

typedef gboolean (*Flow) (MadoMynumberCard *card, GError **error);

static gboolean
flow_read_text (MadoMynumberCard *card, GError **error)
{
  int tries;
  if (!mado_mynumber_card_get_pin_tries (card, MADO_PIN_TEXT, &tries, error)
      || !mado_mynumber_card_verify_pin (card, MADO_PIN_TEXT, "1234", error))
    return FALSE;
  g_autoptr (MadoCardAttributes) a = mado_mynumber_card_read_attributes (card, error);
  return a != NULL;
}

static gboolean
flow_authenticate (MadoMynumberCard *card, GError **error)
{
  int tries;
  guint8 digest[32] = { 1, 2, 3 };
  g_autoptr (GBytes) cert = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, error);
  if (cert == NULL || !mado_mynumber_card_get_pin_tries (card, MADO_PIN_AUTH, &tries, error)
      || !mado_mynumber_card_verify_pin (card, MADO_PIN_AUTH, "1234", error))
    return FALSE;
  g_autoptr (GBytes) sig = mado_mynumber_card_sign_sha256 (card, digest, 32, error);
  return sig != NULL;
}

static void
bench_flow (const char *name, Flow flow, const char *reader_name, int runs, gboolean extended,
            gboolean last)
{
  g_autoptr (GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) flow_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) per_apdu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) host = g_array_new (FALSE, FALSE, sizeof (double));
  MadoReaderStats stats = { 0 };

  for (int i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      double t0 = now_ms ();
      g_autoptr (MadoReader) reader = mado_pcsc_reader_open (reader_name, &error);
      if (reader == NULL)
        g_error ("%s: %s", name, error->message);
      double t1 = now_ms ();
      mado_reader_set_extended_length (reader, extended);
      g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
      if (!flow (card, &error))
        g_error ("%s: %s", name, error->message);
      double t2 = now_ms ();
      mado_reader_get_stats (reader, &stats);
      double o = t1 - t0, f = t2 - t1;
      double p = f / stats.apdus;
      double h = (f - (double)stats.busy_usec / 1000.0) / stats.apdus;
      g_array_append_val (open_ms, o);
      g_array_append_val (flow_ms, f);
      g_array_append_val (per_apdu, p);
      g_array_append_val (host, h);
    }
  printf ("  \"%s\": {\"runs\": %d, \"extended_length\": %s, \"apdus\": %u, "
          "\"bytes_sent\": %" G_GUINT64_FORMAT ", \"bytes_received\": %" G_GUINT64_FORMAT ", "
          "\"open_ms\": %.3f, \"flow_ms\": %.3f, \"ms_per_apdu\": %.4f, "
          "\"host_ms_per_apdu\": %.4f}%s\n",
          name, runs, extended ? "true" : "false", stats.apdus, stats.bytes_sent,
          stats.bytes_received, median (open_ms), median (flow_ms), median (per_apdu),
          median (host), last ? "" : ",");
}

int
main (int argc, char **argv)
{
  const char *reader = argc > 1 ? argv[1] : "Mado Virtual PCD 00 00";
  int runs = argc > 2 ? atoi (argv[2]) : 200;

  printf ("{\n");
  bench_floor (reader, runs * 5);
  bench_flow ("read_text", flow_read_text, reader, runs, TRUE, FALSE);
  bench_flow ("read_text_short_apdus", flow_read_text, reader, runs, FALSE, FALSE);
  bench_flow ("authenticate", flow_authenticate, reader, runs, TRUE, TRUE);
  printf ("}\n");
  return 0;
}
