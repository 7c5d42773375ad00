/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-mynumber-card.c — the My Number card driver.
 *
 * Every operation runs inside one PC/SC transaction. A reset by another party (CARD_RESET) is
 * absorbed once for operations that need no PIN — the reader has reconnected, the applet is
 * selected again and the operation repeated — and reported for those that do, since the PIN
 * state died with the reset and a PIN is never re-sent automatically.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-mynumber-card.h"

#include "mado-card-error.h"
#include "mado-mynumber-profile.h"
#include "mado-tlv.h"

#define INS_SELECT 0xA4
#define INS_READ_BINARY 0xB0
#define INS_VERIFY 0x20
#define INS_COMPUTE_SIGNATURE 0x2A
#define SHORT_READ 256u

/* DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1). */
static const guint8 sha256_digest_info_prefix[]
    = { 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };

struct _MadoMynumberCard
{
  GObject parent_instance;

  MadoReader *reader;
  const MadoCardProfile *profile;
  int current_applet; /* -1: none known */
  gboolean recognised;
  GMutex lock; /* one operation at a time, whichever thread runs it */
};

G_DEFINE_FINAL_TYPE (MadoMynumberCard, mado_mynumber_card, G_TYPE_OBJECT)

static void
mado_mynumber_card_finalize (GObject *object)
{
  MadoMynumberCard *self = MADO_MYNUMBER_CARD (object);

  g_clear_object (&self->reader);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mado_mynumber_card_parent_class)->finalize (object);
}

static void
mado_mynumber_card_class_init (MadoMynumberCardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_mynumber_card_finalize;
}

static void
mado_mynumber_card_init (MadoMynumberCard *self)
{
  self->current_applet = -1;
  self->profile = mado_mynumber_profile_2016 ();
  g_mutex_init (&self->lock);
}

MadoMynumberCard *
mado_mynumber_card_new (MadoReader *reader)
{
  g_return_val_if_fail (MADO_IS_READER (reader), NULL);
  MadoMynumberCard *self = g_object_new (MADO_TYPE_MYNUMBER_CARD, NULL);
  self->reader = g_object_ref (reader);
  return self;
}

MadoReader *
mado_mynumber_card_get_reader (MadoMynumberCard *self)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self), NULL);
  return self->reader;
}

/* ---- records and small helpers ---------------------------------------------------------- */

static void
secure_free_string (char *s)
{
  if (s == NULL)
    return;
  explicit_bzero (s, strlen (s));
  g_free (s);
}

void
mado_card_attributes_free (MadoCardAttributes *attributes)
{
  if (attributes == NULL)
    return;
  secure_free_string (attributes->name);
  secure_free_string (attributes->address);
  secure_free_string (attributes->birth_date);
  secure_free_string (attributes->sex);
  secure_free_string (attributes->individual_number);
  g_free (attributes);
}

/* Wipes the bytes of @array from @from on (an empty array has no buffer at all). */
static void
wipe_from (GByteArray *array, guint from)
{
  if (array->data != NULL && array->len > from)
    explicit_bzero (array->data + from, array->len - from);
}

static void
secure_byte_array_free (GByteArray *array)
{
  if (array == NULL)
    return;
  wipe_from (array, 0);
  g_byte_array_unref (array);
}

typedef GByteArray MadoSecureBytes;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoSecureBytes, secure_byte_array_free)

char *
mado_individual_number_mask (const char *number)
{
  gsize len = number != NULL ? strlen (number) : 0;
  if (len < 4)
    return g_strnfill (len, '*');
  GString *out = g_string_sized_new (len);
  for (gsize i = 0; i < len - 4; i++)
    g_string_append_c (out, '*');
  g_string_append (out, number + len - 4);
  return g_string_free (out, FALSE);
}

