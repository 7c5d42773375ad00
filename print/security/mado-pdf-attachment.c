/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pdf-attachment.c — the document's canonical content as an embedded file of its PDF.
 *
 * Method (docs/documents.md, "Verifying a paper"): a PDF incremental update appended to the file
 * cairo wrote: an /EmbeddedFile stream (uncompressed), its /Filespec, a name tree
 * << /Names [(name) filespec] >>, a new revision of the catalog with
 * /Names << /EmbeddedFiles tree >>, then a classic xref section and a trailer with /Prev. The
 * earlier bytes stay as they were. A PDF this cannot update (a cross-reference stream, or a
 * catalog that already has /Names) goes through `qpdf --add-attachment` when qpdf is installed.
 * The file is replaced atomically. Reading goes through poppler.
 */
#include "mado-pdf-attachment.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <poppler.h>

#include "mado-print-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)

typedef struct
{
  const char *data;
  gsize len;
} Pdf;

static gboolean
fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s: %s", path, what);
  return FALSE;
}

static gboolean
is_ws (char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static gboolean
is_delim (char c)
{
  return is_ws (c) || strchr ("()<>[]{}/%", c) != NULL;
}

static gsize
skip_ws (const Pdf *pdf, gsize at)
{
  while (at < pdf->len && is_ws (pdf->data[at]))
    at++;
  return at;
}

/* A non-negative integer at @at; FALSE if none. */
static gboolean
read_uint (const Pdf *pdf, gsize *at, guint64 *value)
{
  gsize i = skip_ws (pdf, *at);
  guint64 v = 0;
  gsize start = i;
  while (i < pdf->len && g_ascii_isdigit (pdf->data[i]) && i - start < 15)
    v = v * 10 + (guint64)(pdf->data[i++] - '0');
  if (i == start)
    return FALSE;
  *at = i;
  *value = v;
  return TRUE;
}

static gboolean
has_keyword (const Pdf *pdf, gsize at, const char *kw)
{
  gsize n = strlen (kw);
  return at + n <= pdf->len && memcmp (pdf->data + at, kw, n) == 0;
}

/* The end (one past the closing >>) of the dictionary starting at @at (which holds "<<"); 0 on
 * malformed input. Strings, hex strings, comments and nesting are skipped. If @names_at_top is
 * given, it is set when a top-level key /Names occurs. */
static gsize
dict_end (const Pdf *pdf, gsize at, gboolean *names_at_top)
{
  int depth = 0;
  gsize i = at;
  while (i < pdf->len)
    {
      char c = pdf->data[i];
      if (c == '<' && i + 1 < pdf->len && pdf->data[i + 1] == '<')
        {
          depth++;
          i += 2;
        }
      else if (c == '>' && i + 1 < pdf->len && pdf->data[i + 1] == '>')
        {
          depth--;
          i += 2;
          if (depth == 0)
            return i;
          if (depth < 0)
            return 0;
        }
      else if (c == '<') /* hex string */
        {
          while (i < pdf->len && pdf->data[i] != '>')
            i++;
          i++;
        }
      else if (c == '(')
        {
          int parens = 0;
          for (; i < pdf->len; i++)
            {
              if (pdf->data[i] == '\\')
                i++;
              else if (pdf->data[i] == '(')
                parens++;
              else if (pdf->data[i] == ')' && --parens == 0)
                break;
            }
          i++;
        }
      else if (c == '%')
        {
          while (i < pdf->len && pdf->data[i] != '\n' && pdf->data[i] != '\r')
            i++;
        }
      else if (c == '/')
        {
          gsize start = ++i;
          while (i < pdf->len && !is_delim (pdf->data[i]))
            i++;
          if (depth == 1 && names_at_top != NULL && i - start == 5
              && memcmp (pdf->data + start, "Names", 5) == 0)
            *names_at_top = TRUE;
        }
      else
        i++;
    }
  return 0;
}

/* The value text following the top-level key /@key in the dictionary [start, end) — as far as
 * "R" for a reference, the closing bracket for an array, else one token. NULL if absent. */
static char *
dict_value (const Pdf *pdf, gsize start, gsize end, const char *key)
{
  g_autofree char *needle = g_strconcat ("/", key, NULL);
  gsize n = strlen (needle);
  for (gsize i = start; i + n < end; i++)
    {
      if (memcmp (pdf->data + i, needle, n) != 0 || !is_delim (pdf->data[i + n]))
        continue;
      gsize v = skip_ws (pdf, i + n);
      if (v >= end)
        return NULL;
      if (pdf->data[v] == '[')
        {
          gsize e = v;
          while (e < end && pdf->data[e] != ']')
            e++;
          return e < end ? g_strndup (pdf->data + v, e - v + 1) : NULL;
        }
      gsize e = v;
      guint64 a, b;
      gsize t = v;
      if (read_uint (pdf, &t, &a) && read_uint (pdf, &t, &b))
        {
          t = skip_ws (pdf, t);
          if (t < end && pdf->data[t] == 'R')
            return g_strndup (pdf->data + v, t - v + 1);
        }
      while (e < end && !is_delim (pdf->data[e]))
        e++;
      return g_strndup (pdf->data + v, e - v);
    }
  return NULL;
}

typedef struct
{
  guint64 size, root, root_gen, prev;
  gboolean has_prev;
  char *info; /* "n g R" or NULL */
  char *id;   /* "[...]" or NULL */
} Trailer;

static void
trailer_clear (Trailer *t)
{
  g_free (t->info);
  g_free (t->id);
}

/* Parses the classic xref section at @at: finds the offset of object @want (0 if not in this
 * section) and its trailer. FALSE if this is not a classic xref section. */
static gboolean
parse_xref (const Pdf *pdf, gsize at, guint64 want, guint64 *offset, Trailer *trailer)
{
  if (!has_keyword (pdf, at, "xref"))
    return FALSE;
  gsize i = at + 4;
  for (;;)
    {
      guint64 first, count;
      gsize save = i;
      if (!read_uint (pdf, &i, &first) || !read_uint (pdf, &i, &count))
        {
          i = skip_ws (pdf, save);
          break;
        }
      if (count > 10000000)
        return FALSE;
      for (guint64 k = 0; k < count; k++)
        {
          guint64 off, gen;
          if (!read_uint (pdf, &i, &off) || !read_uint (pdf, &i, &gen))
            return FALSE;
          i = skip_ws (pdf, i);
          if (i >= pdf->len || (pdf->data[i] != 'n' && pdf->data[i] != 'f'))
            return FALSE;
          if (first + k == want && pdf->data[i] == 'n')
            *offset = off;
          i++;
        }
    }
  if (!has_keyword (pdf, i, "trailer"))
    return FALSE;
  gsize d = skip_ws (pdf, i + 7);
  if (!has_keyword (pdf, d, "<<"))
    return FALSE;
  gsize e = dict_end (pdf, d, NULL);
  if (e == 0)
    return FALSE;
  g_autofree char *size = dict_value (pdf, d, e, "Size");
  g_autofree char *root = dict_value (pdf, d, e, "Root");
  g_autofree char *prev = dict_value (pdf, d, e, "Prev");
  trailer->size = size != NULL ? g_ascii_strtoull (size, NULL, 10) : 0;
  if (root != NULL)
    {
      char *end = NULL;
      trailer->root = g_ascii_strtoull (root, &end, 10);
      trailer->root_gen = g_ascii_strtoull (end, NULL, 10);
    }
  trailer->has_prev = prev != NULL;
  trailer->prev = prev != NULL ? g_ascii_strtoull (prev, NULL, 10) : 0;
  trailer->info = dict_value (pdf, d, e, "Info");
  trailer->id = dict_value (pdf, d, e, "ID");
  return TRUE;
}

static void
append_pdf_string (GString *out, const char *s)
{
  g_string_append_c (out, '(');
  for (; *s != '\0'; s++)
    {
      if (*s == '(' || *s == ')' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, ')');
}

/* The incremental update, or NULL with @why set when this PDF needs another method. */
static GBytes *
incremental_update (const Pdf *pdf, const char *name, GBytes *data, const char **why)
{
  /* startxref N, within the last kilobyte */
  gsize tail = pdf->len > 1024 ? pdf->len - 1024 : 0;
  gsize sx = 0;
  gboolean found = FALSE;
  for (gsize i = pdf->len; i > tail && !found; i--)
    if (has_keyword (pdf, i - 1, "startxref"))
      {
        sx = i - 1;
        found = TRUE;
      }
  guint64 xref_at = 0;
  gsize p = sx + 9;
  if (!found || !read_uint (pdf, &p, &xref_at) || xref_at >= pdf->len)
    {
      *why = "no startxref";
      return NULL;
    }

  /* the newest trailer, then the catalog's offset along the /Prev chain */
  Trailer newest = { 0 };
  guint64 catalog_at = 0;
  if (!parse_xref (pdf, (gsize)xref_at, 0, &catalog_at, &newest) || newest.root == 0
      || newest.size == 0)
    {
      trailer_clear (&newest);
      *why = "not a classic cross-reference table";
      return NULL;
    }
  guint64 section = xref_at;
  for (int hops = 0; hops < 64 && catalog_at == 0; hops++)
    {
      Trailer t = { 0 };
      gboolean ok = parse_xref (pdf, (gsize)section, newest.root, &catalog_at, &t);
      gboolean more = ok && t.has_prev && t.prev < pdf->len;
      section = t.prev;
      trailer_clear (&t);
      if (!more)
        break;
    }
  gsize c = (gsize)catalog_at;
  guint64 num, gen;
  if (catalog_at == 0 || catalog_at >= pdf->len || !read_uint (pdf, &c, &num)
      || !read_uint (pdf, &c, &gen) || num != newest.root)
    {
      trailer_clear (&newest);
      *why = "catalog not found";
      return NULL;
    }
  c = skip_ws (pdf, c);
  if (!has_keyword (pdf, c, "obj"))
    {
      trailer_clear (&newest);
      *why = "catalog not found";
      return NULL;
    }
  c = skip_ws (pdf, c + 3);
  gboolean has_names = FALSE;
  gsize ce = has_keyword (pdf, c, "<<") ? dict_end (pdf, c, &has_names) : 0;
  if (ce == 0 || has_names)
    {
      trailer_clear (&newest);
      *why = ce == 0 ? "unreadable catalog" : "the catalog already has /Names";
      return NULL;
    }

  gsize data_len = 0;
  const char *bytes = g_bytes_get_data (data, &data_len);
  GString *out = g_string_sized_new (data_len + 1024);
  guint64 base = pdf->len;
  if (pdf->len > 0 && pdf->data[pdf->len - 1] != '\n' && pdf->data[pdf->len - 1] != '\r')
    g_string_append_c (out, '\n');

  guint64 file_obj = newest.size, spec_obj = newest.size + 1, tree_obj = newest.size + 2;
  guint64 offsets[4];

  offsets[0] = base + out->len;
  g_string_append_printf (out,
                          "%" G_GUINT64_FORMAT " 0 obj\n<< /Type /EmbeddedFile"
                          " /Subtype /application#2Fjson /Length %" G_GSIZE_FORMAT
                          " /Params << /Size %" G_GSIZE_FORMAT " >> >>\nstream\n",
                          file_obj, data_len, data_len);
  g_string_append_len (out, bytes, (gssize)data_len);
  g_string_append (out, "\nendstream\nendobj\n");

  offsets[1] = base + out->len;
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " 0 obj\n<< /Type /Filespec /F ", spec_obj);
  append_pdf_string (out, name);
  g_string_append (out, " /UF ");
  append_pdf_string (out, name);
  g_string_append_printf (out,
                          " /Desc (Madoguchi canonical document content)"
                          " /EF << /F %" G_GUINT64_FORMAT " 0 R >> >>\nendobj\n",
                          file_obj);

  offsets[2] = base + out->len;
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " 0 obj\n<< /Names [", tree_obj);
  append_pdf_string (out, name);
  g_string_append_printf (out, " %" G_GUINT64_FORMAT " 0 R] >>\nendobj\n", spec_obj);

  /* the catalog again: its dictionary less the closing >>, plus /Names */
  offsets[3] = base + out->len;
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " obj\n", newest.root,
                          gen);
  g_string_append_len (out, pdf->data + c, (gssize)(ce - 2 - c));
  g_string_append_printf (
      out, " /Names << /EmbeddedFiles %" G_GUINT64_FORMAT " 0 R >> >>\nendobj\n", tree_obj);

  guint64 xref = base + out->len;
  g_string_append_printf (
      out, "xref\n%" G_GUINT64_FORMAT " 1\n%010" G_GUINT64_FORMAT " %05" G_GUINT64_FORMAT " n \n",
      newest.root, offsets[3], gen);
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " 3\n", file_obj);
  for (int k = 0; k < 3; k++)
    g_string_append_printf (out, "%010" G_GUINT64_FORMAT " 00000 n \n", offsets[k]);
  g_string_append_printf (out,
                          "trailer\n<< /Size %" G_GUINT64_FORMAT " /Root %" G_GUINT64_FORMAT
                          " %" G_GUINT64_FORMAT " R",
                          newest.size + 3, newest.root, gen);
  if (newest.info != NULL)
    g_string_append_printf (out, " /Info %s", newest.info);
  if (newest.id != NULL)
    g_string_append_printf (out, " /ID %s", newest.id);
  g_string_append_printf (
      out, " /Prev %" G_GUINT64_FORMAT " >>\nstartxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n", xref_at,
      xref);
  trailer_clear (&newest);
  return g_string_free_to_bytes (out);
}

