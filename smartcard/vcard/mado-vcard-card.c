/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-card.c — the emulated My Number card: profile, files, PINs, APDU processing.
 *
 * Card behaviour follows ../shared/reference/mynumber-card.md (§1 applets and files, §2 PINs,
 * §3 data formats, §4.1 COMPUTE DIGITAL SIGNATURE, §6 ATR and status words, §8 checklist).
 * Deliberately independent of the driver's tables (mado-mynumber-profile.c): the emulator is the
 * driver's test oracle and must not share its mistakes.
 */
#include "mado-vcard-card.h"

#include <string.h>

#include <gio/gio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "mado-apdu.h"
#include "mado-vcard-ber.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free)

/* Status words (reference §6.2) */
#define SW_OK 0x9000u
#define SW_WRONG_LENGTH 0x6700u
#define SW_CHANNEL_NOT_SUPPORTED 0x6881u
#define SW_SM_NOT_SUPPORTED 0x6882u
#define SW_INCOMPATIBLE_FILE 0x6981u
#define SW_SECURITY_STATUS 0x6982u
#define SW_PIN_BLOCKED 0x6984u
#define SW_NO_CURRENT_EF 0x6986u
#define SW_FILE_NOT_FOUND 0x6A82u
#define SW_WRONG_P1P2 0x6A86u
#define SW_REF_NOT_FOUND 0x6A88u
#define SW_OFFSET_BEYOND 0x6B00u
#define SW_INS_NOT_SUPPORTED 0x6D00u
#define SW_CLA_NOT_SUPPORTED 0x6E00u
#define SW_UNKNOWN 0x6F00u
#define SW_TRIES_LEFT(n) ((guint16)(0x63C0u | ((n) > 15 ? 15u : (guint)(n))))

#define DEFAULT_ATR "3B E0 00 FF 81 31 FE 45 14"
#define DEFAULT_CERT_EF_SIZE 2048
#define DEFAULT_ATTRIBUTES_EF_SIZE 512
#define MAX_EF_SIZE 0x7FFF /* READ BINARY offsets are 15 bits */
#define MAX_PIN_LENGTH 16

typedef enum
{
  AP_NONE = -1,
  AP_JPKI = 0, /* 公的個人認証AP */
  AP_TEXT,     /* 券面事項入力補助AP */
  AP_COUNT,
} Applet;

static const guint8 aid_jpki[] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
static const guint8 aid_text[] = { 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08 };

static const struct
{
  const guint8 *aid;
  gsize aid_len;
} applets[AP_COUNT] = {
  [AP_JPKI] = { aid_jpki, sizeof aid_jpki },
  [AP_TEXT] = { aid_text, sizeof aid_text },
};

typedef enum
{
  PIN_AUTH, /* JPKI 0018 利用者証明用 暗証番号 */
  PIN_SIGN, /* JPKI 001B 署名用 パスワード */
  PIN_TEXT, /* text 0011 券面事項入力補助用 暗証番号 */
  PIN_COUNT,
} PinId;

#define ACCESS_FREE 0u
#define ACCESS_PIN(id) (1u << (id))

typedef struct
{
  const char *name;       /* state file group, profile key prefix */
  const char *secret_key; /* profile key of the secret */
  const char *default_secret;
  guint default_tries;
  Applet applet;
  guint16 fid;
} PinSpec;

static const PinSpec pin_specs[PIN_COUNT] = {
  [PIN_AUTH] = { "auth", "auth_pin", "1234", 3, AP_JPKI, 0x0018 },
  [PIN_SIGN] = { "sign", "sign_password", "ABC123", 5, AP_JPKI, 0x001B },
  [PIN_TEXT] = { "text", "text_pin", "1234", 3, AP_TEXT, 0x0011 },
};

typedef struct
{
  guint8 *secret; /* wiped on free */
  gsize secret_len;
  guint max_tries;
  guint tries_left;
  gboolean verified;
} Pin;

typedef enum
{
  EF_BINARY,
  EF_PIN,
  EF_PRIVATE_KEY,
} EfKind;

typedef struct
{
  Applet applet;
  guint16 fid;
  EfKind kind;
  GBytes *data;   /* EF_BINARY */
  PinId pin;      /* EF_PIN */
  EVP_PKEY *key;  /* EF_PRIVATE_KEY, borrowed from the card */
  guint32 access; /* ACCESS_FREE, or any one of these PINs verified */
} Ef;

typedef enum
{
  CERT_AUTH,
  CERT_AUTH_CA,
  CERT_SIGN,
  CERT_SIGN_CA,
  CERT_COUNT,
} CertId;

static const char *const cert_keys[CERT_COUNT] = {
  [CERT_AUTH] = "auth_cert",
  [CERT_AUTH_CA] = "auth_ca_cert",
  [CERT_SIGN] = "sign_cert",
  [CERT_SIGN_CA] = "sign_ca_cert",
};