gboolean
mado_individual_number_is_valid (const char *number)
{
  /* 番号法施行令 第8条: check digit = 11 − (Σ Pn × Qn mod 11), 0 when the remainder ≤ 1;
   * Pn is the n-th digit from the right (excluding the check digit), Qn = n + 1 (n ≤ 6), n − 5
   * (7 ≤ n ≤ 11). */
  if (number == NULL || strlen (number) != 12)
    return FALSE;
  for (int i = 0; i < 12; i++)
    if (!g_ascii_isdigit (number[i]))
      return FALSE;
  int sum = 0;
  for (int n = 1; n <= 11; n++)
    {
      int p = number[11 - n] - '0';
      int q = n <= 6 ? n + 1 : n - 5;
      sum += p * q;
    }
  int r = sum % 11;
  int check = r <= 1 ? 0 : 11 - r;
  return check == number[11] - '0';
}

const char *
mado_pin_kind_to_string (MadoPinKind kind)
{
  switch (kind)
    {
    case MADO_PIN_AUTH:
      return "auth";
    case MADO_PIN_SIGN:
      return "sign";
    case MADO_PIN_TEXT:
      return "text";
    case MADO_PIN_COUNT:
    default:
      return "unknown";
    }
}

const char *
mado_cert_kind_to_string (MadoCertKind kind)
{
  switch (kind)
    {
    case MADO_CERT_AUTH:
      return "auth";
    case MADO_CERT_AUTH_CA:
      return "auth-ca";
    case MADO_CERT_SIGN:
      return "sign";
    case MADO_CERT_SIGN_CA:
      return "sign-ca";
    case MADO_CERT_COUNT:
    default:
      return "unknown";
    }
}

static gboolean
pin_form_error (GError **error, const char *what)
{
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_FORMAT,
               "%s; nothing was sent to the card", what);
  return FALSE;
}

static gboolean
check_form (const MadoPinSpec *spec, const char *pin, GError **error)
{
  if (pin == NULL)
    return pin_form_error (error, "No PIN was given");
  gsize len = strlen (pin);
  if (spec->rule == MADO_PIN_RULE_DIGITS)
    {
      if (len != spec->min_length)
        {
          g_autofree char *what = g_strdup_printf ("The PIN must be %u digits", spec->min_length);
          return pin_form_error (error, what);
        }
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isdigit (pin[i]))
          return pin_form_error (error, "The PIN must be digits only");
      return TRUE;
    }

  if (len < spec->min_length || len > spec->max_length)
    {
      g_autofree char *what = g_strdup_printf ("The password must be %u to %u characters",
                                               spec->min_length, spec->max_length);
      return pin_form_error (error, what);
    }
  gboolean letter = FALSE, digit = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isalpha (pin[i]))
        letter = TRUE;
      else if (g_ascii_isdigit (pin[i]))
        digit = TRUE;
      else
        return pin_form_error (error, "The password takes only letters A-Z and digits 0-9");
    }
  if (!letter || !digit)
    return pin_form_error (error, "The password must mix letters and digits");
  return TRUE;
}

gboolean
mado_pin_check_form (MadoPinKind kind, const char *pin, GError **error)
{
  g_return_val_if_fail (kind < MADO_PIN_COUNT, FALSE);
  return check_form (&mado_mynumber_profile_2016 ()->pins[kind], pin, error);
}

static gboolean
unexpected_sw (GError **error, const char *what, guint16 sw)
{
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_UNEXPECTED_STATUS,
               "%s: the card answered %04X (%s)", what, sw, mado_sw_describe (sw));
  return FALSE;
}

/* ---- card commands (called with the lock held, inside a transaction) ------------------ */

static gboolean
select_applet (MadoMynumberCard *self, MadoAppletId id, GError **error)
{
  if (self->current_applet == (int)id)
    return TRUE;

  const MadoAppletSpec *applet = &self->profile->applets[id];
  MadoApdu apdu = { .cla = 0x00,
                    .ins = INS_SELECT,
                    .p1 = 0x04,
                    .p2 = 0x0C,
                    .data = applet->aid,
                    .data_len = applet->aid_len };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  guint16 sw = 0;

  self->current_applet = -1;
  if (!mado_reader_transceive (self->reader, &apdu, response, &sw, error))
    return FALSE;
  if (sw == MADO_SW_OK)
    {
      self->current_applet = (int)id;
      self->recognised = TRUE;
      return TRUE;
    }
  if (sw == 0x6A82 || sw == 0x6A86 || sw == 0x6D00 || sw == 0x6E00 || sw == 0x6881)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_MYNUMBER,
                   "Not a My Number card: the %s applet could not be selected (%04X)", applet->name,
                   sw);
      return FALSE;
    }
  return unexpected_sw (error, "SELECT applet", sw);
}

