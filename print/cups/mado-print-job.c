/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print-job.c — Print-Job, Get-Job-Attributes, Get-Printer-Attributes and Cancel-Job with
 * libcups, each call on its own http_t in the calling thread; the _async functions run the sync
 * code in GTask threads (return-on-cancel as in the GNOME printers panel: the thread takes the
 * right to return back before it returns, and cleans up itself when the caller has gone).
 */
#include <string.h>

#include <cups/cups.h>

#include "mado-print-error.h"
#include "mado-print-job.h"

struct _MadoPrintJob
{
  GObject parent_instance;

  /* immutable once submitted: worker threads read them */
  char *target;
  char *host; /* host name, or a socket path for the local scheduler */
  int port;
  http_encryption_t encryption;
  char *resource; /* where requests are POSTed */
  char *printer_uri;
  char *job_uri;
  int job_id;
  guint poll_ms;

  /* the last state seen; main-thread only */
  MadoPrintJobState state;
  GStrv state_reasons;
  char *state_message;
  int printer_state;
  GStrv printer_state_reasons;
  char *printer_state_message;
  gint64 seen_final_at;
};

G_DEFINE_FINAL_TYPE (MadoPrintJob, mado_print_job, G_TYPE_OBJECT)

static const char *const no_reasons[] = { NULL };

static void
mado_print_job_finalize (GObject *object)
{
  MadoPrintJob *self = MADO_PRINT_JOB (object);

  g_free (self->target);
  g_free (self->host);
  g_free (self->resource);
  g_free (self->printer_uri);
  g_free (self->job_uri);
  g_strfreev (self->state_reasons);
  g_free (self->state_message);
  g_strfreev (self->printer_state_reasons);
  g_free (self->printer_state_message);
  G_OBJECT_CLASS (mado_print_job_parent_class)->finalize (object);
}

static void
mado_print_job_class_init (MadoPrintJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_print_job_finalize;
}

static void
mado_print_job_init (MadoPrintJob *self)
{
  self->poll_ms = MADO_PRINT_JOB_DEFAULT_POLL_MS;
}

/* --- words ----------------------------------------------------------------------------------- */

const char *
mado_print_job_state_to_string (MadoPrintJobState state)
{
  switch (state)
    {
    case MADO_PRINT_JOB_STATE_PENDING:
      return "pending";
    case MADO_PRINT_JOB_STATE_HELD:
      return "held";
    case MADO_PRINT_JOB_STATE_PROCESSING:
      return "processing";
    case MADO_PRINT_JOB_STATE_STOPPED:
      return "stopped";
    case MADO_PRINT_JOB_STATE_CANCELED:
      return "canceled";
    case MADO_PRINT_JOB_STATE_ABORTED:
      return "aborted";
    case MADO_PRINT_JOB_STATE_COMPLETED:
      return "completed";
    case MADO_PRINT_JOB_STATE_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
mado_print_job_outcome (const GError *error)
{
  if (error == NULL)
    return "completed";
  if (error->domain != MADO_PRINT_ERROR)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" : "failed";
  switch ((MadoPrintError)error->code)
    {
    case MADO_PRINT_ERROR_PRINTER_NOT_FOUND:
      return "printer-not-found";
    case MADO_PRINT_ERROR_PRINTER_UNREACHABLE:
      return "printer-unreachable";
    case MADO_PRINT_ERROR_PRINTER_STOPPED:
      return "printer-stopped";
    case MADO_PRINT_ERROR_MEDIA_JAM:
      return "media-jam";
    case MADO_PRINT_ERROR_MEDIA_EMPTY:
      return "media-empty";
    case MADO_PRINT_ERROR_JOB_ABORTED:
      return "job-aborted";
    case MADO_PRINT_ERROR_JOB_CANCELED:
      return "job-canceled";
    case MADO_PRINT_ERROR_JOB_HELD:
      return "job-held";
    case MADO_PRINT_ERROR_TIMEOUT:
      return "timeout";
    case MADO_PRINT_ERROR_PDF:
      return "pdf";
    default:
      return "failed";
    }
}

gboolean
mado_print_target_is_uri (const char *target)
{
  return target != NULL
         && (g_str_has_prefix (target, "ipp://") || g_str_has_prefix (target, "ipps://"));
}

/* --- connection ------------------------------------------------------------------------------ */

/* Fills host, port, encryption, resource and printer-uri of @self from its target. */
static gboolean
resolve_target (MadoPrintJob *self, GError **error)
{
  if (mado_print_target_is_uri (self->target))
    {
      char scheme[32], userpass[256], host[256], resource[1024];
      int port = 0;

      if (httpSeparateURI (HTTP_URI_CODING_ALL, self->target, scheme, sizeof scheme, userpass,
                           sizeof userpass, host, sizeof host, &port, resource, sizeof resource)
              < HTTP_URI_STATUS_OK
          || host[0] == '\0')
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND,
                       "“%s” is not a printer URI", self->target);
          return FALSE;
        }
      self->host = g_strdup (host);
      self->port = port;
      self->encryption
          = g_str_equal (scheme, "ipps") ? HTTP_ENCRYPTION_ALWAYS : HTTP_ENCRYPTION_IF_REQUESTED;
      self->resource = g_strdup (resource[0] != '\0' ? resource : "/");
      self->printer_uri = g_strdup (self->target);
      return TRUE;
    }

  /* a queue of the scheduler libcups is configured for */
  if (self->target == NULL || self->target[0] == '\0' || strchr (self->target, '/') != NULL
      || strchr (self->target, ' ') != NULL || strchr (self->target, '#') != NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND,
                   "“%s” is neither a queue name nor an ipp:// URI",
                   self->target != NULL ? self->target : "");
      return FALSE;
    }
  char uri[1024];
  self->host = g_strdup (cupsServer ());
  self->port = ippPort ();
  self->encryption = cupsEncryption ();
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
                    "/printers/%s", self->target);
  self->printer_uri = g_strdup (uri);
  self->resource = g_strdup_printf ("/printers/%s", self->target);
  return TRUE;
}

