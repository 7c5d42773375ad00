/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-crl-index.c — streaming CRL parser and the on-disk revocation index.
 *
 * Index file format, version 1 (all integers little-endian unless said otherwise):
 *
 *   offset size  field
 *        0    8  magic "MADOCRLX"
 *        8    4  format version = 1
 *       12    4  header size = 160 (entries start here)
 *       16   32  SHA-256 of the issuer key's SubjectPublicKeyInfo DER (the key that verified)
 *       48   32  SHA-256 of the issuer Name DER
 *       80    8  thisUpdate, signed Unix seconds
 *       88    8  nextUpdate, signed Unix seconds
 *       96    4  flags: bit 0 = the list has a cRLNumber; other bits zero
 *      100    1  cRLNumber length L (0..32), its big-endian magnitude at 104, zero-filled
 *      101    3  zero
 *      104   32  cRLNumber magnitude (L bytes), then zeros
 *      136    8  entry count N
 *      144    4  entry width E = W + 9
 *      148    4  serial width W (1..32): the longest serial magnitude in the list
 *      152    8  zero
 *      160  N*E  entries, sorted by serial, strictly ascending (no duplicates):
 *                  W  serial, big-endian magnitude left-padded with zeros to W
 *                  8  revocationDate, signed Unix seconds
 *                  1  CRLReason code (0..10), or 0xFF when the entry has none
 *  160+N*E   32  SHA-256 over every byte before it
 *
 * The file size must be exactly 160 + N*E + 32. Entries are byte-aligned (E is odd for most W);
 * fields are read with memcpy.
 *
 * The CRL parser is a small pull reader over a 64 KiB window of the (decoded) DER stream: big
 * containers (the CRL, tbsCertList, revokedCertificates) are entered by their header only; every
 * other element (at most 64 KiB) is made contiguous in the window and parsed in place. The bytes
 * of tbsCertList are hashed as the window moves past them. The signature is checked at the end:
 * EVP_DigestVerify would need the key before the first byte, but the authorityKeyIdentifier that
 * narrows the candidates comes after the last entry, so the digest is computed once and verified
 * with EVP_PKEY_verify against each candidate key.
 */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-crl-index.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "mado-identity-error.h"
#include "mado-openssl-private.h"

#define WINDOW_SIZE (64 * 1024)
#define MAX_ELEMENT WINDOW_SIZE
#define MAX_ENTRIES (G_GUINT64_CONSTANT (1) << 27) /* 134 million: far beyond any J-LIS list */
#define MAX_CRL_NUMBER 32
#define NO_REASON 0xFF

#define INDEX_MAGIC "MADOCRLX"
#define INDEX_VERSION 1
#define HEADER_SIZE 160
#define DIGEST_SIZE 32
#define FLAG_CRL_NUMBER 1u

#define PEM_BEGIN "-----BEGIN X509 CRL-----"
#define PEM_END "-----END X509 CRL-----"

/* ---------------------------------------------------------------------------------------------
 * Input: raw DER, or the base64 body of one PEM block, decoded as it is read.
 */

typedef struct
{
  int fd;
  const char *path;
  gboolean pem;
  guint64 file_size;

  /* PEM: raw bytes and the decoded bytes not yet handed out */
  guint8 *raw;
  gsize raw_pos, raw_end;
  gboolean raw_eof;
  gboolean pem_done; /* END line seen */
  gboolean pem_padded;
  guint64 b64_count; /* base64 characters, '=' included */
  gint b64_state;
  guint b64_save;
  guint8 *dec;
  gsize dec_pos, dec_end;

  /* the DER window: buf[0] is at offset base of the DER stream */
  guint8 *buf;
  gsize pos, end;
  guint64 base;
  gboolean eof;

  /* hashing of tbsCertList */
  gboolean tap;
  gsize tap_from;
  EVP_MD_CTX *md;      /* NULL until the algorithm is known */
  GByteArray *pending; /* tapped bytes before that */
} Reader;

static guint64
rd_offset (const Reader *r)
{
  return r->base + r->pos;
}

G_GNUC_PRINTF (3, 4)
static gboolean
rd_fail (Reader *r, GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL,
               "CRL %s: %s (at byte %" G_GUINT64_FORMAT " of the DER)", r->path, message,
               rd_offset (r));
  return FALSE;
}

static gboolean
io_fail (Reader *r, GError **error, int saved_errno)
{
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL, "CRL %s: cannot read: %s",
               r->path, g_strerror (saved_errno));
  return FALSE;
}

/* read(2) with EINTR retried; 0 at end of file, -1 with errno */
static gssize
read_some (int fd, guint8 *dst, gsize len)
{
  for (;;)
    {
      gssize n = read (fd, dst, len);
      if (n >= 0 || errno != EINTR)
        return n;
    }
}

static gboolean
raw_fill (Reader *r, GError **error)
{
  /* compact, then read more behind what is left */
  if (r->raw_pos > 0)
    {
      memmove (r->raw, r->raw + r->raw_pos, r->raw_end - r->raw_pos);
      r->raw_end -= r->raw_pos;
      r->raw_pos = 0;
    }
  if (r->raw_end == WINDOW_SIZE || r->raw_eof)
    return TRUE;
  gssize n = read_some (r->fd, r->raw + r->raw_end, WINDOW_SIZE - r->raw_end);
  if (n < 0)
    return io_fail (r, error, errno);
  if (n == 0)
    r->raw_eof = TRUE;
  r->raw_end += (gsize)n;
  return TRUE;
}

static gboolean
pem_fail (Reader *r, GError **error, const char *message)
{
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL, "CRL %s: PEM: %s", r->path,
               message);
  return FALSE;
}

static gboolean
pem_find_begin (Reader *r, GError **error)
{
  const gsize mlen = strlen (PEM_BEGIN);
  for (;;)
    {
      const guint8 *hit = memmem (r->raw + r->raw_pos, r->raw_end - r->raw_pos, PEM_BEGIN, mlen);
      if (hit != NULL)
        {
          r->raw_pos = (gsize)(hit - r->raw) + mlen;
          return TRUE;
        }
      if (r->raw_eof)
        return pem_fail (r, error, "neither DER nor a “" PEM_BEGIN "” block");
      if (r->raw_end - r->raw_pos >= mlen)
        r->raw_pos = r->raw_end - (mlen - 1);
      if (!raw_fill (r, error))
        return FALSE;
    }
}