static gboolean
query_tries (MadoMynumberCard *self, MadoPinKind kind, int *tries, GError **error)
{
  const MadoPinSpec *spec = &self->profile->pins[kind];
  if (!select_applet (self, spec->applet, error))
    return FALSE;

  /* An empty VERIFY asks for the counter and spends no try. */
  MadoApdu apdu = {
    .cla = 0x00, .ins = INS_VERIFY, .p1 = 0x00, .p2 = (guint8)(0x80u | (spec->key_fid & 0x1Fu))
  };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  guint16 sw = 0;
  if (!mado_reader_transceive (self->reader, &apdu, response, &sw, error))
    return FALSE;

  if ((sw & 0xFFF0u) == 0x63C0u)
    *tries = sw & 0x0F;
  else if (sw == MADO_SW_OK)
    *tries = spec->max_tries; /* verified now: a success resets the counter */
  else if (sw == 0x6983 || sw == 0x6984)
    *tries = 0;
  else if (sw == 0x6A82 || sw == 0x6A88)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_FILE_NOT_FOUND,
                   "The card has no %s PIN (%04X)", mado_pin_kind_to_string (kind), sw);
      return FALSE;
    }
  else
    return unexpected_sw (error, "PIN tries query", sw);
  return TRUE;
}

static gboolean
verify_pin (MadoMynumberCard *self, MadoPinKind kind, const char *pin, GError **error)
{
  const MadoPinSpec *spec = &self->profile->pins[kind];
  if (!check_form (spec, pin, error))
    return FALSE;
  if (!select_applet (self, spec->applet, error))
    return FALSE;

  gsize len = strlen (pin);
  guint8 data[32];
  for (gsize i = 0; i < len; i++)
    data[i] = (guint8)g_ascii_toupper (pin[i]);

  MadoApdu apdu = { .cla = 0x00,
                    .ins = INS_VERIFY,
                    .p1 = 0x00,
                    .p2 = (guint8)(0x80u | (spec->key_fid & 0x1Fu)),
                    .data = data,
                    .data_len = len,
                    .sensitive = TRUE };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  guint16 sw = 0;
  gboolean ok = mado_reader_transceive (self->reader, &apdu, response, &sw, error);
  explicit_bzero (data, sizeof data);
  if (!ok)
    return FALSE;

  if (sw == MADO_SW_OK)
    return TRUE;
  if (sw == 0x63C0 || sw == 0x6983 || sw == 0x6984)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_BLOCKED,
                   "The %s PIN is blocked (%04X)", mado_pin_kind_to_string (kind), sw);
      return FALSE;
    }
  if ((sw & 0xFFF0u) == 0x63C0u)
    {
      mado_card_set_pin_wrong_error (error, mado_pin_kind_to_string (kind), sw & 0x0F);
      return FALSE;
    }
  return unexpected_sw (error, "VERIFY", sw);
}

static gboolean
read_status_error (guint16 sw, const char *what, GError **error)
{
  if (sw == 0x6982)
    g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_SECURITY_STATUS,
                 "%s: the card wants its PIN verified first", what);
  else if (sw == 0x6A82)
    g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_FILE_NOT_FOUND,
                 "%s: no such file on the card", what);
  else
    unexpected_sw (error, what, sw);
  return FALSE;
}