static const char *
where (MadoPrintJob *self)
{
  return mado_print_target_is_uri (self->target) ? self->target : self->host;
}

static http_t *
connect_printer (MadoPrintJob *self, GError **error)
{
  http_t *http = httpConnect2 (self->host, self->port, NULL, AF_UNSPEC, self->encryption, 1,
                               MADO_PRINT_JOB_CONNECT_TIMEOUT_MS, NULL);
  if (http == NULL)
    {
      /* libcups leaves neither errno nor its last error meaningful here */
      if (mado_print_target_is_uri (self->target))
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE,
                     "cannot connect to the printer %s", self->target);
      else if (self->host[0] == '/')
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE,
                     "cannot connect to CUPS at %s (is cupsd running?)", self->host);
      else
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE,
                     "cannot connect to CUPS at %s:%d (is cupsd running?)", self->host, self->port);
      return NULL;
    }
  httpSetTimeout (http, 10.0, NULL, NULL);
  return http;
}

static ipp_t *
new_request (MadoPrintJob *self, ipp_op_t op)
{
  ipp_t *request = ippNewRequest (op);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, self->printer_uri);
  if (self->job_id > 0)
    ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", self->job_id);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  return request;
}

/* A failed request as an error: the printer or queue missing, no connection, or a refusal. */
static void
set_request_error (MadoPrintJob *self, ipp_status_t status, const char *text, const char *what,
                   GError **error)
{
  switch (status)
    {
    case IPP_STATUS_ERROR_NOT_FOUND:
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND,
                   "no printer “%s”: %s", self->target, text);
      break;
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_STOPPED,
                   "printer “%s” does not accept jobs: %s", self->target, text);
      break;
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
    case IPP_STATUS_ERROR_DEVICE:
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE,
                   "%s: %s does not answer: %s", what, where (self), text);
      break;
    default:
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED,
                   "%s refused by “%s”: %s (%s)", what, self->target, text,
                   ippErrorString (status));
      break;
    }
}

/* --- state ----------------------------------------------------------------------------------- */

/* What one poll saw; owned by the thread, applied to the job in _finish. */
typedef struct
{
  MadoPrintJobState state;
  GStrv state_reasons;
  char *state_message;
  int printer_state;
  GStrv printer_state_reasons;
  char *printer_state_message;
  gint64 seen_final_at;
} JobStatus;