struct _MadoVcard
{
  /* profile */
  GBytes *atr;
  gsize cert_ef_size;
  gsize attributes_ef_size;
  gboolean nonminimal_lengths;
  gboolean verified_query_ok;
  guint8 filler;
  char *token_label;
  char *token_serial;
  gboolean has_identity;
  char *name; /* personal data: wiped on free */
  char *address;
  char *birth_date;
  char *sex;
  char *individual_number;
  GBytes *certs[CERT_COUNT]; /* DER, NULL when absent */
  EVP_PKEY *auth_key;
  EVP_PKEY *sign_key;
  Pin pins[PIN_COUNT];

  /* options */
  gboolean extended_length;
  MadoVcardMalform malform;
  char *state_path;

  /* files */
  GPtrArray *efs; /* Ef* */

  /* volatile state */
  Applet current_applet;
  Ef *current_ef;
};

/* --- malform kinds ------------------------------------------------------------------------------
 */

static const char *const malform_names[] = {
  "text-truncated",
  "text-overlong",
  "number-garbage",
  "number-check-digit",
  "cert-garbage",
  "cert-truncated",
  "bad-sw",
  "short-read",
  "sign-wrong",
  "no-applets",
  NULL,
};

const char *const *
mado_vcard_malform_names (void)
{
  return malform_names;
}

gboolean
mado_vcard_malform_from_string (const char *kind, MadoVcardMalform *malform, GError **error)
{
  for (guint i = 0; malform_names[i] != NULL; i++)
    if (g_strcmp0 (kind, malform_names[i]) == 0)
      {
        *malform = (MadoVcardMalform)(1u << i);
        return TRUE;
      }
  g_autofree char *known = g_strjoinv (", ", (char **)malform_names);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown malform kind “%s” (known: %s)", kind != NULL ? kind : "", known);
  return FALSE;
}

/* --- helpers ------------------------------------------------------------------------------------
 */

static void
wipe_string (char **s)
{
  if (*s != NULL)
    {
      explicit_bzero (*s, strlen (*s));
      g_clear_pointer (s, g_free);
    }
}

static void
ef_free (gpointer p)
{
  Ef *ef = p;
  g_clear_pointer (&ef->data, g_bytes_unref);
  g_free (ef);
}

static Ef *
ef_add (MadoVcard *self, Applet applet, guint16 fid, EfKind kind, guint32 access)
{
  Ef *ef = g_new0 (Ef, 1);
  ef->applet = applet;
  ef->fid = fid;
  ef->kind = kind;
  ef->access = access;
  g_ptr_array_add (self->efs, ef);
  return ef;
}

static void
ef_add_binary (MadoVcard *self, Applet applet, guint16 fid, guint32 access, GByteArray *content)
{
  Ef *ef = ef_add (self, applet, fid, EF_BINARY, access);
  ef->data = g_byte_array_free_to_bytes (content);
}

static Ef *
ef_find (MadoVcard *self, Applet applet, guint16 fid)
{
  for (guint i = 0; i < self->efs->len; i++)
    {
      Ef *ef = g_ptr_array_index (self->efs, i);
      if (ef->applet == applet && ef->fid == fid)
        return ef;
    }
  return NULL;
}

static void
pad_to (GByteArray *a, gsize size, guint8 filler)
{
  while (a->len < size)
    g_byte_array_append (a, &filler, 1);
}

static gsize
round_up (gsize n, gsize to)
{
  return (n + to - 1) / to * to;
}

/* Deterministic "random-looking" bytes, so malformed cards are reproducible. */
static void
append_garbage (GByteArray *a, gsize n, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < n; i++)
    {
      guint8 b = (guint8)g_rand_int_range (rand, 0, 256);
      g_byte_array_append (a, &b, 1);
    }
}

static gboolean
parse_hex (const char *text, GByteArray *out)
{
  int hi = -1;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == ':')
        continue;
      int v = g_ascii_xdigit_value (*p);
      if (v < 0)
        return FALSE;
      if (hi < 0)
        hi = v;
      else
        {
          guint8 b = (guint8)(hi << 4 | v);
          g_byte_array_append (out, &b, 1);
          hi = -1;
        }
    }
  return hi < 0;
}

static gboolean
is_digits (const char *s, gsize n)
{
  if (s == NULL || strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* --- profile loading -----------------------------------------------------------------------------
 */

static char *
resolve_path (const char *base_dir, const char *path)
{
  if (g_path_is_absolute (path) || base_dir == NULL)
    return g_strdup (path);
  return g_build_filename (base_dir, path, NULL);
}

static GBytes *
load_cert (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  g_autoptr (X509) x509 = NULL;
  if (len >= 10 && memmem (contents, len, "-----BEGIN", 10) != NULL)
    {
      g_autoptr (BIO) bio = BIO_new_mem_buf (contents, (int)len);
      x509 = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
    }
  else
    {
      const unsigned char *p = (const unsigned char *)contents;
      x509 = d2i_X509 (NULL, &p, (long)len);
    }
  if (x509 == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a DER or PEM certificate",
                   path);
      return NULL;
    }

  unsigned char *der = NULL;
  int der_len = i2d_X509 (x509, &der);
  if (der_len <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: cannot encode certificate",
                   path);
      return NULL;
    }
  GBytes *bytes = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  return bytes;
}

