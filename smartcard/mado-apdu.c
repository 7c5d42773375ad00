/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-apdu.c — ISO 7816-4 command APDU encoding, cases 1–4, short and extended.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-apdu.h"

#include "mado-card-error.h"

gboolean
mado_apdu_needs_extended (const MadoApdu *apdu)
{
  return apdu->data_len > 255 || apdu->le > MADO_APDU_MAX_SHORT_LE;
}

gsize
mado_apdu_encode (const MadoApdu *apdu, gboolean force_extended, guint8 *out, gsize out_size,
                  GError **error)
{
  g_return_val_if_fail (apdu != NULL && out != NULL, 0);

  if (apdu->data_len > 65535 || apdu->le > MADO_APDU_MAX_EXTENDED_LE
      || (apdu->data_len > 0 && apdu->data == NULL))
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED,
                   "APDU lengths out of range (Lc %" G_GSIZE_FORMAT ", Le %u)", apdu->data_len,
                   apdu->le);
      return 0;
    }

  gboolean extended = force_extended || mado_apdu_needs_extended (apdu);
  gsize need = 4 + apdu->data_len;
  if (extended)
    need += (apdu->data_len > 0 ? 3 : 0) + (apdu->le > 0 ? (apdu->data_len > 0 ? 2 : 3) : 0);
  else
    need += (apdu->data_len > 0 ? 1 : 0) + (apdu->le > 0 ? 1 : 0);
  if (need > out_size)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED,
                   "APDU buffer too small (%" G_GSIZE_FORMAT " < %" G_GSIZE_FORMAT ")", out_size,
                   need);
      return 0;
    }

  gsize n = 0;
  out[n++] = apdu->cla;
  out[n++] = apdu->ins;
  out[n++] = apdu->p1;
  out[n++] = apdu->p2;

  if (extended)
    {
      if (apdu->data_len > 0)
        {
          out[n++] = 0x00;
          out[n++] = (guint8)(apdu->data_len >> 8);
          out[n++] = (guint8)apdu->data_len;
          memcpy (out + n, apdu->data, apdu->data_len);
          n += apdu->data_len;
        }
      if (apdu->le > 0)
        {
          guint32 le = apdu->le == MADO_APDU_MAX_EXTENDED_LE ? 0 : apdu->le;
          if (apdu->data_len == 0)
            out[n++] = 0x00;
          out[n++] = (guint8)(le >> 8);
          out[n++] = (guint8)le;
        }
    }
  else
    {
      if (apdu->data_len > 0)
        {
          out[n++] = (guint8)apdu->data_len;
          memcpy (out + n, apdu->data, apdu->data_len);
          n += apdu->data_len;
        }
      if (apdu->le > 0)
        out[n++] = (guint8)(apdu->le == MADO_APDU_MAX_SHORT_LE ? 0 : apdu->le);
    }

  g_assert (n == need);
  return n;
}

gboolean
mado_apdu_decode (const guint8 *raw, gsize raw_len, MadoApdu *apdu, gboolean *extended)
{
  MadoApdu out = { 0 };
  gboolean ext = FALSE;

  if (raw == NULL || raw_len < 4)
    return FALSE;
  out.cla = raw[0];
  out.ins = raw[1];
  out.p1 = raw[2];
  out.p2 = raw[3];

  const guint8 *body = raw + 4;
  gsize body_len = raw_len - 4;

  if (body_len == 0)
    ; /* case 1 */
  else if (body_len == 1)
    out.le = body[0] == 0 ? 256 : body[0]; /* case 2 short */
  else if (body[0] != 0)
    {
      /* short with data: case 3 or 4 */
      gsize lc = body[0];
      if (body_len == 1 + lc)
        ;
      else if (body_len == 2 + lc)
        out.le = body[1 + lc] == 0 ? 256 : body[1 + lc];
      else
        return FALSE;
      out.data = body + 1;
      out.data_len = lc;
    }
  else
    {
      ext = TRUE;
      if (body_len == 3)
        {
          guint32 le = ((guint32)body[1] << 8) | body[2]; /* case 2 extended */
          out.le = le == 0 ? 65536 : le;
        }
      else
        {
          if (body_len < 3)
            return FALSE;
          gsize lc = ((gsize)body[1] << 8) | body[2];
          if (lc == 0)
            return FALSE;
          if (body_len == 3 + lc)
            ;
          else if (body_len == 5 + lc)
            {
              guint32 le = ((guint32)body[3 + lc] << 8) | body[4 + lc];
              out.le = le == 0 ? 65536 : le;
            }
          else
            return FALSE;
          out.data = body + 3;
          out.data_len = lc;
        }
    }

  *apdu = out;
  if (extended != NULL)
    *extended = ext;
  return TRUE;
}

const char *
mado_sw_describe (guint16 sw)
{
  switch (sw >> 8)
    {
    case 0x61:
      return "more data available";
    case 0x63:
      return (sw & 0xF0u) == 0xC0u ? "verification failed, counter" : "warning";
    case 0x6C:
      return "wrong Le, exact length given";
    default:
      break;
    }
  switch (sw)
    {
    case 0x9000:
      return "ok";
    case 0x6282:
      return "end of file reached before Le";
    case 0x6700:
      return "wrong length";
    case 0x6881:
      return "logical channel not supported";
    case 0x6882:
      return "secure messaging not supported";
    case 0x6981:
      return "command incompatible with file structure";
    case 0x6982:
      return "security status not satisfied";
    case 0x6983:
    case 0x6984:
      return "reference data blocked";
    case 0x6985:
      return "conditions of use not satisfied";
    case 0x6986:
      return "no current EF";
    case 0x6A82:
      return "file or application not found";
    case 0x6A86:
      return "wrong P1 P2";
    case 0x6A88:
      return "referenced data not found";
    case 0x6B00:
      return "offset outside the EF";
    case 0x6D00:
      return "instruction not supported";
    case 0x6E00:
      return "class not supported";
    case 0x6F00:
      return "no precise diagnosis";
    default:
      return "unexpected status";
    }
}