static void
job_status_clear (JobStatus *status)
{
  g_clear_pointer (&status->state_reasons, g_strfreev);
  g_clear_pointer (&status->state_message, g_free);
  g_clear_pointer (&status->printer_state_reasons, g_strfreev);
  g_clear_pointer (&status->printer_state_message, g_free);
}

static void
apply_status (MadoPrintJob *self, JobStatus *status)
{
  self->state = status->state;
  g_strfreev (self->state_reasons);
  self->state_reasons = g_steal_pointer (&status->state_reasons);
  g_free (self->state_message);
  self->state_message = g_steal_pointer (&status->state_message);
  if (status->printer_state != 0)
    {
      self->printer_state = status->printer_state;
      g_strfreev (self->printer_state_reasons);
      self->printer_state_reasons = g_steal_pointer (&status->printer_state_reasons);
      g_free (self->printer_state_message);
      self->printer_state_message = g_steal_pointer (&status->printer_state_message);
    }
  if (status->seen_final_at != 0)
    self->seen_final_at = status->seen_final_at;
}

static GStrv
keywords (ipp_t *response, const char *name)
{
  ipp_attribute_t *attr = ippFindAttribute (response, name, IPP_TAG_ZERO);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  for (int i = 0; attr != NULL && i < ippGetCount (attr); i++)
    {
      const char *word = ippGetString (attr, i, NULL);
      if (word != NULL && !g_str_equal (word, "none"))
        g_strv_builder_add (builder, word);
    }
  return g_strv_builder_end (builder);
}

static char *
text (ipp_t *response, const char *name)
{
  ipp_attribute_t *attr = ippFindAttribute (response, name, IPP_TAG_ZERO);
  const char *value = attr != NULL ? ippGetString (attr, 0, NULL) : NULL;
  return value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

/* A fault: the keyword bare, -error or -warning; -report is not one. The severity suffix is
 * not trusted to mean impact: ippeveprinter (and many printers) mark every reason "-warning"
 * while processing and "-error" only once stopped, and a kiosk's one tray cannot be empty or
 * jammed harmlessly. */
static gboolean
has_fault (const char *const *reasons, const char *keyword)
{
  gsize length = strlen (keyword);
  for (gsize i = 0; reasons != NULL && reasons[i] != NULL; i++)
    if (strncmp (reasons[i], keyword, length) == 0
        && (reasons[i][length] == '\0' || g_str_equal (reasons[i] + length, "-error")
            || g_str_equal (reasons[i] + length, "-warning")))
      return TRUE;
  return FALSE;
}

static char *
describe (const JobStatus *status)
{
  g_autofree char *reasons
      = status->state_reasons != NULL ? g_strjoinv (",", status->state_reasons) : g_strdup ("");
  g_autofree char *preasons = status->printer_state_reasons != NULL
                                  ? g_strjoinv (",", status->printer_state_reasons)
                                  : g_strdup ("");
  const char *message = status->printer_state_message != NULL ? status->printer_state_message
                        : status->state_message != NULL       ? status->state_message
                                                              : NULL;
  return g_strdup_printf ("job %s (%s), printer %s (%s)%s%s",
                          mado_print_job_state_to_string (status->state), reasons,
                          status->printer_state == IPP_PSTATE_STOPPED      ? "stopped"
                          : status->printer_state == IPP_PSTATE_PROCESSING ? "processing"
                          : status->printer_state == IPP_PSTATE_IDLE       ? "idle"
                                                                           : "unknown",
                          preasons, message != NULL ? ": " : "", message != NULL ? message : "");
}

/* The outcome of one poll: TRUE when the job has ended, successfully or (with @error) not. */
static gboolean
judge (MadoPrintJob *self, const JobStatus *status, GError **error)
{
  const char *pmessage = status->printer_state_message;
  const char *jmessage = status->state_message;
  const char *const *preasons = (const char *const *)status->printer_state_reasons;

  if (status->state == MADO_PRINT_JOB_STATE_COMPLETED)
    return TRUE;

  g_autofree char *detail = describe (status);
  if (status->state == MADO_PRINT_JOB_STATE_CANCELED)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_CANCELED,
                   "job %d on “%s” was canceled%s%s", self->job_id, self->target,
                   jmessage != NULL ? ": " : "", jmessage != NULL ? jmessage : "");
      return TRUE;
    }
  /* A queue's reasons are refreshed by the backend of the job it runs: while our job waits on an
   * idle queue they may be stale (a tray refilled since), so they count only once our job is
   * processing or has ended, or when the printer stopped. */
  gboolean live = status->state == MADO_PRINT_JOB_STATE_PROCESSING
                  || status->state == MADO_PRINT_JOB_STATE_ABORTED
                  || status->state == MADO_PRINT_JOB_STATE_STOPPED
                  || status->printer_state == IPP_PSTATE_STOPPED;
  if (live && has_fault (preasons, "media-jam"))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_MEDIA_JAM,
                   "paper jam on “%s” (job %d): %s", self->target, self->job_id, detail);
      return TRUE;
    }
  if (live && (has_fault (preasons, "media-empty") || has_fault (preasons, "media-needed")))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_MEDIA_EMPTY,
                   "out of paper on “%s” (job %d): %s", self->target, self->job_id, detail);
      return TRUE;
    }
  if (status->state == MADO_PRINT_JOB_STATE_ABORTED)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED,
                   "job %d on “%s” was aborted%s%s", self->job_id, self->target,
                   jmessage != NULL ? ": " : "", jmessage != NULL ? jmessage : "");
      return TRUE;
    }
  if (status->state == MADO_PRINT_JOB_STATE_HELD)
    {
      g_autofree char *reasons = g_strjoinv (",", status->state_reasons);
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_HELD,
                   "job %d on “%s” is held (%s)%s%s", self->job_id, self->target, reasons,
                   jmessage != NULL ? ": " : "", jmessage != NULL ? jmessage : "");
      return TRUE;
    }
  if (status->state == MADO_PRINT_JOB_STATE_STOPPED || status->printer_state == IPP_PSTATE_STOPPED)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_STOPPED,
                   "printer “%s” stopped with job %d %s: %s", self->target, self->job_id,
                   mado_print_job_state_to_string (status->state),
                   pmessage != NULL ? pmessage : detail);
      return TRUE;
    }
  return FALSE;
}