static EVP_PKEY *
load_key (const char *path, GBytes *cert, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  g_autoptr (EVP_PKEY) key = NULL;
  {
    g_autoptr (BIO) bio = BIO_new_mem_buf (contents, (int)len);
    key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  }
  if (key == NULL)
    {
      const unsigned char *p = (const unsigned char *)contents;
      key = d2i_AutoPrivateKey (NULL, &p, (long)len);
    }
  explicit_bzero (contents, len);
  if (key == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a PEM or DER private key",
                   path);
      return NULL;
    }
  if (EVP_PKEY_get_base_id (key) != EVP_PKEY_RSA)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: only RSA keys are emulated (the 2016 card)", path);
      return NULL;
    }
  if (cert != NULL)
    {
      const unsigned char *p = g_bytes_get_data (cert, NULL);
      g_autoptr (X509) x509 = d2i_X509 (NULL, &p, (long)g_bytes_get_size (cert));
      if (x509 == NULL || EVP_PKEY_eq (X509_get0_pubkey (x509), key) != 1)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: the key does not match its certificate", path);
          return NULL;
        }
    }
  return g_steal_pointer (&key);
}

/* Reads an unsigned integer key; absent = @fallback. */
static gboolean
get_uint (GKeyFile *kf, const char *group, const char *key, guint64 fallback, guint64 max,
          guint64 *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *text = g_key_file_get_string (kf, group, key, &local);

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, max, &v, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "[%s] %s: “%s” is not a number in 0..%" G_GUINT64_FORMAT, group, key, text, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
get_bool (GKeyFile *kf, const char *group, const char *key, gboolean fallback, gboolean *out,
          GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL))
    {
      *out = fallback;
      return TRUE;
    }
  *out = g_key_file_get_boolean (kf, group, key, &local);
  if (local != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "[%s] %s: %s", group, key,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_card_group (MadoVcard *self, GKeyFile *kf, GError **error)
{
  g_autofree char *atr_text = g_key_file_get_string (kf, "card", "atr", NULL);
  g_autoptr (GByteArray) atr = g_byte_array_new ();
  guint64 v = 0;

  if (!parse_hex (atr_text != NULL ? atr_text : DEFAULT_ATR, atr) || atr->len < 2 || atr->len > 33)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "[card] atr: “%s” is not 2–33 hex bytes", atr_text);
      return FALSE;
    }
  self->atr = g_byte_array_free_to_bytes (g_steal_pointer (&atr));

  if (!get_uint (kf, "card", "cert_ef_size", DEFAULT_CERT_EF_SIZE, MAX_EF_SIZE, &v, error))
    return FALSE;
  self->cert_ef_size = (gsize)v;
  if (!get_uint (kf, "card", "attributes_ef_size", DEFAULT_ATTRIBUTES_EF_SIZE, MAX_EF_SIZE, &v,
                 error))
    return FALSE;
  self->attributes_ef_size = (gsize)v;
  if (!get_uint (kf, "card", "filler", 0xFF, 0xFF, &v, error))
    return FALSE;
  self->filler = (guint8)v;
  if (!get_bool (kf, "card", "nonminimal_lengths", FALSE, &self->nonminimal_lengths, error))
    return FALSE;
  if (!get_bool (kf, "card", "verified_query_ok", FALSE, &self->verified_query_ok, error))
    return FALSE;

  self->token_label = g_key_file_get_string (kf, "card", "token_label", NULL);
  if (self->token_label == NULL)
    self->token_label = g_strdup ("JPKIAPICCTOKEN2");
  self->token_serial = g_key_file_get_string (kf, "card", "token_serial", NULL);
  if (self->token_serial == NULL)
    self->token_serial = g_strdup ("0000000000000001");
  return TRUE;
}

static gboolean
load_identity_group (MadoVcard *self, GKeyFile *kf, GError **error)
{
  if (!g_key_file_has_group (kf, "identity"))
    return TRUE;

  char **fields[]
      = { &self->name, &self->address, &self->birth_date, &self->sex, &self->individual_number };
  const char *keys[] = { "name", "address", "birth_date", "sex", "individual_number" };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      *fields[i] = g_key_file_get_string (kf, "identity", keys[i], error);
      if (*fields[i] == NULL)
        return FALSE;
      if (!g_utf8_validate (*fields[i], -1, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "[identity] %s: not UTF-8",
                       keys[i]);
          return FALSE;
        }
    }
  if (!is_digits (self->birth_date, 8))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "[identity] birth_date: not YYYYMMDD");
      return FALSE;
    }
  if (strlen (self->sex) != 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "[identity] sex: one character (1, 2, 9)");
      return FALSE;
    }
  /* The check digit is not checked: a card with a wrong one is a useful test. */
  if (!is_digits (self->individual_number, 12))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "[identity] individual_number: not 12 digits");
      return FALSE;
    }
  self->has_identity = TRUE;
  return TRUE;
}