static gboolean
attach_with_qpdf (const char *path, const char *name, GBytes *data, GError **error)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  if (qpdf == NULL)
    return fail (error, path, "cannot add the attachment (qpdf not installed)");
  g_autofree char *dir = g_dir_make_tmp ("mado-attach-XXXXXX", NULL);
  if (dir == NULL)
    return fail (error, path, "cannot make a temporary directory");
  g_autofree char *content = g_build_filename (dir, name, NULL);
  g_autofree char *out = g_strconcat (path, ".attach-tmp", NULL);
  gsize len = 0;
  const char *bytes = g_bytes_get_data (data, &len);
  gboolean ok = g_file_set_contents (content, bytes, (gssize)len, NULL);
  g_autofree char *key = g_strconcat ("--key=", name, NULL);
  g_autofree char *filename = g_strconcat ("--filename=", name, NULL);
  const char *argv[] = { qpdf,     "--add-attachment",
                         content,  key,
                         filename, "--mimetype=application/json",
                         "--",     path,
                         out,      NULL };
  int status = 0;
  g_autofree char *err = NULL;
  if (ok)
    ok = g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                       &err, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
  g_unlink (content);
  g_rmdir (dir);
  if (!ok || g_rename (out, path) != 0)
    {
      g_unlink (out);
      return fail (error, path, "qpdf could not add the attachment");
    }
  return TRUE;
}