/* One Get-Job-Attributes and one Get-Printer-Attributes. FALSE with @error: the job is gone
 * (JOB_ABORTED) or the request failed (UNREACHABLE or another refusal). */
static gboolean
poll_once (MadoPrintJob *self, http_t *http, JobStatus *status, GError **error)
{
  static const char *const job_attrs[]
      = { "job-state", "job-state-reasons", "job-state-message", "job-printer-state-message" };
  static const char *const printer_attrs[]
      = { "printer-state", "printer-state-reasons", "printer-state-message" };

  ipp_t *request = new_request (self, IPP_OP_GET_JOB_ATTRIBUTES);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (job_attrs), NULL, job_attrs);
  ipp_t *response = cupsDoRequest (http, request, self->resource);
  ipp_status_t code = cupsLastError ();
  if (response == NULL || code > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      if (code == IPP_STATUS_ERROR_NOT_FOUND && response != NULL)
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED,
                     "job %d vanished from “%s”; its outcome is unknown", self->job_id,
                     self->target);
      else
        set_request_error (self, response == NULL ? IPP_STATUS_ERROR_SERVICE_UNAVAILABLE : code,
                           cupsLastErrorString (), "Get-Job-Attributes", error);
      return FALSE;
    }
  job_status_clear (status);
  status->state = (MadoPrintJobState)ippGetInteger (
      ippFindAttribute (response, "job-state", IPP_TAG_ENUM), 0);
  status->state_reasons = keywords (response, "job-state-reasons");
  status->state_message = text (response, "job-state-message");
  /* cupsd keeps the backend's last INFO: line here; the printer's own message may be empty */
  g_autofree char *job_printer_message = text (response, "job-printer-state-message");
  ippDelete (response);

  request = new_request (self, IPP_OP_GET_PRINTER_ATTRIBUTES);
  /* Get-Printer-Attributes carries no job-id */
  ippDeleteAttribute (request, ippFindAttribute (request, "job-id", IPP_TAG_INTEGER));
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (printer_attrs), NULL, printer_attrs);
  response = cupsDoRequest (http, request, self->resource);
  code = cupsLastError ();
  if (response == NULL || code > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      set_request_error (self, response == NULL ? IPP_STATUS_ERROR_SERVICE_UNAVAILABLE : code,
                         cupsLastErrorString (), "Get-Printer-Attributes", error);
      return FALSE;
    }
  status->printer_state
      = ippGetInteger (ippFindAttribute (response, "printer-state", IPP_TAG_ENUM), 0);
  status->printer_state_reasons = keywords (response, "printer-state-reasons");
  status->printer_state_message = text (response, "printer-state-message");
  if (status->printer_state_message == NULL)
    status->printer_state_message = g_steal_pointer (&job_printer_message);
  ippDelete (response);
  return TRUE;
}