static gboolean
load_pins_group (MadoVcard *self, GKeyFile *kf, GError **error)
{
  for (guint i = 0; i < PIN_COUNT; i++)
    {
      const PinSpec *spec = &pin_specs[i];
      Pin *pin = &self->pins[i];
      g_autofree char *secret = g_key_file_get_string (kf, "pins", spec->secret_key, NULL);
      g_autofree char *tries_key = g_strdup_printf ("%s_tries", spec->name);
      g_autofree char *left_key = g_strdup_printf ("%s_tries_left", spec->name);
      guint64 v = 0;

      const char *s = secret != NULL ? secret : spec->default_secret;
      pin->secret_len = strlen (s);
      if (pin->secret_len == 0 || pin->secret_len > MAX_PIN_LENGTH)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "[pins] %s: 1 to %d characters",
                       spec->secret_key, MAX_PIN_LENGTH);
          if (secret != NULL)
            explicit_bzero (secret, strlen (secret));
          return FALSE;
        }
      pin->secret = g_memdup2 (s, pin->secret_len);
      if (secret != NULL)
        explicit_bzero (secret, strlen (secret));

      if (!get_uint (kf, "pins", tries_key, spec->default_tries, 15, &v, error))
        return FALSE;
      if (v == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "[pins] %s: 1 to 15", tries_key);
          return FALSE;
        }
      pin->max_tries = (guint)v;
      if (!get_uint (kf, "pins", left_key, pin->max_tries, pin->max_tries, &v, error))
        return FALSE;
      pin->tries_left = (guint)v;
    }
  return TRUE;
}

static gboolean
load_jpki_group (MadoVcard *self, GKeyFile *kf, const char *base_dir, GError **error)
{
  for (guint i = 0; i < CERT_COUNT; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, "jpki", cert_keys[i], NULL);
      if (value == NULL)
        continue;
      g_autofree char *path = resolve_path (base_dir, value);
      self->certs[i] = load_cert (path, error);
      if (self->certs[i] == NULL)
        return FALSE;
    }

  const struct
  {
    const char *key;
    CertId cert;
    EVP_PKEY **out;
  } keys[] = {
    { "auth_key", CERT_AUTH, &self->auth_key },
    { "sign_key", CERT_SIGN, &self->sign_key },
  };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, "jpki", keys[i].key, NULL);
      if (value == NULL)
        continue;
      g_autofree char *path = resolve_path (base_dir, value);
      *keys[i].out = load_key (path, self->certs[keys[i].cert], error);
      if (*keys[i].out == NULL)
        return FALSE;
    }
  return TRUE;
}

/* --- building the files -------------------------------------------------------------------------
 */

/* A certificate EF: the DER, padded with filler to a fixed size (the profile's, or the
 * certificate's size rounded up to 256 when it is larger). */
static void
build_cert_ef (MadoVcard *self, guint16 fid, CertId cert_id, guint32 access)
{
  GBytes *cert = self->certs[cert_id];
  if (cert == NULL)
    return;

  gsize der_len = g_bytes_get_size (cert);
  gsize size = MAX (self->cert_ef_size, round_up (der_len, 256));
  GByteArray *a = g_byte_array_sized_new ((guint)size);

  if (cert_id == CERT_AUTH && (self->malform & MADO_VCARD_MALFORM_CERT_GARBAGE))
    {
      append_garbage (a, size, 0x6d61646f);
      a->data[0] = 0x5A; /* never 30: the header does not even look like a SEQUENCE */
    }
  else if (cert_id == CERT_AUTH && (self->malform & MADO_VCARD_MALFORM_CERT_TRUNCATED))
    g_byte_array_append (a, g_bytes_get_data (cert, NULL),
                         (guint)(der_len > 128 ? der_len - 64 : der_len / 2));
  else
    {
      g_byte_array_append (a, g_bytes_get_data (cert, NULL), (guint)der_len);
      pad_to (a, size, self->filler);
    }
  ef_add_binary (self, AP_JPKI, fid, access, a);
}

/* CK_TOKEN_INFO, big-endian, 4-byte CK_ULONGs: 160 bytes (reference §1.3). */
static GByteArray *
build_token_info (MadoVcard *self)
{
  GByteArray *a = g_byte_array_sized_new (160);
  const struct
  {
    const char *text;
    gsize width;
  } texts[] = {
    { self->token_label, 32 },  /* label */
    { "mado-vcard", 32 },       /* manufacturerID */
    { "JPKI-TEST", 16 },        /* model */
    { self->token_serial, 16 }, /* serialNumber */
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gsize n = MIN (strlen (texts[i].text), texts[i].width);
      g_byte_array_append (a, (const guint8 *)texts[i].text, (guint)n);
      pad_to (a, a->len + texts[i].width - n, ' ');
    }
  const guint32 ulongs[] = {
    0x0000040Du, /* flags: RNG | LOGIN_REQUIRED | USER_PIN_INITIALIZED | TOKEN_INITIALIZED */
    0,           0,           0,           0,           /* session counts */
    16,          4,                                     /* max, min PIN length */
    0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, /* memory: unavailable */
  };
  for (guint i = 0; i < G_N_ELEMENTS (ulongs); i++)
    {
      guint8 be[4] = { (guint8)(ulongs[i] >> 24), (guint8)(ulongs[i] >> 16),
                       (guint8)(ulongs[i] >> 8), (guint8)ulongs[i] };
      g_byte_array_append (a, be, 4);
    }
  const guint8 versions[] = { 1, 0, 1, 0 }; /* hardware, firmware */
  g_byte_array_append (a, versions, sizeof versions);
  pad_to (a, 160, ' '); /* utcTime */
  return a;
}

