/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cups-harness.c — see mado-cups-harness.h. Commands as in the test bench (§2): a session
 * dbus-daemon whose address is DBUS_SYSTEM_BUS_ADDRESS (ippeveprinter's DNS-SD needs a bus even
 * with -r off), ippeveprinter -r off -k -c CMD, cupsd -f with its own ServerRoot, RequestRoot and
 * ServerBin (the real filters and backends symlinked, plus backend/fake).
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cups/cups.h>
#include <glib/gstdio.h>

#include "mado-cups-harness.h"

static char *tmpdir;
static GSubprocess *dbus;
static char *dbus_address;

static const char printer_command[]
    = "#!/bin/sh\n"
      "# ippeveprinter -c: the job's outcome from its name (mado-cups-harness.h)\n"
      "dir=$(dirname \"$0\")\n"
      "id=$IPP_JOB_ID\n"
      "wait_release () {\n"
      "  i=0; while [ ! -e \"$dir/release\" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done\n"
      "}\n"
      "case \"$IPP_JOB_NAME\" in\n"
      "  abort*) echo 'ERROR: simulated printer error' >&2; exit 1 ;;\n"
      "  jam*|empty*|needed*)\n"
      "    case \"$IPP_JOB_NAME\" in jam*) r=media-jam ;; empty*) r=media-empty ;; *) "
      "r=media-needed ;; esac\n"
      "    echo \"STATE: +$r\" >&2; echo \"ERROR: simulated $r\" >&2\n"
      "    wait_release; echo \"STATE: -$r\" >&2; exit 1 ;;\n"
      "  slow*) wait_release ;;\n"
      "  jitter*) n=$(od -An -N2 -tu2 /dev/urandom); sleep $(printf '0.%03d' $((n % 200))) ;;\n"
      "esac\n"
      "echo \"$IPP_MEDIA\" > \"$dir/media.$id\"\n"
      "date +%s.%N > \"$dir/done.$id\"\n"
      "exit 0\n";

static const char backend_script[]
    = "#!/bin/sh\n"
      "# cupsd backend fake:/ — the outcome from the queue's name (mado-cups-harness.h)\n"
      "[ $# -eq 0 ] && { echo 'direct fake \"Unknown\" \"Madoguchi fake backend\"'; exit 0; }\n"
      "dir=@DIR@\n"
      "if [ -n \"$6\" ]; then cat \"$6\" > \"$dir/out.$1\"; else cat > \"$dir/out.$1\"; fi\n"
      "case \"$PRINTER\" in\n"
      "  stop*) echo 'INFO: fake backend stopped the printer' >&2; exit 4 ;;\n"
      "  hold*) echo 'INFO: fake backend held the job' >&2; exit 3 ;;\n"
      "  cancel*) echo 'INFO: fake backend cancelled the job' >&2; exit 5 ;;\n"
      "  jam*) echo 'STATE: +media-jam-error' >&2; echo 'INFO: fake paper jam' >&2; exit 4 ;;\n"
      "  jitter*) n=$(od -An -N2 -tu2 /dev/urandom); sleep $(printf '0.%03d' $((n % 200))) ;;\n"
      "esac\n"
      "date +%s.%N > \"$dir/done.$1\"\n"
      "exit 0\n";

const char *
mado_test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr (GError) error = NULL;
      tmpdir = g_dir_make_tmp ("mado-cups-XXXXXX", &error);
      g_assert_no_error (error);
      /* cupsd runs the real ipp backend as user lp: it must reach the spool */
      g_assert_cmpint (g_chmod (tmpdir, 0755), ==, 0);
    }
  return tmpdir;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  /* a group of its own, so stopping it also stops the -c command or backend it runs */
  setpgid (0, 0);
}

static void
write_file (const char *path, const char *text, int mode)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* SIGTERM to the server's group, SIGKILL after 2 s; then SIGKILL to whatever is left in the group:
 * ippeveprinter forks for its -c command, and a child caught between fork and exec when the
 * server dies was seen to hang on a lock for ever (its SIGTERM handler is inherited). */
