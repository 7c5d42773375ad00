/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-apdu.h — ISO 7816-4 command APDU encoding (short and extended length) and status words.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_APDU_MAX_SHORT_LE 256u
#define MADO_APDU_MAX_EXTENDED_LE 65536u
#define MADO_APDU_MAX_COMMAND (4u + 3u + 65535u + 2u)
#define MADO_APDU_MAX_RESPONSE (65536u + 2u)

#define MADO_SW_OK 0x9000u

typedef struct
{
  guint8 cla;
  guint8 ins;
  guint8 p1;
  guint8 p2;
  const guint8 *data; /* borrowed; NULL when data_len is 0 */
  gsize data_len;     /* Lc: 0..65535 */
  guint32 le;         /* expected length: 0 = none, 1..65536 */
  gboolean sensitive; /* carries a secret (VERIFY): its buffers are wiped, its data never traced */
} MadoApdu;

/* TRUE when @apdu needs the extended form (Lc > 255 or Le > 256). */
gboolean mado_apdu_needs_extended (const MadoApdu *apdu);

/* Encodes @apdu into @out (capacity @out_size). Short form when it fits, extended otherwise;
 * @force_extended encodes the extended form even when the short one would do.
 * Returns the encoded length, or 0 with @error set (invalid lengths, buffer too small). */
gsize mado_apdu_encode (const MadoApdu *apdu, gboolean force_extended, guint8 *out, gsize out_size,
                        GError **error);

/* Decodes an encoded command (used by the emulator and the scripted reader). The data pointer
 * of @apdu points into @raw. Returns FALSE on an inconsistent encoding. */
gboolean mado_apdu_decode (const guint8 *raw, gsize raw_len, MadoApdu *apdu, gboolean *extended);

/* A short, fixed description of a status word ("wrong length"), for traces and debug logs. */
const char *mado_sw_describe (guint16 sw);

G_END_DECLS