/* 個人番号: FF 10 0C + 12 ASCII digits + FF FF (17 bytes; reference §1.4, §3.2). */
static GByteArray *
build_number_ef (MadoVcard *self)
{
  GByteArray *a = g_byte_array_sized_new (17);

  if (self->malform & MADO_VCARD_MALFORM_NUMBER_GARBAGE)
    {
      append_garbage (a, 17, 0x6e756d62);
      a->data[0] = 0x3C; /* not FF 10 */
      return a;
    }
  const guint8 header[] = { 0xFF, 0x10, 0x0C };
  g_byte_array_append (a, header, sizeof header);
  g_byte_array_append (a, (const guint8 *)self->individual_number, 12);
  if (self->malform & MADO_VCARD_MALFORM_NUMBER_CHECK_DIGIT)
    a->data[a->len - 1] = (guint8)('0' + (a->data[a->len - 1] - '0' + 1) % 10);
  pad_to (a, 17, 0xFF);
  return a;
}

/* 基本4情報: FF 20 L { DF21 08 offsets, DF22 name, DF23 address, DF24 08 birth, DF25 01 sex },
 * padded to a fixed size. The offsets count from the start of the file to each tag (§3.1). */
static GByteArray *
build_attributes_ef (MadoVcard *self)
{
  gsize name_len = strlen (self->name);
  gsize address_len = strlen (self->address);
  gsize offsets_tlv = 3 + 8;
  gsize name_tlv = 2 + mado_vcard_ber_length_size (name_len) + name_len;
  gsize address_tlv = 2 + mado_vcard_ber_length_size (address_len) + address_len;
  gsize birth_tlv = 3 + 8;
  gsize sex_tlv = 3 + 1;
  gsize content_len = offsets_tlv + name_tlv + address_tlv + birth_tlv + sex_tlv;
  gboolean truncated = (self->malform & MADO_VCARD_MALFORM_TEXT_TRUNCATED) != 0;
  gboolean force_82 = self->nonminimal_lengths || truncated;
  gsize header_len = 2 + (force_82 ? 3 : mado_vcard_ber_length_size (content_len));
  gsize record_len = header_len + content_len;
  gsize size = MAX (self->attributes_ef_size, round_up (record_len, 256));
  /* text-truncated: the outer length claims 32 bytes more than the file holds */
  gsize claimed = truncated ? size - header_len + 32 : content_len;

  GByteArray *a = g_byte_array_sized_new ((guint)size);
  mado_vcard_ber_put_tag (a, 0xFF20);
  mado_vcard_ber_put_length (a, claimed, force_82);
  g_assert (a->len == header_len);

  gsize pos = header_len + offsets_tlv;
  guint16 offsets[4];
  offsets[0] = (guint16)pos;
  pos += name_tlv;
  offsets[1] = (guint16)pos;
  pos += address_tlv;
  offsets[2] = (guint16)pos;
  pos += birth_tlv;
  offsets[3] = (guint16)pos;
  guint8 offset_bytes[8];
  for (guint i = 0; i < 4; i++)
    {
      offset_bytes[2 * i] = (guint8)(offsets[i] >> 8);
      offset_bytes[2 * i + 1] = (guint8)offsets[i];
    }
  mado_vcard_ber_put_tlv (a, 0xDF21, offset_bytes, sizeof offset_bytes);
  mado_vcard_ber_put_tlv (a, 0xDF22, (const guint8 *)self->name, name_len);
  mado_vcard_ber_put_tlv (a, 0xDF23, (const guint8 *)self->address, address_len);
  mado_vcard_ber_put_tlv (a, 0xDF24, (const guint8 *)self->birth_date, 8);
  if (self->malform & MADO_VCARD_MALFORM_TEXT_OVERLONG)
    {
      /* DF25 claims 9 bytes; its parent ends after 1 (the file goes on with filler) */
      const guint8 sex_header[] = { 0xDF, 0x25, 0x09 };
      g_byte_array_append (a, sex_header, sizeof sex_header);
      g_byte_array_append (a, (const guint8 *)self->sex, 1);
    }
  else
    mado_vcard_ber_put_tlv (a, 0xDF25, (const guint8 *)self->sex, 1);
  g_assert (a->len == record_len);
  pad_to (a, size, self->filler);
  return a;
}