static gboolean
is_b64 (guint8 c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

static gboolean
is_pem_space (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decodes more of the PEM body into r->dec; sets pem_done at the END line. */
static gboolean
pem_decode_more (Reader *r, GError **error)
{
  r->dec_pos = r->dec_end = 0;
  while (r->dec_end == 0 && !r->pem_done)
    {
      if (r->raw_pos == r->raw_end)
        {
          if (!raw_fill (r, error))
            return FALSE;
          if (r->raw_pos == r->raw_end)
            return pem_fail (r, error, "no “" PEM_END "” line");
        }
      const guint8 *p = r->raw + r->raw_pos;
      gsize n = MIN (r->raw_end - r->raw_pos, (gsize)32768);
      gsize i = 0;
      for (; i < n; i++)
        {
          guint8 c = p[i];
          if (is_b64 (c))
            {
              if (r->pem_padded)
                return pem_fail (r, error, "base64 data after its padding");
              r->b64_count++;
            }
          else if (c == '=')
            {
              r->pem_padded = TRUE;
              r->b64_count++;
            }
          else if (c == '-')
            break;
          else if (!is_pem_space (c))
            return pem_fail (r, error, "a character that is not base64 in the body");
        }
      if (i > 0)
        {
          r->dec_end
              = g_base64_decode_step ((const char *)p, i, r->dec, &r->b64_state, &r->b64_save);
          r->raw_pos += i;
          continue;
        }
      /* at a '-': it must be the END line */
      const gsize mlen = strlen (PEM_END);
      while (r->raw_end - r->raw_pos < mlen && !r->raw_eof)
        if (!raw_fill (r, error))
          return FALSE;
      if (r->raw_end - r->raw_pos < mlen || memcmp (r->raw + r->raw_pos, PEM_END, mlen) != 0)
        return pem_fail (r, error, "a '-' in the body that does not start “" PEM_END "”");
      r->raw_pos += mlen;
      r->pem_done = TRUE;
      if (r->b64_count % 4 != 0)
        return pem_fail (r, error, "the base64 body is not a whole number of quanta");
    }
  return TRUE;
}

/* Nothing but white space may follow the END line. */
static gboolean
pem_check_trailer (Reader *r, GError **error)
{
  for (;;)
    {
      for (; r->raw_pos < r->raw_end; r->raw_pos++)
        if (!is_pem_space (r->raw[r->raw_pos]))
          return pem_fail (r, error, "garbage after the “" PEM_END "” line");
      if (r->raw_eof)
        return TRUE;
      if (!raw_fill (r, error))
        return FALSE;
    }
}

/* Appends source bytes to the window (which has room). Sets r->eof at the end of the DER. */
static gboolean
source_fill (Reader *r, GError **error)
{
  gsize room = WINDOW_SIZE - r->end;
  if (!r->pem)
    {
      gssize n = read_some (r->fd, r->buf + r->end, room);
      if (n < 0)
        return io_fail (r, error, errno);
      if (n == 0)
        r->eof = TRUE;
      r->end += (gsize)n;
      return TRUE;
    }
  if (r->dec_pos == r->dec_end)
    {
      if (r->pem_done)
        {
          r->eof = TRUE;
          return TRUE;
        }
      if (!pem_decode_more (r, error))
        return FALSE;
      if (r->dec_pos == r->dec_end)
        {
          r->eof = TRUE;
          return TRUE;
        }
    }
  gsize n = MIN (room, r->dec_end - r->dec_pos);
  memcpy (r->buf + r->end, r->dec + r->dec_pos, n);
  r->dec_pos += n;
  r->end += n;
  return TRUE;
}

static void
tap_flush (Reader *r)
{
  if (!r->tap || r->pos == r->tap_from)
    return;
  if (r->md != NULL)
    EVP_DigestUpdate (r->md, r->buf + r->tap_from, r->pos - r->tap_from);
  else
    g_byte_array_append (r->pending, r->buf + r->tap_from, (guint)(r->pos - r->tap_from));
  r->tap_from = r->pos;
}

static gboolean
rd_need_slow (Reader *r, gsize n, GError **error)
{
  g_assert (n <= WINDOW_SIZE);
  if (WINDOW_SIZE - r->pos < n)
    {
      tap_flush (r);
      memmove (r->buf, r->buf + r->pos, r->end - r->pos);
      r->base += r->pos;
      r->end -= r->pos;
      if (r->tap)
        r->tap_from = 0;
      r->pos = 0;
    }
  while (r->end - r->pos < n)
    {
      if (r->eof)
        return rd_fail (r, error, "truncated: the file ends inside an element");
      if (!source_fill (r, error))
        return FALSE;
    }
  return TRUE;
}

static inline gboolean
rd_need (Reader *r, gsize n, GError **error)
{
  if (G_LIKELY (r->end - r->pos >= n))
    return TRUE;
  return rd_need_slow (r, n, error);
}

typedef struct
{
  guint8 tag;
  gsize header_len;
  guint64 length;
} Header;

/* Decodes the header at the window's position without consuming it, checking that the element
 * ends within @limit (absolute offset of its container's end). */
static gboolean
rd_peek_header (Reader *r, guint64 limit, Header *h, GError **error)
{
  guint64 here = rd_offset (r);
  if (limit - here < 2)
    return rd_fail (r, error, "an element header runs past the end of its container");
  if (!rd_need (r, 2, error))
    return FALSE;
  const guint8 *p = r->buf + r->pos;
  h->tag = p[0];
  if ((h->tag & 0x1F) == 0x1F)
    return rd_fail (r, error, "unexpected high tag number 0x%02x", h->tag);
  if (p[1] == 0x80)
    return rd_fail (r, error, "indefinite length (not DER)");
  if (p[1] < 0x80)
    {
      h->header_len = 2;
      h->length = p[1];
    }
  else
    {
      gsize k = p[1] & 0x7F;
      if (k > 4)
        return rd_fail (r, error, "a length of %" G_GSIZE_FORMAT " octets is too long", k);
      if (limit - here < 2 + k)
        return rd_fail (r, error, "an element header runs past the end of its container");
      if (!rd_need (r, 2 + k, error))
        return FALSE;
      p = r->buf + r->pos;
      h->length = 0;
      for (gsize i = 0; i < k; i++)
        h->length = (h->length << 8) | p[2 + i];
      h->header_len = 2 + k;
    }
  if (h->length > limit - here - h->header_len && !r->pem && limit == r->file_size)
    return rd_fail (r, error,
                    "truncated: an element of %" G_GUINT64_FORMAT
                    " bytes runs past the end of the file",
                    h->length);
  if (h->length > limit - here - h->header_len)
    return rd_fail (r, error,
                    "an element of %" G_GUINT64_FORMAT " bytes runs past the end of its container",
                    h->length);
  return TRUE;
}

/* Consumes a container's header; returns the absolute offset where it ends. */
static gboolean
rd_enter (Reader *r, guint64 limit, guint8 tag, const char *what, guint64 *end, GError **error)
{
  Header h = { 0 };
  if (!rd_peek_header (r, limit, &h, error))
    return FALSE;
  if (h.tag != tag)
    return rd_fail (r, error, "expected %s (tag 0x%02x), found tag 0x%02x", what, tag, h.tag);
  r->pos += h.header_len;
  *end = rd_offset (r) + h.length;
  return TRUE;
}

typedef struct
{
  guint8 tag;
  const guint8 *der; /* the whole element, valid until the window moves */
  gsize der_len;
  const guint8 *value;
  gsize length;
} Element;

/* Makes the whole next element contiguous and consumes it. */
static gboolean
rd_element (Reader *r, guint64 limit, const char *what, Element *e, GError **error)
{
  Header h = { 0 };
  if (!rd_peek_header (r, limit, &h, error))
    return FALSE;
  if (h.length > MAX_ELEMENT - h.header_len)
    return rd_fail (r, error, "%s of %" G_GUINT64_FORMAT " bytes is too large", what, h.length);
  gsize total = h.header_len + (gsize)h.length;
  if (!rd_need (r, total, error))
    return FALSE;
  e->tag = h.tag;
  e->der = r->buf + r->pos;
  e->der_len = total;
  e->value = e->der + h.header_len;
  e->length = (gsize)h.length;
  r->pos += total;
  return TRUE;
}

/* The tag of the next element in a container: 1, or 0 at the container's end, -1 on error. */
static int
rd_peek_tag (Reader *r, guint64 limit, guint8 *tag, GError **error)
{
  if (rd_offset (r) >= limit)
    return 0;
  if (!rd_need (r, 1, error))
    return -1;
  *tag = r->buf[r->pos];
  return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Small DER pieces inside a contiguous element.
 */

typedef struct
{
  const guint8 *pos, *end;
} Span;

static gboolean
span_next (Span *s, guint8 *tag, const guint8 **value, gsize *length)
{
  if (s->end - s->pos < 2)
    return FALSE;
  const guint8 *p = s->pos;
  *tag = p[0];
  if ((p[0] & 0x1F) == 0x1F)
    return FALSE;
  gsize len, hl;
  if (p[1] < 0x80)
    {
      len = p[1];
      hl = 2;
    }
  else
    {
      gsize k = p[1] & 0x7F;
      if (k == 0 || k > 4 || (gsize)(s->end - p) < 2 + k)
        return FALSE;
      len = 0;
      for (gsize i = 0; i < k; i++)
        len = (len << 8) | p[2 + i];
      hl = 2 + k;
    }
  if (len > (gsize)(s->end - p) - hl)
    return FALSE;
  *value = p + hl;
  *length = len;
  s->pos = p + hl + len;
  return TRUE;
}

static gint64
days_from_civil (gint64 y, guint m, guint d)
{
  y -= m <= 2;
  const gint64 era = (y >= 0 ? y : y - 399) / 400;
  const guint yoe = (guint)(y - era * 400);
  const guint doy = (153 * (m + (m > 2 ? (guint)-3 : 9)) + 2) / 5 + d - 1;
  const guint doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64)doe - 719468;
}

static gboolean
two_digits (const guint8 *p, guint *out)
{
  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
    return FALSE;
  *out = (guint)(p[0] - '0') * 10 + (guint)(p[1] - '0');
  return TRUE;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (DER forms only). */
static gboolean
parse_time (guint8 tag, const guint8 *v, gsize len, gint64 *out)
{
  guint cc, yy, mo, dd, hh, mi, ss;
  gint64 year;
  if (tag == 0x17 && len == 13)
    {
      if (!two_digits (v, &yy))
        return FALSE;
      year = yy >= 50 ? 1900 + yy : 2000 + yy;
      v += 2;
    }
  else if (tag == 0x18 && len == 15)
    {
      if (!two_digits (v, &cc) || !two_digits (v + 2, &yy))
        return FALSE;
      year = cc * 100 + yy;
      v += 4;
    }
  else
    return FALSE;
  if (!two_digits (v, &mo) || !two_digits (v + 2, &dd) || !two_digits (v + 4, &hh)
      || !two_digits (v + 6, &mi) || !two_digits (v + 8, &ss) || v[10] != 'Z')
    return FALSE;
  static const guint8 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (mo < 1 || mo > 12 || dd < 1 || dd > mdays[mo - 1] || hh > 23 || mi > 59 || ss > 59)
    return FALSE;
  if (mo == 2 && dd == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return FALSE;
  *out = days_from_civil (year, mo, dd) * 86400 + hh * 3600 + mi * 60 + ss;
  return TRUE;
}

/* An INTEGER's magnitude (non-negative only), leading zeros stripped. */
static gboolean
integer_magnitude (const guint8 *v, gsize len, const guint8 **mag, gsize *mag_len)
{
  if (len == 0 || (v[0] & 0x80) != 0)
    return FALSE;
  while (len > 0 && v[0] == 0)
    {
      v++;
      len--;
    }
  *mag = v;
  *mag_len = len;
  return TRUE;
}

static const guint8 OID_REASON_CODE[] = { 0x55, 0x1D, 0x15 };
static const guint8 OID_CERTIFICATE_ISSUER[] = { 0x55, 0x1D, 0x1D };
static const guint8 OID_INVALIDITY_DATE[] = { 0x55, 0x1D, 0x18 };
static const guint8 OID_CRL_NUMBER[] = { 0x55, 0x1D, 0x14 };
static const guint8 OID_AUTHORITY_KEY_ID[] = { 0x55, 0x1D, 0x23 };
static const guint8 OID_DELTA_CRL[] = { 0x55, 0x1D, 0x1B };
static const guint8 OID_ISSUING_DP[] = { 0x55, 0x1D, 0x1C };

static gboolean
oid_is (const guint8 *v, gsize len, const guint8 *oid, gsize oid_len)
{
  return len == oid_len && memcmp (v, oid, len) == 0;
}

typedef struct
{
  const guint8 *oid;
  gsize oid_len;
  gboolean critical;
  const guint8 *value; /* the extnValue's contents */
  gsize length;
} Extension;

/* Walks an Extensions SEQUENCE; returns -1 malformed, 0 at its end, 1 with @ext. */
static int
next_extension (Span *exts, Extension *ext)
{
  if (exts->pos == exts->end)
    return 0;
  guint8 tag;
  const guint8 *v;
  gsize len;
  if (!span_next (exts, &tag, &v, &len) || tag != 0x30)
    return -1;
  Span e = { v, v + len };
  if (!span_next (&e, &tag, &ext->oid, &ext->oid_len) || tag != 0x06)
    return -1;
  if (!span_next (&e, &tag, &v, &len))
    return -1;
  ext->critical = FALSE;
  if (tag == 0x01)
    {
      if (len != 1)
        return -1;
      ext->critical = v[0] != 0;
      if (!span_next (&e, &tag, &v, &len))
        return -1;
    }
  if (tag != 0x04 || e.pos != e.end)
    return -1;
  ext->value = v;
  ext->length = len;
  return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Records: fixed-width, grown in place (glibc moves large blocks with mremap, so a doubling
 * never holds two copies), widened in place when a longer serial arrives.
 */

typedef struct
{
  guint8 *data;
  guint64 n;
  guint64 capacity; /* entries */
  gsize sw;         /* serial width */
  gsize ew;         /* entry width */
} Records;

static void
records_init (Records *rec)
{
  rec->data = NULL;
  rec->n = rec->capacity = 0;
  rec->sw = 1;
  rec->ew = rec->sw + 9;
}

static void
records_widen (Records *rec, gsize sw)
{
  gsize ew = sw + 9, d = sw - rec->sw;
  if (rec->capacity > 0)
    rec->data = g_realloc (rec->data, rec->capacity * ew);
  for (guint64 i = rec->n; i-- > 0;)
    {
      guint8 *src = rec->data + i * rec->ew, *dst = rec->data + i * ew;
      memmove (dst + d, src, rec->ew);
      memset (dst, 0, d);
    }
  rec->sw = sw;
  rec->ew = ew;
}

static void
records_add (Records *rec, const guint8 *mag, gsize mag_len, gint64 when, guint8 reason)
{
  if (mag_len > rec->sw)
    records_widen (rec, mag_len);
  if (rec->n == rec->capacity)
    {
      rec->capacity = rec->capacity == 0 ? 4096 : rec->capacity * 2;
      rec->data = g_realloc (rec->data, rec->capacity * rec->ew);
    }
  guint8 *e = rec->data + rec->n * rec->ew;
  memset (e, 0, rec->sw - mag_len);
  memcpy (e + rec->sw - mag_len, mag, mag_len);
  guint64 le = GUINT64_TO_LE ((guint64)when);
  memcpy (e + rec->sw, &le, 8);
  e[rec->sw + 8] = reason;
  rec->n++;
}

static gint64
read_i64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return (gint64)GUINT64_FROM_LE (v);
}

/* serial, then revocation time */
static inline int
record_cmp (const guint8 *a, const guint8 *b, gsize sw)
{
  int c = memcmp (a, b, sw);
  if (c != 0)
    return c;
  gint64 x = read_i64 (a + sw), y = read_i64 (b + sw);
  return (x > y) - (x < y);
}

static inline void
record_swap (guint8 *a, guint8 *b, gsize ew)
{
  guint8 t[MADO_CRL_INDEX_MAX_SERIAL + 9];
  memcpy (t, a, ew);
  memcpy (a, b, ew);
  memcpy (b, t, ew);
}

/* In-place MSD radix sort on the serial bytes (American flag sort), insertion sort for small
 * buckets; no memory beyond the records and a small stack. */
static void
insertion_sort (guint8 *base, gsize n, gsize sw, gsize ew)
{
  guint8 t[MADO_CRL_INDEX_MAX_SERIAL + 9];
  for (gsize i = 1; i < n; i++)
    {
      guint8 *x = base + i * ew;
      if (record_cmp (x - ew, x, sw) <= 0)
        continue;
      memcpy (t, x, ew);
      gsize j = i;
      while (j > 0 && record_cmp (base + (j - 1) * ew, t, sw) > 0)
        {
          memcpy (base + j * ew, base + (j - 1) * ew, ew);
          j--;
        }
      memcpy (base + j * ew, t, ew);
    }
}

static void
radix_sort (guint8 *base, gsize n, gsize byte, gsize sw, gsize ew)
{
  while (n > 32 && byte < sw)
    {
      gsize count[256] = { 0 };
      for (gsize i = 0; i < n; i++)
        count[base[i * ew + byte]]++;
      /* a byte every record shares: go to the next one without moving anything */
      if (count[base[byte]] == n)
        {
          byte++;
          continue;
        }
      gsize head[256], tail[256], sum = 0;
      for (int b = 0; b < 256; b++)
        {
          head[b] = sum;
          sum += count[b];
          tail[b] = sum;
        }
      for (int b = 0; b < 256; b++)
        while (head[b] < tail[b])
          {
            guint8 *x = base + head[b] * ew;
            guint8 v = x[byte];
            if (v == b)
              {
                head[b]++;
                continue;
              }
            /* cycle: move x to its bucket until a record of bucket b comes back */
            do
              {
                guint8 *y = base + head[v] * ew;
                head[v]++;
                record_swap (x, y, ew);
                v = x[byte];
              }
            while (v != b);
            head[b]++;
          }
      gsize start = 0;
      for (int b = 0; b < 256; b++)
        {
          if (count[b] > 1)
            radix_sort (base + start * ew, count[b], byte + 1, sw, ew);
          start += count[b];
        }
      return;
    }
  insertion_sort (base, n, sw, ew);
}

/* Sorts and drops repeated serials (keeping the earliest revocation). */
static void
records_sort (Records *rec)
{
  radix_sort (rec->data, rec->n, 0, rec->sw, rec->ew);
  if (rec->n < 2)
    return;
  guint64 out = 1;
  for (guint64 i = 1; i < rec->n; i++)
    {
      const guint8 *x = rec->data + i * rec->ew;
      if (memcmp (rec->data + (out - 1) * rec->ew, x, rec->sw) == 0)
        continue;
      if (out != i)
        memcpy (rec->data + out * rec->ew, x, rec->ew);
      out++;
    }
  rec->n = out;
}

/* ---------------------------------------------------------------------------------------------
 * The parsed CRL.
 */

typedef struct
{
  Records rec;
  int version;         /* 1 or 2 */
  guint8 tbs_alg[512]; /* AlgorithmIdentifier DER inside tbsCertList */
  gsize tbs_alg_len;
  const EVP_MD *md;
  int pkey_nid;
  GBytes *issuer; /* Name DER */
  gint64 this_update, next_update;
  gboolean has_next_update;
  guint8 crl_number[MAX_CRL_NUMBER];
  gsize crl_number_len;
  gboolean has_crl_number;
  GBytes *aki; /* keyIdentifier, or NULL */
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len;
  GBytes *signature;
  guint8 key_sha256[32];
} Crl;

static void
crl_clear (Crl *crl)
{
  g_free (crl->rec.data);
  crl->rec.data = NULL;
  g_clear_pointer (&crl->issuer, g_bytes_unref);
  g_clear_pointer (&crl->aki, g_bytes_unref);
  g_clear_pointer (&crl->signature, g_bytes_unref);
}

static gboolean
parse_algorithm (Reader *r, Crl *crl, const Element *e, GError **error)
{
  const guint8 *p = e->der;
  g_autoptr (X509_ALGOR) alg = d2i_X509_ALGOR (NULL, &p, (long)e->der_len);
  if (alg == NULL || p != e->der + e->der_len)
    return rd_fail (r, error, "malformed signature AlgorithmIdentifier");
  const ASN1_OBJECT *obj;
  int ptype;
  const void *pval;
  X509_ALGOR_get0 (&obj, &ptype, &pval, alg);
  int md_nid = NID_undef, pkey_nid = NID_undef;
  char name[80];
  OBJ_obj2txt (name, sizeof name, obj, 1);
  if (!OBJ_find_sigid_algs (OBJ_obj2nid (obj), &md_nid, &pkey_nid) || md_nid == NID_undef)
    return rd_fail (r, error, "unsupported signature algorithm %s", name);
  if (pkey_nid == NID_rsaEncryption)
    {
      if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF)
        return rd_fail (r, error, "parameters of %s must be NULL", name);
    }
  else if (pkey_nid == NID_X9_62_id_ecPublicKey)
    {
      if (ptype != V_ASN1_UNDEF)
        return rd_fail (r, error, "parameters of %s must be absent", name);
    }
  else
    return rd_fail (r, error, "unsupported signature algorithm %s", name);
  const EVP_MD *md = EVP_get_digestbynid (md_nid);
  if (md == NULL || EVP_MD_get_size (md) < 32)
    return rd_fail (r, error, "signature algorithm %s has a digest too weak or unknown", name);
  crl->md = md;
  crl->pkey_nid = pkey_nid;
  return TRUE;
}

static gboolean
parse_entry (Reader *r, Crl *crl, const Element *e, GError **error)
{
  Span s = { e->value, e->value + e->length };
  guint8 tag;
  const guint8 *v, *mag;
  gsize len, mag_len;
  gint64 when;
  guint8 reason = NO_REASON;

  if (!span_next (&s, &tag, &v, &len) || tag != 0x02)
    return rd_fail (r, error, "a revoked entry without a serial number INTEGER");
  if (!integer_magnitude (v, len, &mag, &mag_len))
    return rd_fail (r, error, "a revoked entry with a negative or empty serial number");
  if (mag_len > MADO_CRL_INDEX_MAX_SERIAL)
    return rd_fail (r, error, "a serial number of %" G_GSIZE_FORMAT " bytes (more than %d)",
                    mag_len, MADO_CRL_INDEX_MAX_SERIAL);
  if (!span_next (&s, &tag, &v, &len) || !parse_time (tag, v, len, &when))
    return rd_fail (r, error, "a revoked entry without a valid revocationDate");
  if (s.pos != s.end)
    {
      if (!span_next (&s, &tag, &v, &len) || tag != 0x30 || s.pos != s.end)
        return rd_fail (r, error, "unexpected data in a revoked entry");
      if (crl->version < 2)
        return rd_fail (r, error, "entry extensions in a version 1 CRL");
      Span exts = { v, v + len };
      Extension ext;
      int more;
      while ((more = next_extension (&exts, &ext)) == 1)
        {
          if (oid_is (ext.oid, ext.oid_len, OID_REASON_CODE, sizeof OID_REASON_CODE))
            {
              Span rv = { ext.value, ext.value + ext.length };
              if (!span_next (&rv, &tag, &v, &len) || tag != 0x0A || len != 1 || v[0] > 10
                  || v[0] == 7 || rv.pos != rv.end)
                return rd_fail (r, error, "a malformed CRLReason");
              reason = v[0];
            }
          else if (oid_is (ext.oid, ext.oid_len, OID_CERTIFICATE_ISSUER,
                           sizeof OID_CERTIFICATE_ISSUER))
            return rd_fail (r, error, "indirect CRL entries (certificateIssuer) are not supported");
          else if (ext.critical
                   && !oid_is (ext.oid, ext.oid_len, OID_INVALIDITY_DATE,
                               sizeof OID_INVALIDITY_DATE))
            return rd_fail (r, error, "an unsupported critical entry extension");
        }
      if (more < 0)
        return rd_fail (r, error, "malformed entry extensions");
    }
  if (crl->rec.n >= MAX_ENTRIES)
    return rd_fail (r, error, "more than %" G_GUINT64_FORMAT " entries", MAX_ENTRIES);
  records_add (&crl->rec, mag, mag_len, when, reason);
  return TRUE;
}

static gboolean
parse_issuing_dp (Reader *r, const Extension *ext, GError **error)
{
  Span s = { ext->value, ext->value + ext->length };
  guint8 tag;
  const guint8 *v;
  gsize len;
  if (!span_next (&s, &tag, &v, &len) || tag != 0x30 || s.pos != s.end)
    return rd_fail (r, error, "a malformed issuingDistributionPoint");
  Span idp = { v, v + len };
  while (idp.pos != idp.end)
    {
      if (!span_next (&idp, &tag, &v, &len))
        return rd_fail (r, error, "a malformed issuingDistributionPoint");
      if (tag == 0x83 || tag == 0xA3)
        return rd_fail (r, error, "CRLs partitioned by reason (onlySomeReasons) are not supported");
      if (tag == 0x84 && len == 1 && v[0] != 0)
        return rd_fail (r, error, "indirect CRLs are not supported");
    }
  return TRUE;
}

static gboolean
parse_crl_extensions (Reader *r, Crl *crl, const Element *e, GError **error)
{
  Span outer = { e->value, e->value + e->length };
  guint8 tag;
  const guint8 *v;
  gsize len;
  if (!span_next (&outer, &tag, &v, &len) || tag != 0x30 || outer.pos != outer.end)
    return rd_fail (r, error, "malformed crlExtensions");
  Span exts = { v, v + len };
  Extension ext;
  int more;
  while ((more = next_extension (&exts, &ext)) == 1)
    {
      if (oid_is (ext.oid, ext.oid_len, OID_CRL_NUMBER, sizeof OID_CRL_NUMBER))
        {
          Span s = { ext.value, ext.value + ext.length };
          const guint8 *mag;
          gsize mag_len;
          if (!span_next (&s, &tag, &v, &len) || tag != 0x02 || s.pos != s.end
              || !integer_magnitude (v, len, &mag, &mag_len) || mag_len > MAX_CRL_NUMBER)
            return rd_fail (r, error, "a malformed cRLNumber");
          memcpy (crl->crl_number, mag, mag_len);
          crl->crl_number_len = mag_len;
          crl->has_crl_number = TRUE;
        }
      else if (oid_is (ext.oid, ext.oid_len, OID_AUTHORITY_KEY_ID, sizeof OID_AUTHORITY_KEY_ID))
        {
          Span s = { ext.value, ext.value + ext.length };
          if (!span_next (&s, &tag, &v, &len) || tag != 0x30 || s.pos != s.end)
            return rd_fail (r, error, "a malformed authorityKeyIdentifier");
          Span aki = { v, v + len };
          while (aki.pos != aki.end)
            {
              if (!span_next (&aki, &tag, &v, &len))
                return rd_fail (r, error, "a malformed authorityKeyIdentifier");
              if (tag == 0x80 && crl->aki == NULL)
                crl->aki = g_bytes_new (v, len);
            }
        }
      else if (oid_is (ext.oid, ext.oid_len, OID_DELTA_CRL, sizeof OID_DELTA_CRL))
        return rd_fail (r, error, "delta CRLs are not supported");
      else if (oid_is (ext.oid, ext.oid_len, OID_ISSUING_DP, sizeof OID_ISSUING_DP))
        {
          if (!parse_issuing_dp (r, &ext, error))
            return FALSE;
        }
      else if (ext.critical)
        return rd_fail (r, error, "an unsupported critical CRL extension");
    }
  if (more < 0)
    return rd_fail (r, error, "malformed crlExtensions");
  return TRUE;
}

static gboolean
parse_tbs (Reader *r, Crl *crl, guint64 tbs_end, GError **error)
{
  Element e;
  guint8 tag;

  int more;

  crl->version = 1;
  if ((more = rd_peek_tag (r, tbs_end, &tag, error)) < 0)
    return FALSE;
  if (more > 0 && tag == 0x02)
    {
      if (!rd_element (r, tbs_end, "the version", &e, error))
        return FALSE;
      if (e.length != 1 || e.value[0] != 1)
        return rd_fail (r, error, "unsupported CRL version (only v1 and v2 are)");
      crl->version = 2;
    }

  if (!rd_element (r, tbs_end, "the signature algorithm", &e, error))
    return FALSE;
  if (e.tag != 0x30 || e.der_len > sizeof crl->tbs_alg)
    return rd_fail (r, error, "malformed signature AlgorithmIdentifier");
  memcpy (crl->tbs_alg, e.der, e.der_len);
  crl->tbs_alg_len = e.der_len;
  if (!parse_algorithm (r, crl, &e, error))
    return FALSE;
  /* the digest starts now; what was tapped so far goes first */
  r->md = EVP_MD_CTX_new ();
  if (r->md == NULL || !EVP_DigestInit_ex (r->md, crl->md, NULL))
    return rd_fail (r, error, "cannot start the digest");
  tap_flush (r);
  EVP_DigestUpdate (r->md, r->pending->data, r->pending->len);
  g_byte_array_set_size (r->pending, 0);

  if (!rd_element (r, tbs_end, "the issuer name", &e, error))
    return FALSE;
  if (e.tag != 0x30)
    return rd_fail (r, error, "the issuer is not a Name");
  crl->issuer = g_bytes_new (e.der, e.der_len);

  if (!rd_element (r, tbs_end, "thisUpdate", &e, error))
    return FALSE;
  if (!parse_time (e.tag, e.value, e.length, &crl->this_update))
    return rd_fail (r, error, "thisUpdate is not a DER UTCTime or GeneralizedTime");

  if ((more = rd_peek_tag (r, tbs_end, &tag, error)) < 0)
    return FALSE;
  if (more > 0 && (tag == 0x17 || tag == 0x18))
    {
      if (!rd_element (r, tbs_end, "nextUpdate", &e, error))
        return FALSE;
      if (!parse_time (e.tag, e.value, e.length, &crl->next_update))
        return rd_fail (r, error, "nextUpdate is not a DER UTCTime or GeneralizedTime");
      crl->has_next_update = TRUE;
    }

  if ((more = rd_peek_tag (r, tbs_end, &tag, error)) < 0)
    return FALSE;
  if (more > 0 && tag == 0x30)
    {
      guint64 list_end = 0;
      if (!rd_enter (r, tbs_end, 0x30, "revokedCertificates", &list_end, error))
        return FALSE;
      while (rd_offset (r) < list_end)
        {
          if (!rd_element (r, list_end, "a revoked entry", &e, error))
            return FALSE;
          if (e.tag != 0x30)
            return rd_fail (r, error, "a revoked entry that is not a SEQUENCE");
          if (!parse_entry (r, crl, &e, error))
            return FALSE;
        }
    }

  if ((more = rd_peek_tag (r, tbs_end, &tag, error)) < 0)
    return FALSE;
  if (more > 0 && tag == 0xA0)
    {
      if (crl->version < 2)
        return rd_fail (r, error, "crlExtensions in a version 1 CRL");
      if (!rd_element (r, tbs_end, "crlExtensions", &e, error))
        return FALSE;
      if (!parse_crl_extensions (r, crl, &e, error))
        return FALSE;
    }
  if (rd_offset (r) != tbs_end)
    return rd_fail (r, error, "unexpected element in tbsCertList");
  if (!crl->has_next_update)
    return rd_fail (r, error,
                    "no nextUpdate (RFC 5280 requires it; a list without one never "
                    "says when it goes stale)");
  return TRUE;
}

static gboolean
parse_crl (Reader *r, Crl *crl, GError **error)
{
  guint64 outer_end = 0, tbs_end = 0;
  guint64 limit = r->pem ? G_MAXUINT64 : r->file_size;

  if (!rd_need (r, 1, error))
    return FALSE;
  if (!rd_enter (r, limit, 0x30, "a CRL (SEQUENCE)", &outer_end, error))
    return FALSE;
  r->tap = TRUE;
  r->tap_from = r->pos;
  if (!rd_enter (r, outer_end, 0x30, "tbsCertList (SEQUENCE)", &tbs_end, error))
    return FALSE;
  if (!parse_tbs (r, crl, tbs_end, error))
    return FALSE;
  tap_flush (r);
  r->tap = FALSE;
  if (!EVP_DigestFinal_ex (r->md, crl->digest, &crl->digest_len))
    return rd_fail (r, error, "cannot finish the digest");

  Element e;
  if (!rd_element (r, outer_end, "the signature algorithm", &e, error))
    return FALSE;
  if (e.der_len != crl->tbs_alg_len || memcmp (e.der, crl->tbs_alg, e.der_len) != 0)
    return rd_fail (r, error, "the signature algorithm differs from the one inside tbsCertList");
  if (!rd_element (r, outer_end, "the signature", &e, error))
    return FALSE;
  if (e.tag != 0x03 || e.length < 2 || e.value[0] != 0)
    return rd_fail (r, error, "the signature is not a BIT STRING of whole octets");
  crl->signature = g_bytes_new (e.value + 1, e.length - 1);
  if (rd_offset (r) != outer_end)
    return rd_fail (r, error, "unexpected element after the signature");

  /* nothing may follow */
  if (r->pos == r->end && !r->eof && !source_fill (r, error))
    return FALSE;
  if (r->pos != r->end)
    return rd_fail (r, error, "garbage after the end of the CRL");
  if (r->pem && !pem_check_trailer (r, error))
    return FALSE;
  return TRUE;
}

static gboolean
key_sha256 (EVP_PKEY *key, guint8 *out)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  if (len <= 0)
    return FALSE;
  SHA256 (der, (size_t)len, out);
  OPENSSL_free (der);
  return TRUE;
}

static gboolean
verify_with (Crl *crl, EVP_PKEY *key)
{
  if (crl->pkey_nid == NID_rsaEncryption && EVP_PKEY_get_base_id (key) != EVP_PKEY_RSA)
    return FALSE;
  if (crl->pkey_nid == NID_X9_62_id_ecPublicKey && EVP_PKEY_get_base_id (key) != EVP_PKEY_EC)
    return FALSE;
  g_autoptr (EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new (key, NULL);
  if (ctx == NULL || EVP_PKEY_verify_init (ctx) <= 0)
    return FALSE;
  if (crl->pkey_nid == NID_rsaEncryption
      && EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) <= 0)
    return FALSE;
  if (EVP_PKEY_CTX_set_signature_md (ctx, crl->md) <= 0)
    return FALSE;
  gsize sig_len;
  const guint8 *sig = g_bytes_get_data (crl->signature, &sig_len);
  return EVP_PKEY_verify (ctx, sig, sig_len, crl->digest, crl->digest_len) == 1;
}

static gboolean
verify_crl (const char *path, Crl *crl, MadoCrlIssuerKeysFunc keys_func, gpointer user_data,
            GError **error)
{
  gsize name_len, aki_len = 0;
  const guint8 *name = g_bytes_get_data (crl->issuer, &name_len);
  const guint8 *aki = crl->aki != NULL ? g_bytes_get_data (crl->aki, &aki_len) : NULL;
  g_autoptr (GPtrArray) keys = keys_func (name, name_len, aki, aki_len, user_data);
  guint n = keys != NULL ? keys->len : 0;
  for (guint i = 0; i < n; i++)
    {
      EVP_PKEY *key = g_ptr_array_index (keys, i);
      if (key != NULL && verify_with (crl, key) && key_sha256 (key, crl->key_sha256))
        {
          ERR_clear_error ();
          return TRUE;
        }
    }
  ERR_clear_error ();
  if (n == 0)
    g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL,
                 "CRL %s: no issuer key is known for its issuer name", path);
  else
    g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL,
                 "CRL %s: the signature does not verify with any of the %u issuer keys of its "
                 "name",
                 path, n);
  return FALSE;
}

