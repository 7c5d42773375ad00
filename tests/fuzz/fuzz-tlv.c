/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the BER-TLV reader, walked recursively as the driver walks card records.
 */
#include "mado-tlv.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gsize
walk (const guint8 *data, gsize size, int depth)
{
  MadoTlvCursor cursor;
  MadoTlv tlv;
  gsize sum = 0;
  GError *error = NULL;

  if (depth > 8)
    return 0;
  mado_tlv_cursor_init (&cursor, data, size);
  while (mado_tlv_next (&cursor, &tlv, &error))
    {
      /* consume every value byte so that nothing is optimised away */
      for (gsize i = 0; i < tlv.length; i++)
        sum += tlv.value[i];
      if (tlv.constructed)
        sum += walk (tlv.value, tlv.length, depth + 1);
    }
  g_clear_error (&error);

  gsize total = 0;
  if (mado_tlv_peek_size (data, size, NULL, &total, &error))
    sum += total;
  g_clear_error (&error);
  if (mado_tlv_find (data, size, 0xDF22, &tlv, &error))
    sum += tlv.length;
  g_clear_error (&error);
  return sum;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  volatile gsize sink = walk (data, size, 0);
  (void)sink;
  return 0;
}