/* One READ BINARY; SW 62 82 (end of file before Le) counts as success. */
static gboolean
read_binary (MadoMynumberCard *self, guint8 p1, guint8 p2, guint32 le, GByteArray *out,
             const char *what, GError **error)
{
  MadoApdu apdu = { .cla = 0x00, .ins = INS_READ_BINARY, .p1 = p1, .p2 = p2, .le = le };
  guint16 sw = 0;
  guint before = out->len;

  if (!mado_reader_transceive (self->reader, &apdu, out, &sw, error))
    return FALSE;
  if (sw == MADO_SW_OK || sw == 0x6282)
    return TRUE;
  wipe_from (out, before);
  g_byte_array_set_size (out, before);
  if (sw == 0x6700 && le > SHORT_READ)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED,
                   "%s: extended length refused (6700)", what);
      return FALSE;
    }
  return read_status_error (sw, what, error);
}

/* Reads a file that holds one BER-TLV object (then filler), with the fewest APDUs: one extended
 * read of the whole EF by SFI where the reader carries extended length, otherwise 256-byte reads
 * sized by the object's header. Returns exactly the TLV object. */
static GByteArray *
read_tlv_file (MadoMynumberCard *self, const MadoFileSpec *file, const char *what, GError **error)
{
  g_autoptr (MadoSecureBytes) data = g_byte_array_new ();
  guint8 sfi_p1 = (guint8)(0x80u | mado_file_sfi (file));
  g_autoptr (GError) local = NULL;
  gboolean whole_file = FALSE; /* the first read asked for everything the EF holds */

  if (!select_applet (self, file->applet, error))
    return NULL;

  if (mado_reader_get_extended_length (self->reader))
    {
      if (read_binary (self, sfi_p1, 0x00, MADO_APDU_MAX_EXTENDED_LE, data, what, &local))
        {
          whole_file = TRUE;
          goto have_first;
        }
      if (!g_error_matches (local, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED)
          && !g_error_matches (local, MADO_CARD_ERROR, MADO_CARD_ERROR_TRANSPORT))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_debug ("%s: falling back to short reads: %s", what, local->message);
      g_clear_error (&local);
      mado_reader_set_extended_length (self->reader, FALSE);
    }
  if (!read_binary (self, sfi_p1, 0x00, SHORT_READ, data, what, error))
    return NULL;

have_first:;
  gsize total = 0;
  if (!mado_tlv_peek_size (data->data, data->len, NULL, &total, &local))
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED, "%s: %s", what,
                   local->message);
      return NULL;
    }
  if (total > 0xFFFF)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "%s: the object claims %" G_GSIZE_FORMAT " bytes, more than an EF holds", what,
                   total);
      return NULL;
    }
  if (whole_file && data->len < total)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "%s: the file ends at %u bytes, its object claims %" G_GSIZE_FORMAT, what,
                   data->len, total);
      return NULL;
    }
  while (data->len < total)
    {
      /* The EF is current after the SFI read: continue by 15-bit offset. */
      gsize offset = data->len;
      guint32 want = (guint32)MIN ((gsize)SHORT_READ, total - offset);
      guint before = data->len;
      if (!read_binary (self, (guint8)(offset >> 8), (guint8)offset, want, data, what, error))
        return NULL;
      if (data->len == before)
        {
          g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                       "%s: the file ends at %" G_GSIZE_FORMAT
                       " bytes, its object claims %" G_GSIZE_FORMAT,
                       what, offset, total);
          return NULL;
        }
    }
  if (data->len > total)
    {
      wipe_from (data, (guint)total);
      g_byte_array_set_size (data, (guint)total);
    }
  return g_steal_pointer (&data);
}

static char *
dup_utf8 (const MadoTlv *tlv, const char *what, GError **error)
{
  if (tlv->length == 0 || !g_utf8_validate ((const char *)tlv->value, (gssize)tlv->length, NULL)
      || memchr (tlv->value, '\0', tlv->length) != NULL)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "The card's %s is not valid text", what);
      return NULL;
    }
  return g_strndup ((const char *)tlv->value, tlv->length);
}