/* Streams @crl_path into @crl (records unsorted) and verifies it. */
static gboolean
read_crl (const char *crl_path, Crl *crl, MadoCrlIssuerKeysFunc keys_func, gpointer user_data,
          GError **error)
{
  Reader r = { 0 };
  gboolean ok = FALSE;
  GError *local = NULL;

  r.path = crl_path;
  r.fd = open (crl_path, O_RDONLY | O_CLOEXEC);
  if (r.fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL, "CRL %s: cannot open: %s",
                   crl_path, g_strerror (saved));
      return FALSE;
    }
  struct stat st;
  if (fstat (r.fd, &st) != 0)
    {
      io_fail (&r, error, errno);
      close (r.fd);
      return FALSE;
    }
  posix_fadvise (r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  r.file_size = (guint64)st.st_size;
  r.buf = g_malloc (WINDOW_SIZE);
  r.pending = g_byte_array_new ();
  records_init (&crl->rec);

  /* DER starts with a SEQUENCE; anything else is looked at as PEM */
  if (!source_fill (&r, &local))
    goto out;
  if (r.end > 0 && r.buf[0] != 0x30)
    {
      r.pem = TRUE;
      r.raw = g_malloc (WINDOW_SIZE);
      r.dec = g_malloc (32768 / 4 * 3 + 16);
      memcpy (r.raw, r.buf, r.end);
      r.raw_end = r.end;
      r.end = 0;
      r.eof = FALSE;
      if (!pem_find_begin (&r, &local))
        goto out;
    }
  else if (r.end == 0)
    {
      rd_fail (&r, &local, "the file is empty");
      goto out;
    }
  if (!parse_crl (&r, crl, &local))
    goto out;
  ok = verify_crl (crl_path, crl, keys_func, user_data, &local);

out:
  if (local != NULL)
    g_propagate_error (error, local);
  if (r.md != NULL)
    EVP_MD_CTX_free (r.md);
  g_byte_array_unref (r.pending);
  g_free (r.buf);
  g_free (r.raw);
  g_free (r.dec);
  close (r.fd);
  return ok;
}