static void
build_files (MadoVcard *self)
{
  if (self->efs != NULL)
    g_ptr_array_unref (self->efs);
  self->efs = g_ptr_array_new_with_free_func (ef_free);
  self->current_ef = NULL;

  /* 公的個人認証AP */
  build_cert_ef (self, 0x000A, CERT_AUTH, ACCESS_FREE);
  build_cert_ef (self, 0x000B, CERT_AUTH_CA, ACCESS_FREE);
  build_cert_ef (self, 0x0001, CERT_SIGN, ACCESS_PIN (PIN_SIGN));
  build_cert_ef (self, 0x0002, CERT_SIGN_CA, ACCESS_FREE);
  ef_add_binary (self, AP_JPKI, 0x0006, ACCESS_FREE, build_token_info (self));
  {
    GByteArray *a = g_byte_array_new ();
    const guint8 presence[] = { self->certs[CERT_SIGN] != NULL ? 0x8F : 0x00,
                                self->certs[CERT_AUTH] != NULL ? 0x8F : 0x00, 0x00 };
    g_byte_array_append (a, presence, sizeof presence);
    ef_add_binary (self, AP_JPKI, 0x0008, ACCESS_FREE, a);
  }
  if (self->auth_key != NULL)
    ef_add (self, AP_JPKI, 0x0017, EF_PRIVATE_KEY, ACCESS_PIN (PIN_AUTH))->key = self->auth_key;
  if (self->sign_key != NULL)
    ef_add (self, AP_JPKI, 0x001A, EF_PRIVATE_KEY, ACCESS_PIN (PIN_SIGN))->key = self->sign_key;

  /* 券面事項入力補助AP */
  if (self->has_identity)
    {
      ef_add_binary (self, AP_TEXT, 0x0001, ACCESS_PIN (PIN_TEXT), build_number_ef (self));
      ef_add_binary (self, AP_TEXT, 0x0002, ACCESS_PIN (PIN_TEXT), build_attributes_ef (self));
    }

  /* key references */
  for (guint i = 0; i < PIN_COUNT; i++)
    ef_add (self, pin_specs[i].applet, pin_specs[i].fid, EF_PIN, ACCESS_FREE)->pin = (PinId)i;
}

/* --- construction -------------------------------------------------------------------------------
 */

MadoVcard *
mado_vcard_new_from_key_file (GKeyFile *key_file, const char *base_dir, GError **error)
{
  g_autoptr (MadoVcard) self = g_new0 (MadoVcard, 1);

  self->extended_length = TRUE;
  self->current_applet = AP_NONE;
  if (!load_card_group (self, key_file, error) || !load_identity_group (self, key_file, error)
      || !load_pins_group (self, key_file, error)
      || !load_jpki_group (self, key_file, base_dir, error))
    return NULL;
  build_files (self);
  return g_steal_pointer (&self);
}

MadoVcard *
mado_vcard_new_from_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return NULL;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  MadoVcard *self = mado_vcard_new_from_key_file (kf, dir, &local);
  if (self == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
  return self;
}

void
mado_vcard_free (MadoVcard *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->efs, g_ptr_array_unref);
  g_clear_pointer (&self->atr, g_bytes_unref);
  g_free (self->token_label);
  g_free (self->token_serial);
  wipe_string (&self->name);
  wipe_string (&self->address);
  wipe_string (&self->birth_date);
  wipe_string (&self->sex);
  wipe_string (&self->individual_number);
  for (guint i = 0; i < CERT_COUNT; i++)
    g_clear_pointer (&self->certs[i], g_bytes_unref);
  g_clear_pointer (&self->auth_key, EVP_PKEY_free);
  g_clear_pointer (&self->sign_key, EVP_PKEY_free);
  for (guint i = 0; i < PIN_COUNT; i++)
    if (self->pins[i].secret != NULL)
      {
        explicit_bzero (self->pins[i].secret, self->pins[i].secret_len);
        g_free (self->pins[i].secret);
      }
  g_free (self->state_path);
  g_free (self);
}

/* --- state file ---------------------------------------------------------------------------------
 */

static void
save_state (MadoVcard *self)
{
  if (self->state_path == NULL)
    return;

  g_autoptr (GKeyFile) kf = g_key_file_new ();
  for (guint i = 0; i < PIN_COUNT; i++)
    {
      g_key_file_set_integer (kf, pin_specs[i].name, "tries_left", (int)self->pins[i].tries_left);
      g_key_file_set_boolean (kf, pin_specs[i].name, "blocked", self->pins[i].tries_left == 0);
    }
  g_autofree char *data = g_key_file_to_data (kf, NULL, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (self->state_path, data, -1, &error))
    g_warning ("mado-vcard: cannot write the state file: %s", error->message);
}

gboolean
mado_vcard_set_state_file (MadoVcard *self, const char *path, GError **error)
{
  g_clear_pointer (&self->state_path, g_free);
  if (path == NULL)
    return TRUE;

  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      for (guint i = 0; i < PIN_COUNT; i++)
        {
          guint64 v = 0;
          if (!get_uint (kf, pin_specs[i].name, "tries_left", self->pins[i].tries_left,
                         self->pins[i].max_tries, &v, error))
            {
              g_prefix_error (error, "%s: ", path);
              return FALSE;
            }
          self->pins[i].tries_left = (guint)v;
        }
    }
  else if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  self->state_path = g_strdup (path);
  save_state (self);
  return TRUE;
}

/* --- options ------------------------------------------------------------------------------------
 */

void
mado_vcard_set_extended_length (MadoVcard *self, gboolean supported)
{
  self->extended_length = supported;
}

void
mado_vcard_set_malform (MadoVcard *self, MadoVcardMalform malform)
{
  self->malform = malform;
  build_files (self);
}

GBytes *
mado_vcard_get_atr (MadoVcard *self)
{
  return self->atr;
}

void
mado_vcard_reset (MadoVcard *self)
{
  self->current_applet = AP_NONE;
  self->current_ef = NULL;
  for (guint i = 0; i < PIN_COUNT; i++)
    self->pins[i].verified = FALSE;
}

