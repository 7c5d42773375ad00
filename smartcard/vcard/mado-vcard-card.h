/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-card.h — the emulated My Number card (個人番号カード), without any transport.
 *
 * Loads a profile (a GKeyFile: identity, PINs, JPKI certificates and keys; see docs/testing.md),
 * builds the card's elementary files, and answers command APDUs the way the real card does as far
 * as public sources tell (reference/mynumber-card.md §1–§4, §6.2, §8). Unit tests and fuzzers
 * drive it in-process with mado_vcard_process(); mado-vcard-vpcd.h carries it over vpcd.
 *
 * TEST ONLY. Never part of a production install.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deliberate defects, to exercise the driver's error paths. Several may be combined. */
typedef enum
{
  MADO_VCARD_MALFORM_NONE = 0,
  MADO_VCARD_MALFORM_TEXT_TRUNCATED = 1 << 0, /* EF0002's outer length runs past the file end */
  MADO_VCARD_MALFORM_TEXT_OVERLONG = 1 << 1,  /* DF25 (sex) claims more than its parent holds */
  MADO_VCARD_MALFORM_NUMBER_GARBAGE = 1 << 2, /* EF0001 of the text AP holds garbage */
  MADO_VCARD_MALFORM_NUMBER_CHECK_DIGIT
      = 1 << 3, /* the 個人番号 is well-formed, its check digit wrong */
  MADO_VCARD_MALFORM_CERT_GARBAGE = 1 << 4,   /* the auth cert EF (000A) holds garbage */
  MADO_VCARD_MALFORM_CERT_TRUNCATED = 1 << 5, /* the auth cert EF ends 64 bytes before its DER */
  MADO_VCARD_MALFORM_BAD_SW = 1 << 6,         /* every READ BINARY answers 6F 00 */
  MADO_VCARD_MALFORM_SHORT_READ = 1 << 7, /* READ BINARY returns one byte fewer than it should */
  MADO_VCARD_MALFORM_SIGN_WRONG = 1 << 8, /* signatures come back with their last byte flipped */
  MADO_VCARD_MALFORM_NO_APPLETS = 1 << 9, /* not a My Number card: no AID can be selected */
} MadoVcardMalform;

/* Parses one KIND name ("text-truncated", …). G_IO_ERROR_INVALID_ARGUMENT when unknown. */
gboolean mado_vcard_malform_from_string (const char *kind, MadoVcardMalform *malform,
                                         GError **error);
/* NULL-terminated list of every KIND name, in flag order. */
const char *const *mado_vcard_malform_names (void);

typedef struct _MadoVcard MadoVcard;

/* Loads the profile at @path; relative paths in it are taken from its directory.
 * Errors: G_FILE_ERROR, G_KEY_FILE_ERROR, G_IO_ERROR_INVALID_DATA (a value that does not parse). */
MadoVcard *mado_vcard_new_from_file (const char *path, GError **error);
/* Same, from a key file already loaded; @base_dir resolves relative paths (NULL: the cwd).
 * Every group and key is optional: a card without [jpki] simply has no certificate files. */
MadoVcard *mado_vcard_new_from_key_file (GKeyFile *key_file, const char *base_dir, GError **error);
void mado_vcard_free (MadoVcard *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoVcard, mado_vcard_free)

/* PIN tries left persist in @path from now on: read now (a missing file is not an error: the
 * profile's values apply), written atomically on every change. NULL stops persisting. */
gboolean mado_vcard_set_state_file (MadoVcard *self, const char *path, GError **error);

/* FALSE: every command in extended length form gets 67 00 (a reader without extended length). */
void mado_vcard_set_extended_length (MadoVcard *self, gboolean supported);

/* Replaces the set of defects; the files are rebuilt. */
void mado_vcard_set_malform (MadoVcard *self, MadoVcardMalform malform);

/* The ATR (borrowed). */
GBytes *mado_vcard_get_atr (MadoVcard *self);

/* Power on, power off and warm reset alike: no AP selected, no current EF, no PIN verified.
 * The tries left are kept (they live in the card's memory, and in the state file). */
void mado_vcard_reset (MadoVcard *self);

/* Answers one command APDU: appends the response data and SW1 SW2 to @response and returns the
 * status word. Never fails; garbage in gets a status word out. */
guint16 mado_vcard_process (MadoVcard *self, const guint8 *command, gsize command_len,
                            GByteArray *response);

G_END_DECLS