/* ---------------------------------------------------------------------------------------------
 * The index file.
 */

struct _MadoCrlIndex
{
  gatomicrefcount ref;
  char *path;
  const guint8 *map;
  gsize size;
  const guint8 *entries;
  guint64 n;
  gsize sw, ew;
  gint64 this_update, next_update;
  guint8 crl_number[MAX_CRL_NUMBER];
  gsize crl_number_len;
  gboolean has_crl_number;
  /* identity of the file, to notice a replacement */
  dev_t dev;
  ino_t ino;
};

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_u64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static gboolean
index_fail (GError **error, const char *path, const char *message)
{
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX, "CRL index %s: %s", path,
               message);
  return FALSE;
}

static gboolean
all_zero (const guint8 *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

MadoCrlIndex *
mado_crl_index_open (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "CRL index %s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "CRL index %s: cannot stat: %s", path, g_strerror (saved));
      return NULL;
    }
  gsize size = (gsize)st.st_size;
  if (st.st_size < HEADER_SIZE + DIGEST_SIZE)
    {
      close (fd);
      index_fail (error, path, "too short (truncated?)");
      return NULL;
    }
  void *map = mmap (NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int saved = errno;
  close (fd);
  if (map == MAP_FAILED)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index %s: cannot map: %s", path, g_strerror (saved));
      return NULL;
    }

  const guint8 *m = map;
  const char *problem = NULL;
  guint64 n = get_u64 (m + 136);
  guint32 ew = get_u32 (m + 144), sw = get_u32 (m + 148), flags = get_u32 (m + 96);
  gsize cn_len = m[100];
  if (memcmp (m, INDEX_MAGIC, 8) != 0)
    problem = "not a CRL index (wrong magic)";
  else if (get_u32 (m + 8) != INDEX_VERSION)
    problem = "an index format version this program does not read";
  else if (get_u32 (m + 12) != HEADER_SIZE)
    problem = "wrong header size";
  else if (sw < 1 || sw > MADO_CRL_INDEX_MAX_SERIAL || ew != sw + 9)
    problem = "impossible entry width";
  else if ((flags & ~FLAG_CRL_NUMBER) != 0 || cn_len > MAX_CRL_NUMBER
           || ((flags & FLAG_CRL_NUMBER) == 0 && cn_len != 0) || !all_zero (m + 101, 3)
           || !all_zero (m + 104 + cn_len, MAX_CRL_NUMBER - cn_len) || !all_zero (m + 152, 8))
    problem = "malformed header";
  else if (n > (size - HEADER_SIZE - DIGEST_SIZE) / ew
           || HEADER_SIZE + n * ew + DIGEST_SIZE != size)
    problem = "its size does not match its entry count (truncated or extended)";
  if (problem == NULL)
    {
      guint8 digest[DIGEST_SIZE];
      SHA256 (m, size - DIGEST_SIZE, digest);
      if (memcmp (digest, m + size - DIGEST_SIZE, DIGEST_SIZE) != 0)
        problem = "integrity digest mismatch (the file was altered)";
    }
  if (problem == NULL)
    {
      const guint8 *e = m + HEADER_SIZE;
      for (guint64 i = 0; i < n && problem == NULL; i++, e += ew)
        {
          if (i > 0 && memcmp (e - ew, e, sw) >= 0)
            problem = "entries out of order";
          else if (e[sw + 8] > 10 && e[sw + 8] != NO_REASON)
            problem = "an entry with an impossible reason code";
        }
    }
  if (problem != NULL)
    {
      munmap (map, size);
      index_fail (error, path, problem);
      return NULL;
    }
  madvise (map, size, MADV_RANDOM);

  MadoCrlIndex *self = g_new0 (MadoCrlIndex, 1);
  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (path);
  self->map = m;
  self->size = size;
  self->entries = m + HEADER_SIZE;
  self->n = n;
  self->sw = sw;
  self->ew = ew;
  self->this_update = (gint64)get_u64 (m + 80);
  self->next_update = (gint64)get_u64 (m + 88);
  self->has_crl_number = (flags & FLAG_CRL_NUMBER) != 0;
  self->crl_number_len = cn_len;
  memcpy (self->crl_number, m + 104, cn_len);
  self->dev = st.st_dev;
  self->ino = st.st_ino;
  return self;
}

