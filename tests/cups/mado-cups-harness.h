/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cups-harness.h — private printing servers for tests and the benchmark: a D-Bus bus for
 * ippeveprinter, ippeveprinter with our -c command, and a private cupsd with a fake backend.
 * Every server listens on loopback on a port probed free (with retries: neither takes port 0),
 * dies with the test (PR_SET_PDEATHSIG) and is stopped by PID. Run under
 * tests/harness/private-net.sh so nothing listens beyond the test.
 *
 * The fake programs act on the job name (ippeveprinter) or the queue name (cupsd):
 *   ippeveprinter -c:  abort* → "ERROR: simulated printer error", exit 1;
 *                      jam* / empty* / needed* → STATE: +media-jam / +media-empty / +media-needed,
 *                        then wait for DIR/release (10 s at most), clear it and exit 1;
 *                      slow* → wait for DIR/release, exit 0;
 *                      jitter* → sleep 0–200 ms at random, exit 0 (the benchmark);
 *                      anything else → exit 0.
 *   cupsd backend:     queue ok* → exit 0; stop* → exit 4 (CUPS_BACKEND_STOP);
 *                      hold* → 3; cancel* → 5; jam* → STATE: +media-jam-error, exit 4;
 *                      jitter* → sleep 0–200 ms at random, exit 0.
 * Both write, just before exiting 0, `date +%s.%N` into DIR/done.JOBID (the completion moment
 * in CUPS, for the benchmark), the job's IPP_MEDIA into DIR/media.JOBID, and (backend) the
 * document into DIR/out.JOBID.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  guint16 port;
  char *uri;   /* ipp://localhost:PORT/ipp/print */
  char *dir;   /* its own directory: spool/, command script, release, done.N, media.N */
  char *spool; /* DIR/spool: ippeveprinter keeps <job-id>-<job-name>.pdf there (-k) */
} MadoTestPrinter;

typedef struct
{
  GSubprocess *process;
  guint16 port;
  char *dir;    /* etc/, spool/, log/, serverbin/, done.N, out.N */
  char *server; /* 127.0.0.1:PORT, for CUPS_SERVER */
} MadoTestCupsd;

/* A temporary directory for this run (removed by mado_test_cleanup). */
const char *mado_test_tmpdir (void);
/* The D-Bus bus ippeveprinter needs (started once, given as its DBUS_SYSTEM_BUS_ADDRESS). */
gboolean mado_test_start_dbus (void);
/* A loopback TCP port nothing listens on right now. */
guint16 mado_test_free_port (void);

/* ippeveprinter named @name; @attributes: NULL (A4 defaults, -f application/pdf) or the text of
 * an -a attributes file (which must then list document-format-supported itself). */
MadoTestPrinter *mado_test_printer_start (const char *name, const char *attributes);
void mado_test_printer_release (MadoTestPrinter *printer); /* lets waiting jobs go on */
void mado_test_printer_stop (MadoTestPrinter *printer);

/* cupsd with raw queues @queues (each "NAME" → fake:/NAME, or "NAME=URI"). */
MadoTestCupsd *mado_test_cupsd_start (const char *const *queues);
void mado_test_cupsd_stop (MadoTestCupsd *cupsd);

/* A small valid PDF of @width × @height points (cairo), a black bar on a page. */
char *mado_test_make_pdf (const char *name, double width, double height);

/* Seconds since the epoch written by a fake program for @job_id in @dir, or 0 when absent. */
double mado_test_done_time (const char *dir, int job_id);

/* Stops the bus and removes the temporary directory. */
void mado_test_cleanup (void);

G_END_DECLS