static gboolean
digits_value (const guint8 *p, gsize n, int *value)
{
  int v = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      v = v * 10 + (p[i] - '0');
    }
  *value = v;
  return TRUE;
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED, "%s", what);
  return FALSE;
}

static MadoCardAttributes *
parse_attributes (const MadoCardProfile *profile, const GByteArray *number_file,
                  const GByteArray *attributes_file, GError **error)
{
  g_autoptr (MadoCardAttributes) out = g_new0 (MadoCardAttributes, 1);
  g_autoptr (GError) local = NULL;
  MadoTlvCursor cursor;
  MadoTlv top, item;

  /* 個人番号: FF 10 0C + 12 digits */
  mado_tlv_cursor_init (&cursor, number_file->data, number_file->len);
  if (!mado_tlv_next (&cursor, &top, NULL) || top.tag != profile->number_tag || top.length != 12)
    {
      malformed (error, "The card's individual number record is malformed");
      return NULL;
    }
  out->individual_number = g_strndup ((const char *)top.value, top.length);
  if (!mado_individual_number_is_valid (out->individual_number))
    {
      malformed (error, "The card's individual number fails its check digit");
      return NULL;
    }

  /* 基本4情報: FF 20 { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex } */
  mado_tlv_cursor_init (&cursor, attributes_file->data, attributes_file->len);
  if (!mado_tlv_next (&cursor, &top, &local))
    {
      malformed (error, local != NULL ? local->message : "The attribute record is empty");
      return NULL;
    }
  if (top.tag != profile->attributes_tag)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "The attribute record has tag %X, not %X", top.tag, profile->attributes_tag);
      return NULL;
    }
  mado_tlv_cursor_init (&cursor, top.value, top.length);
  while (mado_tlv_next (&cursor, &item, &local))
    {
      if (item.tag == profile->attribute_tags[1] && out->name == NULL)
        out->name = dup_utf8 (&item, "name", &local);
      else if (item.tag == profile->attribute_tags[2] && out->address == NULL)
        out->address = dup_utf8 (&item, "address", &local);
      else if (item.tag == profile->attribute_tags[3] && out->birth_date == NULL)
        {
          int y, m, d;
          if (item.length != 8 || !digits_value (item.value, 4, &y)
              || !digits_value (item.value + 4, 2, &m) || !digits_value (item.value + 6, 2, &d)
              || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
            {
              malformed (error, "The card's birth date is malformed");
              return NULL;
            }
          out->birth_date = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
        }
      else if (item.tag == profile->attribute_tags[4] && out->sex == NULL)
        {
          if (item.length != 1 || !g_ascii_isdigit (item.value[0]))
            {
              malformed (error, "The card's sex code is malformed");
              return NULL;
            }
          out->sex = g_strndup ((const char *)item.value, 1);
        }
      if (local != NULL)
        break;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (out->name == NULL || out->address == NULL || out->birth_date == NULL || out->sex == NULL)
    {
      malformed (error, "The attribute record lacks one of name, address, birth date, sex");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static GBytes *
read_certificate (MadoMynumberCard *self, MadoCertKind kind, GError **error)
{
  const MadoFileSpec *file = &self->profile->certs[kind];
  g_autofree char *what = g_strdup_printf ("%s certificate", mado_cert_kind_to_string (kind));
  g_autoptr (GByteArray) der = read_tlv_file (self, file, what, error);
  if (der == NULL)
    return NULL;
  if (der->len < 4 || der->data[0] != 0x30)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "The %s file does not hold a DER certificate", what);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&der));
}