MadoCrlIndex *
mado_crl_index_ref (MadoCrlIndex *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
mado_crl_index_unref (MadoCrlIndex *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  munmap ((void *)self->map, self->size);
  g_free (self->path);
  g_free (self);
}

const char *
mado_crl_index_get_path (MadoCrlIndex *self)
{
  return self->path;
}

const guint8 *
mado_crl_index_get_issuer_key_sha256 (MadoCrlIndex *self)
{
  return self->map + 16;
}

const guint8 *
mado_crl_index_get_issuer_name_sha256 (MadoCrlIndex *self)
{
  return self->map + 48;
}

gint64
mado_crl_index_get_this_update (MadoCrlIndex *self)
{
  return self->this_update;
}

gint64
mado_crl_index_get_next_update (MadoCrlIndex *self)
{
  return self->next_update;
}

const guint8 *
mado_crl_index_get_crl_number (MadoCrlIndex *self, gsize *len)
{
  *len = self->crl_number_len;
  return self->has_crl_number ? self->crl_number : NULL;
}

guint64
mado_crl_index_get_n_entries (MadoCrlIndex *self)
{
  return self->n;
}

guint
mado_crl_index_get_serial_width (MadoCrlIndex *self)
{
  return (guint)self->sw;
}

gboolean
mado_crl_index_lookup (MadoCrlIndex *self, const guint8 *serial, gsize len, gint64 *revoked_at,
                       int *crl_reason)
{
  while (len > 0 && serial[0] == 0)
    {
      serial++;
      len--;
    }
  if (len > self->sw)
    return FALSE;
  guint8 key[MADO_CRL_INDEX_MAX_SERIAL];
  memset (key, 0, self->sw - len);
  if (len > 0)
    memcpy (key + self->sw - len, serial, len);

  guint64 lo = 0, hi = self->n;
  const guint8 *base = self->entries;
  const gsize sw = self->sw, ew = self->ew;
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;
      const guint8 *e = base + mid * ew;
      int c = memcmp (e, key, sw);
      if (c == 0)
        {
          if (revoked_at != NULL)
            *revoked_at = read_i64 (e + sw);
          if (crl_reason != NULL)
            *crl_reason = e[sw + 8] == NO_REASON ? -1 : e[sw + 8];
          return TRUE;
        }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static char *
format_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

static char *
hex (const guint8 *p, gsize len)
{
  /* by table: one printf per byte cost ~3 µs per revocation check (two names a check) */
  static const char digits[] = "0123456789abcdef";
  char *s = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      s[2 * i] = digits[p[i] >> 4];
      s[2 * i + 1] = digits[p[i] & 0x0f];
    }
  s[len * 2] = '\0';
  return s;
}

char *
mado_crl_index_describe (MadoCrlIndex *self)
{
  g_autofree char *key = hex (self->map + 16, 32);
  g_autofree char *number
      = self->has_crl_number ? hex (self->crl_number, self->crl_number_len) : g_strdup ("none");
  g_autofree char *t0 = format_time (self->this_update);
  g_autofree char *t1 = format_time (self->next_update);
  return g_strdup_printf ("%s: issuer key %s, cRLNumber %s, thisUpdate %s, nextUpdate %s, "
                          "%" G_GUINT64_FORMAT " entries",
                          self->path, key, number[0] != '\0' ? number : "0", t0, t1, self->n);
}

static void
answer_set (MadoRevocationAnswer *answer, MadoVerdictReason reason, char *detail)
{
  g_free (answer->detail);
  answer->reason = reason;
  answer->revoked_at = 0;
  answer->crl_reason = -1;
  answer->detail = detail;
}

void
mado_crl_index_answer (MadoCrlIndex *self, const guint8 *serial, gsize len, gint64 at,
                       MadoRevocationAnswer *answer)
{
  if (self == NULL)
    {
      answer_set (answer, MADO_REASON_NO_REVOCATION_SOURCE,
                  g_strdup ("no CRL index for the certificate's issuer key"));
      return;
    }
  gint64 revoked_at;
  int crl_reason;
  /* a published revocation is final (JPKI never releases a hold): listed wins over stale */
  if (mado_crl_index_lookup (self, serial, len, &revoked_at, &crl_reason))
    {
      g_autofree char *when = format_time (revoked_at);
      answer_set (answer, MADO_REASON_REVOKED_CRL,
                  g_strdup_printf ("listed in %s, revoked %s", self->path, when));
      answer->revoked_at = revoked_at;
      answer->crl_reason = crl_reason;
      return;
    }
  if (at < self->this_update || at > self->next_update)
    {
      g_autofree char *t = format_time (at);
      g_autofree char *t0 = format_time (self->this_update);
      g_autofree char *t1 = format_time (self->next_update);
      answer_set (answer, MADO_REASON_CRL_STALE,
                  g_strdup_printf ("checked at %s, but the CRL in %s covers %s to %s", t,
                                   self->path, t0, t1));
      return;
    }
  answer_set (answer, MADO_REASON_NONE, NULL);
}

/* ---------------------------------------------------------------------------------------------
 * Writing.
 */

static gboolean
write_all (int fd, const guint8 *p, gsize len)
{
  while (len > 0)
    {
      gssize n = write (fd, p, MIN (len, (gsize)(1 << 30)));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize)n;
    }
  return TRUE;
}