/* Sleeps @ms, waking early when @cancellable fires. */
static void
nap (guint ms, GCancellable *cancellable)
{
  if (cancellable == NULL)
    {
      g_usleep ((gulong)ms * 1000);
      return;
    }
  GPollFD fd;
  if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (gint)ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
}

/* The wait, in the calling thread; the last status seen goes to @status. */
static MadoPrintJobState
wait_sync (MadoPrintJob *self, guint timeout_ms, GCancellable *cancellable, JobStatus *status,
           GError **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = timeout_ms > 0 ? start + (gint64)timeout_ms * 1000 : G_MAXINT64;
  gint64 failing_since = 0;
  g_autoptr (GError) last_failure = NULL;
  http_t *http = NULL;

  for (;;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;

      g_autoptr (GError) local = NULL;
      if (http == NULL)
        http = connect_printer (self, &local);
      if (http != NULL && poll_once (self, http, status, &local))
        {
          failing_since = 0;
          if (judge (self, status, error))
            {
              status->seen_final_at = g_get_real_time ();
              httpClose (http);
              return status->state == MADO_PRINT_JOB_STATE_COMPLETED
                         ? MADO_PRINT_JOB_STATE_COMPLETED
                         : MADO_PRINT_JOB_STATE_UNKNOWN;
            }
        }
      else if (g_error_matches (local, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE))
        {
          /* a restarting scheduler or a printer waking up: try again for a while */
          gint64 now = g_get_monotonic_time ();
          if (failing_since == 0)
            failing_since = now;
          g_clear_error (&last_failure);
          last_failure = g_steal_pointer (&local);
          g_clear_pointer (&http, httpClose);
          if (now - failing_since >= (gint64)MADO_PRINT_JOB_UNREACHABLE_MS * 1000)
            {
              g_propagate_error (error, g_steal_pointer (&last_failure));
              break;
            }
        }
      else
        {
          g_propagate_error (error, g_steal_pointer (&local));
          break;
        }

      gint64 now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          g_autofree char *detail = describe (status);
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TIMEOUT,
                       "job %d on “%s” did not finish in %.1f s: %s", self->job_id, self->target,
                       (double)timeout_ms / 1000.0, detail);
          break;
        }
      gint64 left_ms = (deadline - now) / 1000;
      nap ((guint)MIN ((gint64)self->poll_ms, MAX (left_ms, 1)), cancellable);
    }
  g_clear_pointer (&http, httpClose);
  return MADO_PRINT_JOB_STATE_UNKNOWN;
}

/* --- submission ------------------------------------------------------------------------------ */

static gboolean
check_pdf (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) local = NULL;
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, &local);
  char head[5];
  gsize got = 0;

  if (in == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &got, NULL, &local))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "cannot read %s: %s", path,
                   local->message);
      return FALSE;
    }
  if (got != sizeof head || memcmp (head, "%PDF-", sizeof head) != 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s is not a PDF", path);
      return FALSE;
    }
  return TRUE;
}