static GBytes *
sign_sha256 (MadoMynumberCard *self, const guint8 *digest, GError **error)
{
  guint8 info[sizeof sha256_digest_info_prefix + 32];
  memcpy (info, sha256_digest_info_prefix, sizeof sha256_digest_info_prefix);
  memcpy (info + sizeof sha256_digest_info_prefix, digest, 32);

  if (!select_applet (self, self->profile->auth_key.applet, error))
    return NULL;

  MadoApdu apdu = { .cla = self->profile->sign_cla,
                    .ins = INS_COMPUTE_SIGNATURE,
                    .p1 = 0x00,
                    .p2 = (guint8)(0x80u | mado_file_sfi (&self->profile->auth_key)),
                    .data = info,
                    .data_len = sizeof info,
                    .le = 256 };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  guint16 sw = 0;
  if (!mado_reader_transceive (self->reader, &apdu, response, &sw, error))
    return NULL;
  if (sw != MADO_SW_OK)
    {
      read_status_error (sw, "COMPUTE DIGITAL SIGNATURE", error);
      return NULL;
    }
  if (response->len != 256)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
                   "The signature is %u bytes, not 256", response->len);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&response));
}

/* ---- transactions --------------------------------------------------------------------- */

typedef gboolean (*CardOp) (MadoMynumberCard *self, gpointer data, GError **error);

/* Runs @op inside one transaction. @repeatable: needs no PIN state, so a reset by another party
 * is absorbed once by re-selecting and running it again. */
static gboolean
run_transaction_locked (MadoMynumberCard *self, CardOp op, gpointer data, gboolean repeatable,
                        GError **error)
{
  for (int attempt = 0;; attempt++)
    {
      g_autoptr (GError) local = NULL;
      gboolean ok = mado_reader_begin_transaction (self->reader, &local);
      if (ok)
        {
          ok = op (self, data, &local);
          mado_reader_end_transaction (self->reader);
        }
      if (ok)
        return TRUE;
      if (g_error_matches (local, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_RESET))
        {
          self->current_applet = -1;
          if (repeatable && attempt == 0)
            {
              g_debug ("card reset by another party: selecting again");
              continue;
            }
          g_prefix_error (&local, "The card was reset, its PIN state is gone: ");
        }
      else if (g_error_matches (local, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED))
        self->current_applet = -1;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
}

static gboolean
run_transaction (MadoMynumberCard *self, CardOp op, gpointer data, gboolean repeatable,
                 GError **error)
{
  g_mutex_lock (&self->lock);
  gboolean ok = run_transaction_locked (self, op, data, repeatable, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

typedef struct
{
  MadoPinKind pin_kind;
  MadoCertKind cert_kind;
  char *pin;
  guint8 digest[32];
  int tries;
  MadoCardAttributes *attributes;
  GBytes *bytes;
} OpData;

static void
op_data_free (OpData *d)
{
  secure_free_string (d->pin);
  mado_card_attributes_free (d->attributes);
  g_clear_pointer (&d->bytes, g_bytes_unref);
  explicit_bzero (d, sizeof *d);
  g_free (d);
}

static gboolean
op_recognise (MadoMynumberCard *self, gpointer data, GError **error)
{
  self->current_applet = -1; /* select for real: this call asks the card */
  return select_applet (self, MADO_APPLET_JPKI, error);
}

gboolean
mado_mynumber_card_recognise (MadoMynumberCard *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self), FALSE);
  return run_transaction (self, op_recognise, NULL, TRUE, error);
}

static gboolean
op_tries (MadoMynumberCard *self, gpointer data, GError **error)
{
  OpData *d = data;
  return query_tries (self, d->pin_kind, &d->tries, error);
}

gboolean
mado_mynumber_card_get_pin_tries (MadoMynumberCard *self, MadoPinKind kind, int *tries,
                                  GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self) && kind < MADO_PIN_COUNT, FALSE);
  OpData d = { .pin_kind = kind };
  if (!run_transaction (self, op_tries, &d, TRUE, error))
    return FALSE;
  *tries = d.tries;
  return TRUE;
}

static gboolean
op_verify (MadoMynumberCard *self, gpointer data, GError **error)
{
  OpData *d = data;
  return verify_pin (self, d->pin_kind, d->pin, error);
}

gboolean
mado_mynumber_card_verify_pin (MadoMynumberCard *self, MadoPinKind kind, const char *pin,
                               GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self) && kind < MADO_PIN_COUNT, FALSE);
  if (!check_form (&self->profile->pins[kind], pin, error))
    return FALSE;
  OpData d = { .pin_kind = kind, .pin = (char *)pin };
  return run_transaction (self, op_verify, &d, FALSE, error);
}