static int
compare_number (const guint8 *a, gsize a_len, const guint8 *b, gsize b_len)
{
  if (a_len != b_len)
    return a_len < b_len ? -1 : 1;
  return memcmp (a, b, a_len);
}

/* TRUE when @crl may replace the index at @path (none, corrupt, another key, or older). */
static gboolean
check_newer (const Crl *crl, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (MadoCrlIndex) old = mado_crl_index_open (path, &local);
  if (old == NULL)
    {
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("replacing unreadable CRL index: %s", local->message);
      return TRUE;
    }
  if (memcmp (mado_crl_index_get_issuer_key_sha256 (old), crl->key_sha256, 32) != 0)
    return TRUE;
  int c;
  const char *by;
  if (crl->has_crl_number && old->has_crl_number)
    {
      c = compare_number (crl->crl_number, crl->crl_number_len, old->crl_number,
                          old->crl_number_len);
      by = "cRLNumber";
    }
  else
    {
      c = (crl->this_update > old->this_update) - (crl->this_update < old->this_update);
      by = "thisUpdate";
    }
  if (c > 0)
    return TRUE;
  g_autofree char *desc = mado_crl_index_describe (old);
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_NOT_NEWER,
               "the CRL is not newer (by %s) than the one already indexed (%s)", by, desc);
  return FALSE;
}

