/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-mynumber-profile.c — the tables. Each value's source is in
 * ../shared/reference/mynumber-card.md (section noted beside it).
 */
#include "mado-mynumber-profile.h"

static const MadoCardProfile profile_2016 = {
  .name = "mynumber-2016",
  .applets = {
    /* §1.1 [2+] */
    [MADO_APPLET_JPKI] = { "JPKI", { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 }, 10 },
    [MADO_APPLET_TEXT] = { "券面事項入力補助AP",
                           { 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08 }, 10 },
  },
  .pins = {
    /* §1.3, §1.4, §2 [2+]: key references and PIN forms; tries: 3 for the PINs, 5 for the password */
    [MADO_PIN_AUTH] = { MADO_APPLET_JPKI, 0x0018, MADO_PIN_RULE_DIGITS, 4, 4, 3, "利用者証明用電子証明書" },
    [MADO_PIN_SIGN] = { MADO_APPLET_JPKI, 0x001B, MADO_PIN_RULE_ALNUM_MIXED, 6, 16, 5, "署名用電子証明書" },
    [MADO_PIN_TEXT] = { MADO_APPLET_TEXT, 0x0011, MADO_PIN_RULE_DIGITS, 4, 4, 3, "券面事項入力補助" },
  },
  .certs = {
    /* §1.3 [2+] */
    [MADO_CERT_AUTH] = { MADO_APPLET_JPKI, 0x000A },
    [MADO_CERT_AUTH_CA] = { MADO_APPLET_JPKI, 0x000B },
    [MADO_CERT_SIGN] = { MADO_APPLET_JPKI, 0x0001 },
    [MADO_CERT_SIGN_CA] = { MADO_APPLET_JPKI, 0x0002 },
  },
  .cert_pin = {
    [MADO_CERT_AUTH] = MADO_PIN_COUNT,
    [MADO_CERT_AUTH_CA] = MADO_PIN_COUNT,
    [MADO_CERT_SIGN] = MADO_PIN_SIGN,
    [MADO_CERT_SIGN_CA] = MADO_PIN_COUNT,
  },
  .individual_number = { MADO_APPLET_TEXT, 0x0001 }, /* §1.4, §3.2 */
  .attributes = { MADO_APPLET_TEXT, 0x0002 },        /* §1.4, §3.1 */
  .auth_key = { MADO_APPLET_JPKI, 0x0017 },          /* §1.3, §4.1 */
  .number_tag = 0xFF10,
  .attributes_tag = 0xFF20,
  .attribute_tags = { 0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25 },
  .sign_cla = 0x80,
};

const MadoCardProfile *
mado_mynumber_profile_2016 (void)
{
  return &profile_2016;
}