/* --- commands -----------------------------------------------------------------------------------
 */

static gboolean
access_granted (MadoVcard *self, guint32 access)
{
  if (access == ACCESS_FREE)
    return TRUE;
  for (guint i = 0; i < PIN_COUNT; i++)
    if ((access & ACCESS_PIN (i)) && self->pins[i].verified)
      return TRUE;
  return FALSE;
}

/* An EF of the current applet addressed by SFI (P1/P2 = 80|SFI); NULL when there is none. */
static Ef *
ef_by_sfi (MadoVcard *self, guint8 sfi)
{
  if (self->current_applet == AP_NONE || sfi == 0 || sfi > 30)
    return NULL;
  return ef_find (self, self->current_applet, sfi);
}

static guint16
cmd_select (MadoVcard *self, const MadoApdu *apdu, GByteArray *response)
{
  switch (apdu->p1)
    {
    case 0x00: /* MF: refused after a reset, a no-op with an applet current (§1.2) */
      return self->current_applet == AP_NONE ? SW_WRONG_P1P2 : SW_OK;

    case 0x04: /* DF name */
      if (apdu->p2 != 0x0C && apdu->p2 != 0x00)
        return SW_WRONG_P1P2;
      if (self->malform & MADO_VCARD_MALFORM_NO_APPLETS)
        return SW_FILE_NOT_FOUND;
      for (guint i = 0; i < AP_COUNT; i++)
        if (apdu->data_len == applets[i].aid_len
            && memcmp (apdu->data, applets[i].aid, applets[i].aid_len) == 0)
          {
            /* selecting an applet clears every verified state (OpenSC's logout) */
            mado_vcard_reset (self);
            self->current_applet = (Applet)i;
            if (apdu->p2 == 0x00)
              {
                /* a small FCI: 6F { 84 <DF name> } */
                mado_vcard_ber_put_tag (response, 0x6F);
                mado_vcard_ber_put_length (response, 2 + apdu->data_len, FALSE);
                mado_vcard_ber_put_tlv (response, 0x84, apdu->data, apdu->data_len);
              }
            return SW_OK;
          }
      return SW_FILE_NOT_FOUND;

    case 0x02: /* EF under the current DF, by file ID */
      if (apdu->p2 != 0x0C && apdu->p2 != 0x00 && apdu->p2 != 0x04)
        return SW_WRONG_P1P2;
      if (apdu->data_len != 2)
        return SW_WRONG_LENGTH;
      {
        if (self->current_applet == AP_NONE)
          return SW_FILE_NOT_FOUND;
        Ef *ef
            = ef_find (self, self->current_applet, (guint16)(apdu->data[0] << 8 | apdu->data[1]));
        if (ef == NULL)
          return SW_FILE_NOT_FOUND;
        self->current_ef = ef;
        return SW_OK;
      }

    default:
      return SW_WRONG_P1P2;
    }
}

static guint16
cmd_read_binary (MadoVcard *self, const MadoApdu *apdu, GByteArray *response)
{
  Ef *ef;
  gsize offset;

  if (apdu->p1 & 0x80)
    {
      if (apdu->p1 & 0x60)
        return SW_WRONG_P1P2;
      ef = ef_by_sfi (self, apdu->p1 & 0x1F);
      if (ef == NULL)
        return SW_FILE_NOT_FOUND;
      self->current_ef = ef;
      offset = apdu->p2;
    }
  else
    {
      ef = self->current_ef;
      if (ef == NULL)
        return SW_NO_CURRENT_EF;
      offset = (gsize)apdu->p1 << 8 | apdu->p2;
    }

  if (ef->kind != EF_BINARY)
    return SW_INCOMPATIBLE_FILE;
  if (!access_granted (self, ef->access))
    return SW_SECURITY_STATUS;
  if (apdu->data_len != 0 || apdu->le == 0)
    return SW_WRONG_LENGTH;
  if (self->malform & MADO_VCARD_MALFORM_BAD_SW)
    return SW_UNKNOWN;

  gsize size = g_bytes_get_size (ef->data);
  if (offset >= size)
    return SW_OFFSET_BEYOND;
  gsize n = MIN ((gsize)apdu->le, size - offset);
  if ((self->malform & MADO_VCARD_MALFORM_SHORT_READ) && n > 1)
    n--;
  const guint8 *data = g_bytes_get_data (ef->data, NULL);
  g_byte_array_append (response, data + offset, (guint)n);
  return SW_OK;
}

/* VERIFY and COMPUTE DIGITAL SIGNATURE name their key the same way: P1 00, and P2 80 for the
 * current EF (selected by FID) or 80|SFI. @not_found: the status word for an unknown SFI. */
static guint16
key_reference (MadoVcard *self, const MadoApdu *apdu, guint16 not_found, Ef **ef)
{
  if (apdu->p1 != 0x00)
    return SW_WRONG_P1P2;
  if (apdu->p2 == 0x80)
    {
      *ef = self->current_ef;
      return *ef != NULL ? SW_OK : SW_NO_CURRENT_EF;
    }
  if ((apdu->p2 & 0xE0) == 0x80)
    {
      *ef = ef_by_sfi (self, apdu->p2 & 0x1F);
      return *ef != NULL ? SW_OK : not_found;
    }
  return SW_WRONG_P1P2;
}