static void
fill_header (const Crl *crl, guint8 *h)
{
  memset (h, 0, HEADER_SIZE);
  memcpy (h, INDEX_MAGIC, 8);
  put_u32 (h + 8, INDEX_VERSION);
  put_u32 (h + 12, HEADER_SIZE);
  memcpy (h + 16, crl->key_sha256, 32);
  gsize name_len;
  const guint8 *name = g_bytes_get_data (crl->issuer, &name_len);
  SHA256 (name, name_len, h + 48);
  put_u64 (h + 80, (guint64)crl->this_update);
  put_u64 (h + 88, (guint64)crl->next_update);
  put_u32 (h + 96, crl->has_crl_number ? FLAG_CRL_NUMBER : 0);
  h[100] = (guint8)crl->crl_number_len;
  memcpy (h + 104, crl->crl_number, crl->crl_number_len);
  put_u64 (h + 136, crl->rec.n);
  put_u32 (h + 144, (guint32)crl->rec.ew);
  put_u32 (h + 148, (guint32)crl->rec.sw);
}

static gboolean
index_digest (const guint8 *header, const guint8 *body, gsize body_len, guint8 *digest)
{
  g_autoptr (EVP_MD_CTX) sha = EVP_MD_CTX_new ();
  return sha != NULL && EVP_DigestInit_ex (sha, EVP_sha256 (), NULL)
         && EVP_DigestUpdate (sha, header, HEADER_SIZE)
         && (body_len == 0 || EVP_DigestUpdate (sha, body, body_len))
         && EVP_DigestFinal_ex (sha, digest, NULL);
}