static MadoPrintJob *
submit_sync (const char *target, const char *pdf_path, const char *title,
             const char *const *options, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (pdf_path != NULL, NULL);

  if (!check_pdf (pdf_path, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  g_autoptr (MadoPrintJob) self = g_object_new (MADO_TYPE_PRINT_JOB, NULL);
  self->target = g_strdup (target);
  if (!resolve_target (self, error))
    return NULL;

  http_t *http = connect_printer (self, error);
  if (http == NULL)
    return NULL;

  g_autofree char *basename = g_path_get_basename (pdf_path);
  ipp_t *request = new_request (self, IPP_OP_PRINT_JOB);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL,
                title != NULL ? title : basename);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL,
                "application/pdf");
  cups_option_t *opts = NULL;
  int n_opts = 0;
  for (gsize i = 0; options != NULL && options[i] != NULL; i++)
    n_opts = cupsParseOptions (options[i], n_opts, &opts);
  cupsEncodeOptions2 (request, n_opts, opts, IPP_TAG_OPERATION);
  cupsEncodeOptions2 (request, n_opts, opts, IPP_TAG_JOB);
  cupsFreeOptions (n_opts, opts);

  ipp_t *response = cupsDoFileRequest (http, request, self->resource, pdf_path);
  ipp_status_t code = cupsLastError ();
  httpClose (http);
  if (response == NULL || code > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      set_request_error (self,
                         response == NULL && code < IPP_STATUS_ERROR_BAD_REQUEST
                             ? IPP_STATUS_ERROR_SERVICE_UNAVAILABLE
                             : code,
                         cupsLastErrorString (), "Print-Job", error);
      return NULL;
    }
  self->job_id = ippGetInteger (ippFindAttribute (response, "job-id", IPP_TAG_INTEGER), 0);
  self->job_uri = text (response, "job-uri");
  self->state = (MadoPrintJobState)ippGetInteger (
      ippFindAttribute (response, "job-state", IPP_TAG_ENUM), 0);
  self->state_reasons = keywords (response, "job-state-reasons");
  ippDelete (response);
  if (self->job_id <= 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED,
                   "“%s” accepted the job but gave no job-id", self->target);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
cancel_sync (MadoPrintJob *self, GCancellable *cancellable, GError **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  http_t *http = connect_printer (self, error);
  if (http == NULL)
    return FALSE;
  ipp_t *response = cupsDoRequest (http, new_request (self, IPP_OP_CANCEL_JOB), self->resource);
  ipp_status_t code = cupsLastError ();
  httpClose (http);
  ippDelete (response);
  /* not-possible: the job had already ended */
  if (response != NULL
      && (code <= IPP_STATUS_OK_EVENTS_COMPLETE || code == IPP_STATUS_ERROR_NOT_POSSIBLE))
    return TRUE;
  set_request_error (self, response == NULL ? IPP_STATUS_ERROR_SERVICE_UNAVAILABLE : code,
                     cupsLastErrorString (), "Cancel-Job", error);
  return FALSE;
}

/* --- public: sync ---------------------------------------------------------------------------- */

MadoPrintJob *
mado_print_job_submit (const char *target, const char *pdf_path, const char *title,
                       const char *const *options, GCancellable *cancellable, GError **error)
{
  return submit_sync (target, pdf_path, title, options, cancellable, error);
}

MadoPrintJobState
mado_print_job_wait (MadoPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                     GError **error)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), MADO_PRINT_JOB_STATE_UNKNOWN);
  JobStatus status = { 0 };
  MadoPrintJobState state = wait_sync (self, timeout_ms, cancellable, &status, error);
  apply_status (self, &status);
  job_status_clear (&status);
  return state;
}

gboolean
mado_print_job_cancel (MadoPrintJob *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), FALSE);
  return cancel_sync (self, cancellable, error);
}

/* --- public: async --------------------------------------------------------------------------- */

typedef struct
{
  char *target;
  char *pdf_path;
  char *title;
  GStrv options;
} SubmitData;

static void
submit_data_free (gpointer data)
{
  SubmitData *d = data;
  g_free (d->target);
  g_free (d->pdf_path);
  g_free (d->title);
  g_strfreev (d->options);
  g_free (d);
}

static void
submit_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SubmitData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = submit_sync (d->target, d->pdf_path, d->title,
                                              (const char *const *)d->options, cancellable, &error);

  if (g_task_set_return_on_cancel (task, FALSE))
    {
      if (job != NULL)
        g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
    }
  else if (job != NULL)
    {
      /* the caller has gone believing nothing was submitted: make that true */
      g_autoptr (GError) cancel_error = NULL;
      if (!cancel_sync (job, NULL, &cancel_error))
        g_warning ("could not cancel job %d the caller abandoned: %s", job->job_id,
                   cancel_error->message);
    }
}