gboolean
mado_pdf_attach (const char *path, const char *name, GBytes *data, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &contents, &len, &local))
    return fail (error, path, local->message);
  if (len < 8 || memcmp (contents, "%PDF-", 5) != 0)
    return fail (error, path, "not a PDF");
  for (const char *n = name; *n != '\0'; n++)
    if (*n < 0x20 || *n > 0x7e)
      return fail (error, path, "an attachment name must be printable ASCII");

  Pdf pdf = { contents, len };
  const char *why = NULL;
  g_autoptr (GBytes) update = incremental_update (&pdf, name, data, &why);
  if (update == NULL)
    {
      g_debug ("%s: %s; using qpdf", path, why);
      return attach_with_qpdf (path, name, data, error);
    }
  gsize ulen = 0;
  const char *u = g_bytes_get_data (update, &ulen);
  GString *all = g_string_sized_new (len + ulen);
  g_string_append_len (all, contents, (gssize)len);
  g_string_append_len (all, u, (gssize)ulen);
  /* g_file_set_contents writes a temporary file beside @path, syncs it and renames it */
  gboolean ok = g_file_set_contents (path, all->str, (gssize)all->len, &local);
  g_string_free (all, TRUE);
  if (!ok)
    return fail (error, path, local->message);
  return TRUE;
}

