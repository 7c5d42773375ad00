/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-jpki-attributes.h — the four attributes (基本4情報) a 署名用電子証明書 carries in its
 * subjectAltName (otherName, arc 1.2.392.200149.8.5.5), and their comparison with the same four
 * as the card's 券面事項入力補助AP holds them. Personal data: free with the _free functions; never
 * log the values.
 *
 * OIDs (../shared/reference/mynumber-card.md §5.2): .1 氏名, .2 its substitute-character flags,
 * .3 性別 (1 male, 2 female, 3 unknown), .4 生年月日 as EYYYYMMDD (E: era code 1 明治, 2 大正,
 * 3 昭和, 4 平成, 5 令和, 0 unknown), .5 住所, .6 its substitute-character flags.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;          /* 氏名 */
  char *name_flags;    /* one '0'/'1' per character of the name; '1': a substitute character */
  char *sex;           /* "1", "2", "3" */
  char *birth;         /* as in the certificate: EYYYYMMDD */
  char *birth_date;    /* ISO 8601: YYYY-MM-DD */
  int era;             /* the era code of @birth */
  char *address;       /* 住所 */
  char *address_flags; /* as name_flags */
} MadoJpkiAttributes;

void mado_jpki_attributes_free (MadoJpkiAttributes *attributes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoJpkiAttributes, mado_jpki_attributes_free)

/* From a signature certificate (DER). MADO_IDENTITY_ERROR_CRL is not used here: a certificate
 * without the attributes, or with malformed ones, is G_IO_ERROR_INVALID_DATA. */
MadoJpkiAttributes *mado_jpki_attributes_from_certificate (GBytes *der, GError **error);

typedef struct
{
  const char *field; /* "name", "address", "birth_date", "sex" */
  char *certificate; /* the certificate's value */
  char *card;        /* the card's value */
} MadoAttributeMismatch;

/* Compares with the card's four attributes (birth date ISO 8601, sex the card's code 1/2/9).
 * Text is compared after NFKC (full-width digits and spaces equal their ASCII forms); a
 * character the certificate flags as a substitute matches anything. Returns the mismatches,
 * empty when all four agree (element free function set). */
GPtrArray *mado_jpki_attributes_compare (const MadoJpkiAttributes *certificate, const char *name,
                                         const char *address, const char *birth_date,
                                         const char *sex);

G_END_DECLS