void
mado_print_job_submit_async (const char *target, const char *pdf_path, const char *title,
                             const char *const *options, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SubmitData *d = g_new0 (SubmitData, 1);
  d->target = g_strdup (target);
  d->pdf_path = g_strdup (pdf_path);
  d->title = g_strdup (title);
  d->options = g_strdupv ((GStrv)options);
  g_task_set_source_tag (task, mado_print_job_submit_async);
  g_task_set_task_data (task, d, submit_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, submit_thread);
}

MadoPrintJob *
mado_print_job_submit_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, mado_print_job_submit_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  guint timeout_ms;
  JobStatus status;
} WaitData;

static void
wait_data_free (gpointer data)
{
  WaitData *d = data;
  job_status_clear (&d->status);
  g_free (d);
}

static void
wait_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  MadoPrintJob *self = source;
  WaitData *d = task_data;
  JobStatus status = { 0 };
  g_autoptr (GError) error = NULL;
  MadoPrintJobState state = wait_sync (self, d->timeout_ms, cancellable, &status, &error);

  if (g_task_set_return_on_cancel (task, FALSE))
    {
      d->status = status; /* handed over to _finish */
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_int (task, state);
    }
  else
    job_status_clear (&status);
}

void
mado_print_job_wait_async (MadoPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (MADO_IS_PRINT_JOB (self));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  WaitData *d = g_new0 (WaitData, 1);
  d->timeout_ms = timeout_ms;
  g_task_set_source_tag (task, mado_print_job_wait_async);
  g_task_set_task_data (task, d, wait_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, wait_thread);
}

MadoPrintJobState
mado_print_job_wait_finish (MadoPrintJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), MADO_PRINT_JOB_STATE_UNKNOWN);
  g_return_val_if_fail (g_async_result_is_tagged (result, mado_print_job_wait_async),
                        MADO_PRINT_JOB_STATE_UNKNOWN);
  WaitData *d = g_task_get_task_data (G_TASK (result));
  GError *local = NULL;
  gssize state = g_task_propagate_int (G_TASK (result), &local);

  /* a cancelled wait returned before its thread wrote anything */
  if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) || d->status.state != 0)
    apply_status (self, &d->status);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return MADO_PRINT_JOB_STATE_UNKNOWN;
    }
  return (MadoPrintJobState)state;
}

static void
cancel_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = cancel_sync (source, cancellable, &error);
  if (!g_task_set_return_on_cancel (task, FALSE))
    return;
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
mado_print_job_cancel_async (MadoPrintJob *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (MADO_IS_PRINT_JOB (self));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mado_print_job_cancel_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, cancel_thread);
}

gboolean
mado_print_job_cancel_finish (MadoPrintJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- accessors ------------------------------------------------------------------------------- */

void
mado_print_job_set_poll_interval (MadoPrintJob *self, guint poll_ms)
{
  g_return_if_fail (MADO_IS_PRINT_JOB (self));
  self->poll_ms = MAX (poll_ms, 5);
}

const char *
mado_print_job_get_target (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), NULL);
  return self->target;
}

const char *
mado_print_job_get_printer_uri (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), NULL);
  return self->printer_uri;
}

int
mado_print_job_get_id (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), 0);
  return self->job_id;
}

const char *
mado_print_job_get_uri (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), NULL);
  return self->job_uri;
}

MadoPrintJobState
mado_print_job_get_state (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), MADO_PRINT_JOB_STATE_UNKNOWN);
  return self->state;
}

const char *const *
mado_print_job_get_state_reasons (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), no_reasons);
  return self->state_reasons != NULL ? (const char *const *)self->state_reasons : no_reasons;
}

const char *
mado_print_job_get_state_message (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), NULL);
  return self->state_message;
}

int
mado_print_job_get_printer_state (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), 0);
  return self->printer_state;
}

const char *const *
mado_print_job_get_printer_state_reasons (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), no_reasons);
  return self->printer_state_reasons != NULL ? (const char *const *)self->printer_state_reasons
                                             : no_reasons;
}

const char *
mado_print_job_get_printer_state_message (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), NULL);
  return self->printer_state_message;
}

gint64
mado_print_job_get_seen_final_at (MadoPrintJob *self)
{
  g_return_val_if_fail (MADO_IS_PRINT_JOB (self), 0);
  return self->seen_final_at;
}