static guint16
cmd_verify (MadoVcard *self, const MadoApdu *apdu)
{
  Ef *ef = NULL;
  guint16 sw = key_reference (self, apdu, SW_REF_NOT_FOUND, &ef);
  if (sw != SW_OK)
    return sw;
  if (ef->kind != EF_PIN)
    return SW_REF_NOT_FOUND;

  Pin *pin = &self->pins[ef->pin];

  /* empty VERIFY: the tries left, none spent (JICSAP 6.4.9(5)) */
  if (apdu->data_len == 0)
    {
      if (pin->tries_left > 0 && pin->verified && self->verified_query_ok)
        return SW_OK;
      return SW_TRIES_LEFT (pin->tries_left);
    }
  if (pin->tries_left == 0)
    return SW_PIN_BLOCKED;
  if (apdu->data_len > MAX_PIN_LENGTH)
    return SW_WRONG_LENGTH;

  /* bytes compared exactly: the card does not upper-case, the driver does */
  gboolean match = apdu->data_len == pin->secret_len
                   && CRYPTO_memcmp (apdu->data, pin->secret, pin->secret_len) == 0;
  guint before = pin->tries_left;
  if (match)
    {
      pin->tries_left = pin->max_tries;
      pin->verified = TRUE;
    }
  else
    {
      pin->tries_left--;
      pin->verified = FALSE;
    }
  if (pin->tries_left != before)
    save_state (self);
  return match ? SW_OK : SW_TRIES_LEFT (pin->tries_left);
}

static guint16
cmd_compute_signature (MadoVcard *self, const MadoApdu *apdu, GByteArray *response)
{
  Ef *ef = NULL;
  guint16 sw = key_reference (self, apdu, SW_FILE_NOT_FOUND, &ef);
  if (sw != SW_OK)
    return sw;
  if (ef->kind != EF_PRIVATE_KEY)
    return SW_INCOMPATIBLE_FILE;
  if (!access_granted (self, ef->access))
    return SW_SECURITY_STATUS;

  gsize sig_len = (gsize)EVP_PKEY_get_size (ef->key);
  /* PKCS#1 v1.5 type 1 needs 11 bytes of room */
  if (apdu->data_len == 0 || apdu->data_len + 11 > sig_len)
    return SW_WRONG_LENGTH;

  g_autoptr (EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new (ef->key, NULL);
  guint old_len = response->len;
  g_byte_array_set_size (response, (guint)(old_len + sig_len));
  if (ctx == NULL || EVP_PKEY_sign_init (ctx) <= 0
      || EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) <= 0
      || EVP_PKEY_sign (ctx, response->data + old_len, &sig_len, apdu->data, apdu->data_len) <= 0)
    {
      g_byte_array_set_size (response, old_len);
      return SW_UNKNOWN;
    }
  g_byte_array_set_size (response, (guint)(old_len + sig_len));
  if (self->malform & MADO_VCARD_MALFORM_SIGN_WRONG)
    response->data[response->len - 1] ^= 0x01;
  return SW_OK;
}

guint16
mado_vcard_process (MadoVcard *self, const guint8 *command, gsize command_len, GByteArray *response)
{
  MadoApdu apdu;
  gboolean extended = FALSE;
  guint16 sw;
  guint data_start = response->len;

  if (!mado_apdu_decode (command, command_len, &apdu, &extended))
    sw = SW_WRONG_LENGTH;
  else if (extended && !self->extended_length)
    sw = SW_WRONG_LENGTH;
  else if (apdu.cla & 0x03)
    sw = SW_CHANNEL_NOT_SUPPORTED;
  else if (apdu.cla & 0x0C)
    sw = SW_SM_NOT_SUPPORTED;
  else
    {
      switch (apdu.ins)
        {
        case 0xA4:
          sw = apdu.cla == 0x00 ? cmd_select (self, &apdu, response) : SW_CLA_NOT_SUPPORTED;
          break;
        case 0xB0:
          sw = apdu.cla == 0x00 ? cmd_read_binary (self, &apdu, response) : SW_CLA_NOT_SUPPORTED;
          break;
        case 0x20:
          sw = apdu.cla == 0x00 ? cmd_verify (self, &apdu) : SW_CLA_NOT_SUPPORTED;
          break;
        case 0x2A:
          sw = apdu.cla == 0x80 ? cmd_compute_signature (self, &apdu, response)
                                : SW_CLA_NOT_SUPPORTED;
          break;
        default:
          sw = (apdu.cla == 0x00 || apdu.cla == 0x80) ? SW_INS_NOT_SUPPORTED : SW_CLA_NOT_SUPPORTED;
          break;
        }
    }

  if (sw != SW_OK && (sw & 0xFF00) != 0x6100)
    g_byte_array_set_size (response, data_start); /* no data with an error */
  const guint8 sw_bytes[] = { (guint8)(sw >> 8), (guint8)sw };
  g_byte_array_append (response, sw_bytes, 2);
  return sw;
}