static gboolean
op_read_attributes (MadoMynumberCard *self, gpointer data, GError **error)
{
  OpData *d = data;
  g_autoptr (MadoSecureBytes) number
      = read_tlv_file (self, &self->profile->individual_number, "individual number", error);
  if (number == NULL)
    return FALSE;
  g_autoptr (MadoSecureBytes) attributes
      = read_tlv_file (self, &self->profile->attributes, "attribute record", error);
  if (attributes == NULL)
    return FALSE;
  d->attributes = parse_attributes (self->profile, number, attributes, error);
  return d->attributes != NULL;
}

MadoCardAttributes *
mado_mynumber_card_read_attributes (MadoMynumberCard *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self), NULL);
  OpData d = { 0 };
  if (!run_transaction (self, op_read_attributes, &d, FALSE, error))
    return NULL;
  return d.attributes;
}

static gboolean
op_read_certificate (MadoMynumberCard *self, gpointer data, GError **error)
{
  OpData *d = data;
  d->bytes = read_certificate (self, d->cert_kind, error);
  return d->bytes != NULL;
}

GBytes *
mado_mynumber_card_read_certificate (MadoMynumberCard *self, MadoCertKind kind, GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self) && kind < MADO_CERT_COUNT, NULL);
  OpData d = { .cert_kind = kind };
  gboolean needs_pin = self->profile->cert_pin[kind] != MADO_PIN_COUNT;
  if (!run_transaction (self, op_read_certificate, &d, !needs_pin, error))
    return NULL;
  return d.bytes;
}

static gboolean
op_sign (MadoMynumberCard *self, gpointer data, GError **error)
{
  OpData *d = data;
  d->bytes = sign_sha256 (self, d->digest, error);
  return d->bytes != NULL;
}

GBytes *
mado_mynumber_card_sign_sha256 (MadoMynumberCard *self, const guint8 *digest, gsize digest_len,
                                GError **error)
{
  g_return_val_if_fail (MADO_IS_MYNUMBER_CARD (self), NULL);
  if (digest == NULL || digest_len != 32)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED,
                           "A SHA-256 digest is 32 bytes");
      return NULL;
    }
  OpData d = { 0 };
  memcpy (d.digest, digest, 32);
  if (!run_transaction (self, op_sign, &d, FALSE, error))
    return NULL;
  return d.bytes;
}

/* ---- async forms ---------------------------------------------------------------------- */

typedef enum
{
  ASYNC_TRIES,
  ASYNC_VERIFY,
  ASYNC_READ_ATTRIBUTES,
  ASYNC_READ_CERTIFICATE,
  ASYNC_SIGN,
} AsyncKind;

typedef struct
{
  AsyncKind kind;
  OpData *op;
} AsyncData;

static void
async_data_free (AsyncData *a)
{
  op_data_free (a->op);
  g_free (a);
}

static void
async_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  MadoMynumberCard *self = source;
  AsyncData *a = task_data;
  OpData *d = a->op;
  GError *error = NULL;
  gboolean ok = FALSE;

  if (g_task_return_error_if_cancelled (task))
    return;
  switch (a->kind)
    {
    case ASYNC_TRIES:
      ok = mado_mynumber_card_get_pin_tries (self, d->pin_kind, &d->tries, &error);
      break;
    case ASYNC_VERIFY:
      ok = mado_mynumber_card_verify_pin (self, d->pin_kind, d->pin, &error);
      break;
    case ASYNC_READ_ATTRIBUTES:
      d->attributes = mado_mynumber_card_read_attributes (self, &error);
      ok = d->attributes != NULL;
      break;
    case ASYNC_READ_CERTIFICATE:
      d->bytes = mado_mynumber_card_read_certificate (self, d->cert_kind, &error);
      ok = d->bytes != NULL;
      break;
    case ASYNC_SIGN:
      d->bytes = mado_mynumber_card_sign_sha256 (self, d->digest, 32, &error);
      ok = d->bytes != NULL;
      break;
    default:
      g_assert_not_reached ();
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
start_async (MadoMynumberCard *self, AsyncKind kind, OpData *op, gpointer source_tag,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  AsyncData *a = g_new0 (AsyncData, 1);
  a->kind = kind;
  a->op = op;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, a, (GDestroyNotify)async_data_free);
  g_task_run_in_thread (task, async_thread);
}

