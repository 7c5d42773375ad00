/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print-job.h — a PDF submitted over IPP with libcups, and followed to its end.
 *
 * A target is either a CUPS queue name ("kiosk-a4"), spoken to through the scheduler that
 * libcups finds (CUPS_SERVER, client.conf, the local socket), or an ipp:// / ipps:// URI of an
 * IPP printer, spoken to directly ("ipp://10.0.0.5:631/ipp/print"). The target is given per job,
 * so certificates and queue tickets can go to different printers.
 *
 * Following a job means polling Get-Job-Attributes and Get-Printer-Attributes (every
 * MADO_PRINT_JOB_DEFAULT_POLL_MS) until one of these outcomes, checked in this order each time:
 *   job-state completed                        → success (never before it)
 *   job-state canceled                         → MADO_PRINT_ERROR_JOB_CANCELED
 *   printer-state-reasons media-jam            → MADO_PRINT_ERROR_MEDIA_JAM
 *   … media-empty / media-needed               → MADO_PRINT_ERROR_MEDIA_EMPTY
 *     (each bare, -error or -warning: ippeveprinter and many printers say -warning while
 *     processing; -report is ignored; counted once the job is processing or ended, or the
 *     printer stopped: a queue's reasons may be stale while the job waits on an idle queue)
 *   job-state aborted                          → MADO_PRINT_ERROR_JOB_ABORTED
 *   job-state pending-held                     → MADO_PRINT_ERROR_JOB_HELD
 *   job-state stopped, or printer-state stopped → MADO_PRINT_ERROR_PRINTER_STOPPED
 *                                  (CUPS 2.4 puts the job of a stopped queue back to pending)
 *   the job vanished from the printer          → MADO_PRINT_ERROR_JOB_ABORTED (outcome unknown)
 *   no answer for MADO_PRINT_JOB_UNREACHABLE_MS → MADO_PRINT_ERROR_PRINTER_UNREACHABLE
 *   the wait's timeout                         → MADO_PRINT_ERROR_TIMEOUT
 * A failure other than canceled/aborted leaves the job on the printer, where it may still print
 * once someone clears the fault: a caller that voids the document must call
 * mado_print_job_cancel(). Cancelling a wait (its GCancellable) only stops watching; cancelling
 * a submission whose job was already created cancels that job (Cancel-Job), so nothing prints
 * that the caller was told did not go.
 *
 * Threads: the blocking libcups calls run in GTask threads, each with its own http_t. A
 * MadoPrintJob is used from one thread (the one that calls _finish); its state getters show the
 * last state a wait saw, updated when the wait finishes.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MADO_PRINT_JOB_DEFAULT_POLL_MS 50
#define MADO_PRINT_JOB_UNREACHABLE_MS 3000 /* polls failing this long: unreachable */
#define MADO_PRINT_JOB_CONNECT_TIMEOUT_MS 5000

/* The IPP job-state values (RFC 8011 §5.3.7); UNKNOWN before anything was seen. */
typedef enum
{
  MADO_PRINT_JOB_STATE_UNKNOWN = 0,
  MADO_PRINT_JOB_STATE_PENDING = 3,
  MADO_PRINT_JOB_STATE_HELD = 4,
  MADO_PRINT_JOB_STATE_PROCESSING = 5,
  MADO_PRINT_JOB_STATE_STOPPED = 6,
  MADO_PRINT_JOB_STATE_CANCELED = 7,
  MADO_PRINT_JOB_STATE_ABORTED = 8,
  MADO_PRINT_JOB_STATE_COMPLETED = 9,
} MadoPrintJobState;

/* "pending", "held", "processing", "stopped", "canceled", "aborted", "completed", "unknown" */
const char *mado_print_job_state_to_string (MadoPrintJobState state);

/* The outcome word of a wait: "completed" for no error, else the catalogue id without its
 * "print." prefix ("media-jam", "printer-stopped", …); "failed" for an error of another domain. */
const char *mado_print_job_outcome (const GError *error);

/* TRUE when @target is an ipp:// or ipps:// URI; FALSE for a queue name. */
gboolean mado_print_target_is_uri (const char *target);

#define MADO_TYPE_PRINT_JOB (mado_print_job_get_type ())
G_DECLARE_FINAL_TYPE (MadoPrintJob, mado_print_job, MADO, PRINT_JOB, GObject)

/* Submits @pdf_path (checked to start with "%PDF-", else MADO_PRINT_ERROR_PDF) with Print-Job,
 * document-format application/pdf. @title: the job-name (NULL: the file's basename). @options:
 * NULL or NULL-terminated "name=value" strings, encoded as job attributes the way `lp -o` does
 * ("media=oe_80x200mm-roll_80x200mm", "copies=2"). Errors: PRINTER_NOT_FOUND (no such queue or
 * printer path), PRINTER_UNREACHABLE (no connection), PRINTER_STOPPED (the queue rejects
 * jobs), JOB_ABORTED (the printer refused the job, the message says why), PDF. */
void mado_print_job_submit_async (const char *target, const char *pdf_path, const char *title,
                                  const char *const *options, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
MadoPrintJob *mado_print_job_submit_finish (GAsyncResult *result, GError **error);
MadoPrintJob *mado_print_job_submit (const char *target, const char *pdf_path, const char *title,
                                     const char *const *options, GCancellable *cancellable,
                                     GError **error);

/* Follows the job until it ends (see the top of this file). @timeout_ms: 0 waits for ever.
 * Returns MADO_PRINT_JOB_STATE_COMPLETED, or UNKNOWN with @error set. */
void mado_print_job_wait_async (MadoPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
MadoPrintJobState mado_print_job_wait_finish (MadoPrintJob *self, GAsyncResult *result,
                                              GError **error);
MadoPrintJobState mado_print_job_wait (MadoPrintJob *self, guint timeout_ms,
                                       GCancellable *cancellable, GError **error);

/* Cancel-Job. A job already completed, canceled or aborted is not an error. */
void mado_print_job_cancel_async (MadoPrintJob *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean mado_print_job_cancel_finish (MadoPrintJob *self, GAsyncResult *result, GError **error);
gboolean mado_print_job_cancel (MadoPrintJob *self, GCancellable *cancellable, GError **error);

/* How often a wait polls (default MADO_PRINT_JOB_DEFAULT_POLL_MS; at least 5). */
void mado_print_job_set_poll_interval (MadoPrintJob *self, guint poll_ms);

const char *mado_print_job_get_target (MadoPrintJob *self);
/* The printer-uri the requests carry (ipp://localhost/printers/QUEUE for a queue). */
const char *mado_print_job_get_printer_uri (MadoPrintJob *self);
int mado_print_job_get_id (MadoPrintJob *self);
/* The job-uri the printer returned, or NULL. */
const char *mado_print_job_get_uri (MadoPrintJob *self);

/* The last state seen (by the submission or a wait). Reasons: NULL-terminated, never NULL. */
MadoPrintJobState mado_print_job_get_state (MadoPrintJob *self);
const char *const *mado_print_job_get_state_reasons (MadoPrintJob *self);
const char *mado_print_job_get_state_message (MadoPrintJob *self);
/* printer-state: 3 idle, 4 processing, 5 stopped; 0 unknown. */
int mado_print_job_get_printer_state (MadoPrintJob *self);
const char *const *mado_print_job_get_printer_state_reasons (MadoPrintJob *self);
const char *mado_print_job_get_printer_state_message (MadoPrintJob *self);
/* g_get_real_time() when the wait first saw the final state (0 before): the benchmark's clock. */
gint64 mado_print_job_get_seen_final_at (MadoPrintJob *self);

G_END_DECLS
