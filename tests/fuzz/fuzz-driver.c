/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the My Number card driver over the scripted reader. The input is a binary
 * transcript ([u16 length][bytes] chunks: the ATR, then one response per command), so every
 * parser above the reader runs on what the fuzzer makes the "card" answer.
 */
#include "mado-card-error.h"
#include "mado-mynumber-card.h"
#include "mado-scripted-reader.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gsize
consume_bytes (GBytes *bytes)
{
  gsize len = 0, sum = 0;
  const guint8 *p = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  for (gsize i = 0; i < len; i++)
    sum += p[i];
  return sum;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (MadoReader) reader = mado_scripted_reader_new_from_binary (data, size);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  guint8 digest[32] = { 0 };
  volatile gsize sink = 0;
  int tries = 0;

  /* The read-text flow, then the authentication flow, as mado-card runs them. */
  if (mado_mynumber_card_get_pin_tries (card, MADO_PIN_TEXT, &tries, NULL))
    sink += (gsize)tries;
  if (mado_mynumber_card_verify_pin (card, MADO_PIN_TEXT, "1234", NULL))
    sink++;
  MadoCardAttributes *a = mado_mynumber_card_read_attributes (card, NULL);
  if (a != NULL)
    {
      sink += strlen (a->name) + strlen (a->address) + strlen (a->birth_date) + strlen (a->sex)
              + strlen (a->individual_number);
      mado_card_attributes_free (a);
    }
  for (int k = 0; k < MADO_CERT_COUNT; k++)
    {
      GBytes *der = mado_mynumber_card_read_certificate (card, (MadoCertKind)k, NULL);
      sink += consume_bytes (der);
      g_clear_pointer (&der, g_bytes_unref);
    }
  if (mado_mynumber_card_verify_pin (card, MADO_PIN_AUTH, "1234", NULL))
    sink++;
  GBytes *sig = mado_mynumber_card_sign_sha256 (card, digest, sizeof digest, NULL);
  sink += consume_bytes (sig);
  g_clear_pointer (&sig, g_bytes_unref);
  (void)sink;
  return 0;
}