static OpData *
finish_async (MadoMynumberCard *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  AsyncData *a = g_task_get_task_data (G_TASK (result));
  return a->op;
}

void
mado_mynumber_card_get_pin_tries_async (MadoMynumberCard *self, MadoPinKind kind,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  OpData *op = g_new0 (OpData, 1);
  op->pin_kind = kind;
  start_async (self, ASYNC_TRIES, op, mado_mynumber_card_get_pin_tries_async, cancellable, callback,
               user_data);
}

gboolean
mado_mynumber_card_get_pin_tries_finish (MadoMynumberCard *self, GAsyncResult *result, int *tries,
                                         GError **error)
{
  OpData *op = finish_async (self, result, mado_mynumber_card_get_pin_tries_async, error);
  if (op == NULL)
    return FALSE;
  *tries = op->tries;
  return TRUE;
}

void
mado_mynumber_card_verify_pin_async (MadoMynumberCard *self, MadoPinKind kind, const char *pin,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  OpData *op = g_new0 (OpData, 1);
  op->pin_kind = kind;
  op->pin = g_strdup (pin);
  start_async (self, ASYNC_VERIFY, op, mado_mynumber_card_verify_pin_async, cancellable, callback,
               user_data);
}

gboolean
mado_mynumber_card_verify_pin_finish (MadoMynumberCard *self, GAsyncResult *result, GError **error)
{
  return finish_async (self, result, mado_mynumber_card_verify_pin_async, error) != NULL;
}

void
mado_mynumber_card_read_attributes_async (MadoMynumberCard *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  start_async (self, ASYNC_READ_ATTRIBUTES, g_new0 (OpData, 1),
               mado_mynumber_card_read_attributes_async, cancellable, callback, user_data);
}

MadoCardAttributes *
mado_mynumber_card_read_attributes_finish (MadoMynumberCard *self, GAsyncResult *result,
                                           GError **error)
{
  OpData *op = finish_async (self, result, mado_mynumber_card_read_attributes_async, error);
  return op != NULL ? g_steal_pointer (&op->attributes) : NULL;
}

void
mado_mynumber_card_read_certificate_async (MadoMynumberCard *self, MadoCertKind kind,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  OpData *op = g_new0 (OpData, 1);
  op->cert_kind = kind;
  start_async (self, ASYNC_READ_CERTIFICATE, op, mado_mynumber_card_read_certificate_async,
               cancellable, callback, user_data);
}

GBytes *
mado_mynumber_card_read_certificate_finish (MadoMynumberCard *self, GAsyncResult *result,
                                            GError **error)
{
  OpData *op = finish_async (self, result, mado_mynumber_card_read_certificate_async, error);
  return op != NULL ? g_steal_pointer (&op->bytes) : NULL;
}

void
mado_mynumber_card_sign_sha256_async (MadoMynumberCard *self, const guint8 *digest,
                                      gsize digest_len, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  OpData *op = g_new0 (OpData, 1);
  g_return_if_fail (digest != NULL && digest_len == 32);
  memcpy (op->digest, digest, 32);
  start_async (self, ASYNC_SIGN, op, mado_mynumber_card_sign_sha256_async, cancellable, callback,
               user_data);
}

GBytes *
mado_mynumber_card_sign_sha256_finish (MadoMynumberCard *self, GAsyncResult *result, GError **error)
{
  OpData *op = finish_async (self, result, mado_mynumber_card_sign_sha256_async, error);
  return op != NULL ? g_steal_pointer (&op->bytes) : NULL;
}
