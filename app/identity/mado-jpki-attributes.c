/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-jpki-attributes.h"

#include <gio/gio.h>

#include "mado-openssl-private.h"

#define OID_ARC "1.2.392.200149.8.5.5."

static void
secure_free (char *s)
{
  if (s == NULL)
    return;
  explicit_bzero (s, strlen (s));
  g_free (s);
}

void
mado_jpki_attributes_free (MadoJpkiAttributes *a)
{
  if (a == NULL)
    return;
  secure_free (a->name);
  secure_free (a->name_flags);
  secure_free (a->sex);
  secure_free (a->birth);
  secure_free (a->birth_date);
  secure_free (a->address);
  secure_free (a->address_flags);
  g_free (a);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "The signature certificate's attributes: %s", what);
  return FALSE;
}

MadoJpkiAttributes *
mado_jpki_attributes_from_certificate (GBytes *der, GError **error)
{
  gsize len;
  const unsigned char *p = g_bytes_get_data (der, &len);
  g_autoptr (X509) cert = d2i_X509 (NULL, &p, (long)len);
  if (cert == NULL)
    {
      invalid (error, "not a DER certificate");
      return NULL;
    }
  g_autoptr (GENERAL_NAMES) names = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  if (names == NULL)
    {
      invalid (error, "no subjectAltName");
      return NULL;
    }

  g_autoptr (MadoJpkiAttributes) a = g_new0 (MadoJpkiAttributes, 1);
  for (int i = 0; i < sk_GENERAL_NAME_num (names); i++)
    {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value (names, i);
      ASN1_OBJECT *oid = NULL;
      ASN1_TYPE *value = NULL;
      if (GENERAL_NAME_get0_otherName (gn, &oid, &value) != 1 || value == NULL)
        continue;
      char oid_text[64];
      if (OBJ_obj2txt (oid_text, sizeof oid_text, oid, 1) <= 0
          || !g_str_has_prefix (oid_text, OID_ARC))
        continue;
      if (value->type != V_ASN1_UTF8STRING)
        {
          invalid (error, "an attribute is not a UTF8String");
          return NULL;
        }
      const ASN1_STRING *s = value->value.utf8string;
      int n = ASN1_STRING_length (s);
      const char *data = (const char *)ASN1_STRING_get0_data (s);
      if (n < 0 || !g_utf8_validate (data, n, NULL) || memchr (data, '\0', (size_t)n) != NULL)
        {
          invalid (error, "an attribute is not valid UTF-8");
          return NULL;
        }
      char **slot = NULL;
      const char *which = oid_text + strlen (OID_ARC);
      if (g_str_equal (which, "1"))
        slot = &a->name;
      else if (g_str_equal (which, "2"))
        slot = &a->name_flags;
      else if (g_str_equal (which, "3"))
        slot = &a->sex;
      else if (g_str_equal (which, "4"))
        slot = &a->birth;
      else if (g_str_equal (which, "5"))
        slot = &a->address;
      else if (g_str_equal (which, "6"))
        slot = &a->address_flags;
      if (slot == NULL)
        continue;
      if (*slot != NULL)
        {
          invalid (error, "an attribute appears twice");
          return NULL;
        }
      *slot = g_strndup (data, (gsize)n);
    }

  if (a->name == NULL || a->sex == NULL || a->birth == NULL || a->address == NULL)
    {
      invalid (error, "name, sex, birth date or address missing");
      return NULL;
    }
  if (strlen (a->birth) != 9)
    {
      invalid (error, "the birth date is not EYYYYMMDD");
      return NULL;
    }
  for (int i = 0; i < 9; i++)
    if (!g_ascii_isdigit (a->birth[i]))
      {
        invalid (error, "the birth date is not EYYYYMMDD");
        return NULL;
      }
  a->era = a->birth[0] - '0';
  a->birth_date = g_strdup_printf ("%.4s-%.2s-%.2s", a->birth + 1, a->birth + 5, a->birth + 7);
  return g_steal_pointer (&a);
}

static void
mismatch_free (gpointer data)
{
  MadoAttributeMismatch *m = data;
  secure_free (m->certificate);
  secure_free (m->card);
  g_free (m);
}

static void
add_mismatch (GPtrArray *out, const char *field, const char *certificate, const char *card)
{
  MadoAttributeMismatch *m = g_new0 (MadoAttributeMismatch, 1);
  m->field = field;
  m->certificate = g_strdup (certificate != NULL ? certificate : "");
  m->card = g_strdup (card != NULL ? card : "");
  g_ptr_array_add (out, m);
}

/* Character by character after NFKC; flagged substitute characters match anything. */
static gboolean
text_equal (const char *certificate, const char *flags, const char *card)
{
  if (certificate == NULL || card == NULL)
    return FALSE;
  glong n_cert = g_utf8_strlen (certificate, -1);
  glong n_card = g_utf8_strlen (card, -1);
  if (n_cert != n_card)
    {
      g_autofree char *a = g_utf8_normalize (certificate, -1, G_NORMALIZE_ALL_COMPOSE);
      g_autofree char *b = g_utf8_normalize (card, -1, G_NORMALIZE_ALL_COMPOSE);
      return a != NULL && b != NULL && g_str_equal (a, b);
    }
  const char *p = certificate, *q = card;
  for (glong i = 0; i < n_cert; i++)
    {
      const char *p_next = g_utf8_next_char (p), *q_next = g_utf8_next_char (q);
      gboolean substitute = flags != NULL && (glong)strlen (flags) > i && flags[i] == '1';
      if (!substitute)
        {
          g_autofree char *a = g_utf8_normalize (p, p_next - p, G_NORMALIZE_ALL_COMPOSE);
          g_autofree char *b = g_utf8_normalize (q, q_next - q, G_NORMALIZE_ALL_COMPOSE);
          if (a == NULL || b == NULL || !g_str_equal (a, b))
            return FALSE;
        }
      p = p_next;
      q = q_next;
    }
  return TRUE;
}

static gboolean
sex_equal (const char *certificate, const char *card)
{
  if (g_strcmp0 (certificate, card) == 0)
    return TRUE;
  /* The certificate says 3 for unknown; the card 9 (not applicable) or 0 (unknown). */
  return g_strcmp0 (certificate, "3") == 0
         && (g_strcmp0 (card, "9") == 0 || g_strcmp0 (card, "0") == 0);
}

GPtrArray *
mado_jpki_attributes_compare (const MadoJpkiAttributes *certificate, const char *name,
                              const char *address, const char *birth_date, const char *sex)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (mismatch_free);
  if (!text_equal (certificate->name, certificate->name_flags, name))
    add_mismatch (out, "name", certificate->name, name);
  if (!text_equal (certificate->address, certificate->address_flags, address))
    add_mismatch (out, "address", certificate->address, address);
  if (g_strcmp0 (certificate->birth_date, birth_date) != 0)
    add_mismatch (out, "birth_date", certificate->birth_date, birth_date);
  if (!sex_equal (certificate->sex, sex))
    add_mismatch (out, "sex", certificate->sex, sex);
  return out;
}