/* Writes the sorted records to @index_path atomically, under a lock on its directory. */
static gboolean
write_index (const Crl *crl, const char *index_path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (index_path);
  g_autofree char *base = g_path_get_basename (index_path);
  int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index directory %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* one writer at a time per directory: compare-then-rename must not interleave */
  while (flock (dir_fd, LOCK_EX) != 0 && errno == EINTR)
    ;
  gboolean ok = FALSE;
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = -1;

  if (!check_newer (crl, index_path, error))
    goto out;
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index %s: cannot create a temporary file: %s", index_path,
                   g_strerror (saved));
      goto out;
    }
  guint8 header[HEADER_SIZE], digest[DIGEST_SIZE];
  fill_header (crl, header);
  gsize body = (gsize)(crl->rec.n * crl->rec.ew);
  if (!index_digest (header, crl->rec.data, body, digest))
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index %s: cannot compute its digest", index_path);
      goto out;
    }
  if (!write_all (fd, header, HEADER_SIZE) || (body > 0 && !write_all (fd, crl->rec.data, body))
      || !write_all (fd, digest, DIGEST_SIZE) || fsync (fd) != 0)
    {
      int saved = errno;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index %s: cannot write: %s", index_path, g_strerror (saved));
      goto out;
    }
  if (close (fd) != 0 || rename (tmp, index_path) != 0)
    {
      int saved = errno;
      fd = -1;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index %s: cannot replace: %s", index_path, g_strerror (saved));
      goto out;
    }
  fd = -1;
  fsync (dir_fd);
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  if (!ok)
    g_unlink (tmp); /* harmless when never created: the template still ends in XXXXXX */
  flock (dir_fd, LOCK_UN);
  close (dir_fd);
  return ok;
}

static MadoCrlIndex *build (const char *crl_path, const char *index_path, MadoCrlIndexDir *dir,
                            MadoCrlIssuerKeysFunc keys_func, gpointer user_data, GError **error);

MadoCrlIndex *
mado_crl_index_build (const char *crl_path, const char *index_path, MadoCrlIssuerKeysFunc keys_func,
                      gpointer user_data, GError **error)
{
  return build (crl_path, index_path, NULL, keys_func, user_data, error);
}

/* ---------------------------------------------------------------------------------------------
 * A directory of indexes.
 */

typedef struct
{
  MadoCrlIndex *index;
  struct stat st;
} CacheEntry;

struct _MadoCrlIndexDir
{
  gatomicrefcount ref;
  char *path;
  GMutex lock;
  GHashTable *cache; /* hex key → CacheEntry */
};

static void
cache_entry_free (gpointer data)
{
  CacheEntry *c = data;
  mado_crl_index_unref (c->index);
  g_free (c);
}

MadoCrlIndexDir *
mado_crl_index_dir_new (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                   "CRL index directory %s: %s", path, g_strerror (saved));
      return NULL;
    }
  MadoCrlIndexDir *self = g_new0 (MadoCrlIndexDir, 1);
  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
  return self;
}

MadoCrlIndexDir *
mado_crl_index_dir_ref (MadoCrlIndexDir *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
mado_crl_index_dir_unref (MadoCrlIndexDir *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_hash_table_unref (self->cache);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self);
}

const char *
mado_crl_index_dir_get_path (MadoCrlIndexDir *self)
{
  return self->path;
}

char *
mado_crl_index_dir_path_for_key (MadoCrlIndexDir *self, const guint8 *key_sha256)
{
  g_autofree char *name = hex (key_sha256, 32);
  g_autofree char *file = g_strconcat (name, MADO_CRL_INDEX_SUFFIX, NULL);
  return g_build_filename (self->path, file, NULL);
}

MadoCrlIndex *
mado_crl_index_dir_add_crl (MadoCrlIndexDir *self, const char *crl_path,
                            MadoCrlIssuerKeysFunc keys_func, gpointer user_data, GError **error)
{
  return build (crl_path, NULL, self, keys_func, user_data, error);
}

MadoCrlIndex *
mado_crl_index_dir_get_index (MadoCrlIndexDir *self, const guint8 *key_sha256, GError **error)
{
  g_autofree char *name = hex (key_sha256, 32);
  g_autofree char *file = g_strconcat (name, MADO_CRL_INDEX_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (self->path, file, NULL);
  struct stat st;
  if (stat (path, &st) != 0)
    {
      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->cache, name);
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  g_mutex_lock (&self->lock);
  CacheEntry *c = g_hash_table_lookup (self->cache, name);
  if (c != NULL && c->st.st_dev == st.st_dev && c->st.st_ino == st.st_ino
      && c->st.st_size == st.st_size && c->st.st_mtim.tv_sec == st.st_mtim.tv_sec
      && c->st.st_mtim.tv_nsec == st.st_mtim.tv_nsec)
    {
      MadoCrlIndex *index = mado_crl_index_ref (c->index);
      g_mutex_unlock (&self->lock);
      return index;
    }
  g_mutex_unlock (&self->lock);

  /* open outside the lock: checking the digest of a large index takes milliseconds */
  GError *local = NULL;
  MadoCrlIndex *index = mado_crl_index_open (path, &local);
  if (index == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_error_free (local);
          return NULL;
        }
      if (local->domain != MADO_IDENTITY_ERROR)
        {
          /* unreadable counts as corrupt: the list cannot be consulted */
          GError *e = g_error_new_literal (MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX,
                                           local->message);
          g_error_free (local);
          local = e;
        }
      g_propagate_error (error, local);
      return NULL;
    }
  if (memcmp (mado_crl_index_get_issuer_key_sha256 (index), key_sha256, 32) != 0)
    {
      mado_crl_index_unref (index);
      index_fail (error, path, "holds the list of another issuer key than its name says");
      return NULL;
    }
  CacheEntry *fresh = g_new0 (CacheEntry, 1);
  fresh->index = mado_crl_index_ref (index);
  /* the identity of what was opened (the file may have been replaced since the stat above) */
  if (stat (path, &fresh->st) != 0 || fresh->st.st_ino != index->ino
      || fresh->st.st_dev != index->dev)
    memset (&fresh->st, 0, sizeof fresh->st);
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->cache, g_strdup (name), fresh);
  g_mutex_unlock (&self->lock);
  return index;
}

void
mado_crl_index_dir_check (MadoCrlIndexDir *self, const guint8 *key_sha256, const guint8 *serial,
                          gsize len, gint64 at, MadoRevocationAnswer *answer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_dir_get_index (self, key_sha256, &error);
  if (index == NULL && error != NULL)
    {
      answer_set (answer, MADO_REASON_CRL_INDEX, g_strdup (error->message));
      return;
    }
  mado_crl_index_answer (index, serial, len, at, answer);
}

static MadoCrlIndex *
build (const char *crl_path, const char *index_path, MadoCrlIndexDir *dir,
       MadoCrlIssuerKeysFunc keys_func, gpointer user_data, GError **error)
{
  Crl crl = { 0 };
  MadoCrlIndex *index = NULL;
  g_autofree char *path = NULL;

  if (!read_crl (crl_path, &crl, keys_func, user_data, error))
    goto out;
  records_sort (&crl.rec);
  path
      = dir != NULL ? mado_crl_index_dir_path_for_key (dir, crl.key_sha256) : g_strdup (index_path);
  if (!write_index (&crl, path, error))
    goto out;
  /* the records are on disk: give their memory back before mapping the file */
  g_clear_pointer (&crl.rec.data, g_free);
  if (dir != NULL)
    index = mado_crl_index_dir_get_index (dir, crl.key_sha256, error);
  else
    index = mado_crl_index_open (path, error);
  if (index == NULL && error != NULL && *error == NULL)
    index_fail (error, path, "vanished right after it was written");

out:
  crl_clear (&crl);
  return index;
}