static gboolean
collect (const gchar *buf, gsize count, gpointer data, GError **error)
{
  g_byte_array_append (data, (const guint8 *)buf, (guint)count);
  return TRUE;
}

GBytes *
mado_pdf_read_attachment (const char *path, const char *name, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &local);
  if (uri == NULL && !g_path_is_absolute (path))
    {
      g_autofree char *cwd = g_get_current_dir ();
      g_autofree char *abs = g_build_filename (cwd, path, NULL);
      g_clear_error (&local);
      uri = g_filename_to_uri (abs, NULL, &local);
    }
  if (uri == NULL)
    {
      fail (error, path, local->message);
      return NULL;
    }
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_file (uri, NULL, &local);
  if (doc == NULL)
    {
      fail (error, path, local != NULL ? local->message : "cannot open the PDF");
      return NULL;
    }
  GList *attachments = poppler_document_get_attachments (doc);
  GBytes *found = NULL;
  for (GList *l = attachments; l != NULL && found == NULL; l = l->next)
    {
      PopplerAttachment *a = l->data;
      const char *aname = poppler_attachment_get_name (a);
      if (aname == NULL || !g_str_equal (aname, name))
        continue;
      GByteArray *buf = g_byte_array_new ();
      if (poppler_attachment_save_to_callback (a, collect, buf, NULL))
        found = g_byte_array_free_to_bytes (buf);
      else
        g_byte_array_unref (buf);
    }
  g_list_free_full (attachments, g_object_unref);
  if (found == NULL)
    g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s carries no embedded %s", path,
                 name);
  return found;
}