static void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;
  const char *id = g_subprocess_get_identifier (*process);
  if (id != NULL)
    {
      pid_t pid = (pid_t)g_ascii_strtoll (id, NULL, 10);
      kill (-pid, SIGTERM);
      for (int i = 0; i < 200 && g_subprocess_get_identifier (*process) != NULL; i++)
        g_usleep (10 * 1000);
      if (g_subprocess_get_identifier (*process) != NULL)
        kill (-pid, SIGKILL);
      g_subprocess_wait (*process, NULL, NULL);
      kill (-pid, SIGKILL); /* the group outlives its leader while a member lives */
    }
  g_clear_object (process);
}

gboolean
mado_test_start_dbus (void)
{
  if (dbus != NULL)
    return TRUE;
  g_autofree char *socket = g_build_filename (mado_test_tmpdir (), "bus", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", socket);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  dbus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                      "--address", address, NULL);
  if (dbus == NULL)
    {
      g_test_message ("dbus-daemon: %s", error->message);
      return FALSE;
    }
  for (int i = 0; i < 250 && !g_file_test (socket, G_FILE_TEST_EXISTS); i++)
    g_usleep (10 * 1000);
  dbus_address = g_steal_pointer (&address);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

guint16
mado_test_free_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* Ready when Get-Printer-Attributes answers at @uri (or, for cupsd, when a connection opens). */
static gboolean
wait_ready (GSubprocess *process, guint16 port, const char *uri)
{
  for (int i = 0; i < 300; i++)
    {
      if (g_subprocess_get_identifier (process) == NULL)
        return FALSE;
      http_t *http
          = httpConnect2 ("127.0.0.1", port, NULL, AF_INET, HTTP_ENCRYPTION_NEVER, 1, 200, NULL);
      if (http != NULL)
        {
          gboolean ok = TRUE;
          if (uri != NULL)
            {
              ipp_t *request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
              ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
              ipp_t *response = cupsDoRequest (http, request, "/ipp/print");
              ok = response != NULL && cupsLastError () <= IPP_STATUS_OK_EVENTS_COMPLETE;
              ippDelete (response);
            }
          httpClose (http);
          if (ok)
            return TRUE;
        }
      g_usleep (10 * 1000);
    }
  return FALSE;
}

MadoTestPrinter *
mado_test_printer_start (const char *name, const char *attributes)
{
  if (!mado_test_start_dbus ())
    return NULL;

  static int started;
  MadoTestPrinter *printer = g_new0 (MadoTestPrinter, 1);
  g_autofree char *dirname = g_strdup_printf ("%s-%d", name, ++started);
  printer->dir = g_build_filename (mado_test_tmpdir (), dirname, NULL);
  printer->spool = g_build_filename (printer->dir, "spool", NULL);
  g_assert_cmpint (g_mkdir_with_parents (printer->spool, 0755), ==, 0);
  g_autofree char *command = g_build_filename (printer->dir, "print.sh", NULL);
  write_file (command, printer_command, 0755);
  g_autofree char *conf = g_build_filename (printer->dir, "attributes.conf", NULL);
  if (attributes != NULL)
    write_file (conf, attributes, 0644);

  for (int attempt = 0; attempt < 8; attempt++)
    {
      guint16 port = mado_test_free_port ();
      g_autofree char *port_text = g_strdup_printf ("%u", port);
      g_autofree char *log = g_strdup_printf ("%s/ippeveprinter.%d.log", printer->dir, attempt);
      g_autoptr (GSubprocessLauncher) launcher
          = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) argv = g_ptr_array_new ();

      g_subprocess_launcher_set_stdout_file_path (launcher, log);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", dbus_address, TRUE);
      const char *common[]
          = { "ippeveprinter", "-p", port_text, "-n",    "localhost", "-r", "off", "-d",
              printer->spool,  "-k", "-c",      command, "-v" };
      for (gsize i = 0; i < G_N_ELEMENTS (common); i++)
        g_ptr_array_add (argv, (gpointer)common[i]);
      if (attributes != NULL)
        {
          g_ptr_array_add (argv, (gpointer) "-a");
          g_ptr_array_add (argv, conf);
        }
      else
        {
          g_ptr_array_add (argv, (gpointer) "-f");
          g_ptr_array_add (argv, (gpointer) "application/pdf");
        }
      g_ptr_array_add (argv, (gpointer)name);
      g_ptr_array_add (argv, NULL);
      GSubprocess *process
          = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
      g_assert_no_error (error);

      g_autofree char *uri = g_strdup_printf ("ipp://localhost:%u/ipp/print", port);
      if (wait_ready (process, port, uri))
        {
          printer->process = process;
          printer->port = port;
          printer->uri = g_steal_pointer (&uri);
          return printer;
        }
      g_test_message ("ippeveprinter on port %u did not start (see %s); retrying", port, log);
      stop_process (&process);
    }
  g_free (printer->dir);
  g_free (printer->spool);
  g_free (printer);
  return NULL;
}

void
mado_test_printer_release (MadoTestPrinter *printer)
{
  g_autofree char *release = g_build_filename (printer->dir, "release", NULL);
  write_file (release, "", 0644);
}

void
mado_test_printer_stop (MadoTestPrinter *printer)
{
  if (printer == NULL)
    return;
  mado_test_printer_release (printer);
  stop_process (&printer->process);
  g_free (printer->uri);
  g_free (printer->dir);
  g_free (printer->spool);
  g_free (printer);
}

/* --- cupsd ----------------------------------------------------------------------------------- */

static const char cupsd_conf[] = "LogLevel debug\n"
                                 "Listen 127.0.0.1:@PORT@\n"
                                 "Listen @DIR@/run/cups.sock\n"
                                 "Browsing No\n"
                                 "BrowseLocalProtocols none\n"
                                 "DefaultAuthType None\n"
                                 "WebInterface No\n"
                                 "PreserveJobHistory Yes\n"
                                 "JobRetryInterval 3600\n"
                                 "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                                 "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
                                 "<Policy default>\n  <Limit All>\n    Order deny,allow\n"
                                 "  </Limit>\n</Policy>\n";

static const char cups_files_conf[] = "ServerRoot @DIR@/etc\n"
                                      "RequestRoot @DIR@/spool\n"
                                      "TempDir @DIR@/spool/tmp\n"
                                      "CacheDir @DIR@/cache\n"
                                      "StateDir @DIR@/state\n"
                                      "AccessLog @DIR@/log/access_log\n"
                                      "ErrorLog @DIR@/log/error_log\n"
                                      "PageLog @DIR@/log/page_log\n"
                                      "Printcap\n"
                                      "SystemGroup root\n"
                                      "ServerBin @DIR@/serverbin\n";

static char *
fill (const char *template, const char *dir, guint16 port)
{
  g_autoptr (GString) text = g_string_new (template);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_string_replace (text, "@DIR@", dir, 0);
  g_string_replace (text, "@PORT@", port_text, 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
run_lpadmin (const char *server, const char *name, const char *device)
{
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_autofree char *out = NULL;
  const char *argv[] = { "lpadmin", "-h", server, "-p", name, "-E", "-v", device, NULL };
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &out, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("lpadmin %s %s: %s %s", name, device, error->message, out ? out : "");
      return FALSE;
    }
  return TRUE;
}

MadoTestCupsd *
mado_test_cupsd_start (const char *const *queues)
{
  MadoTestCupsd *cupsd = g_new0 (MadoTestCupsd, 1);
  cupsd->dir = g_build_filename (mado_test_tmpdir (), "cupsd", NULL);
  const char *subdirs[]
      = { "etc/ppd", "spool/tmp", "cache", "log", "run", "state", "serverbin/backend" };
  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (cupsd->dir, subdirs[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
    }
  const char *linked[] = { "cgi-bin", "daemon", "driver", "filter", "monitor", "notifier" };
  for (gsize i = 0; i < G_N_ELEMENTS (linked); i++)
    {
      g_autofree char *from = g_build_filename ("/usr/lib/cups", linked[i], NULL);
      g_autofree char *to = g_build_filename (cupsd->dir, "serverbin", linked[i], NULL);
      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_assert_cmpint (symlink (from, to), ==, 0);
    }
  const char *backends[] = { "ipp", "socket", "lpd" };
  for (gsize i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autofree char *from = g_build_filename ("/usr/lib/cups/backend", backends[i], NULL);
      g_autofree char *to = g_build_filename (cupsd->dir, "serverbin/backend", backends[i], NULL);
      g_assert_cmpint (symlink (from, to), ==, 0);
    }
  g_autofree char *backend = g_build_filename (cupsd->dir, "serverbin/backend/fake", NULL);
  g_autofree char *backend_text = fill (backend_script, cupsd->dir, 0);
  write_file (backend, backend_text, 0700); /* 0700: cupsd runs it as root, as the bench does */

  g_autofree char *conf = g_build_filename (cupsd->dir, "etc/cupsd.conf", NULL);
  g_autofree char *files = g_build_filename (cupsd->dir, "etc/cups-files.conf", NULL);
  for (int attempt = 0; attempt < 8; attempt++)
    {
      guint16 port = mado_test_free_port ();
      g_autofree char *conf_text = fill (cupsd_conf, cupsd->dir, port);
      g_autofree char *files_text = fill (cups_files_conf, cupsd->dir, port);
      write_file (conf, conf_text, 0644);
      write_file (files, files_text, 0644);
      g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
          G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr (GError) error = NULL;
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      GSubprocess *process = g_subprocess_launcher_spawn (launcher, &error, "cupsd", "-f", "-c",
                                                          conf, "-s", files, NULL);
      g_assert_no_error (error);
      if (wait_ready (process, port, NULL))
        {
          cupsd->process = process;
          cupsd->port = port;
          cupsd->server = g_strdup_printf ("127.0.0.1:%u", port);
          break;
        }
      g_test_message ("cupsd on port %u did not start; retrying", port);
      stop_process (&process);
    }
  if (cupsd->process == NULL)
    {
      mado_test_cupsd_stop (cupsd);
      return NULL;
    }
  for (gsize i = 0; queues != NULL && queues[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (queues[i], "=", 2);
      g_autofree char *device
          = parts[1] != NULL ? g_strdup (parts[1]) : g_strdup_printf ("fake:/%s", parts[0]);
      if (!run_lpadmin (cupsd->server, parts[0], device))
        {
          mado_test_cupsd_stop (cupsd);
          return NULL;
        }
    }
  return cupsd;
}

void
mado_test_cupsd_stop (MadoTestCupsd *cupsd)
{
  if (cupsd == NULL)
    return;
  stop_process (&cupsd->process);
  g_free (cupsd->dir);
  g_free (cupsd->server);
  g_free (cupsd);
}

/* --- documents and clean-up ------------------------------------------------------------------ */

char *
mado_test_make_pdf (const char *name, double width, double height)
{
  char *path = g_build_filename (mado_test_tmpdir (), name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width, height);
  cairo_t *cr = cairo_create (surface);
  /* shapes only: no fonts, so nothing of fontconfig stays behind for the leak checker */
  cairo_rectangle (cr, 20, 20, width - 40, 30);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

double
mado_test_done_time (const char *dir, int job_id)
{
  g_autofree char *name = g_strdup_printf ("done.%d", job_id);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  return g_ascii_strtod (text, NULL);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

void
mado_test_cleanup (void)
{
  stop_process (&dbus);
  g_clear_pointer (&dbus_address, g_free);
  if (tmpdir != NULL && g_getenv ("MADO_KEEP_TMP") == NULL)
    remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}
