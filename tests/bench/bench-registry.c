/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-registry — the registry's load generator (tests/bench/README.md, "Registry benchmark";
 * tests/bench/run-registry.sh drives it). Not run by meson test.
 *
 *   bench-registry --scenario identity|issuance|tickets --url https://127.0.0.1:PORT \
 *       --cert KIOSK.pem --key KIOSK.key --ca CA.pem [--cards DIR] [--clients 64] \
 *       [--duration 10] [--warmup 1] [--server-pid PID]… [--db-pid POSTMASTER_PID] [--wait-idle S]
 *   bench-registry --scenario raw-insert --db DSN [--clients 64] …   the durable ceiling
 *   bench-registry --scenario link --url … --cert CONSOLE.pem --key CONSOLE.key --ca CA.pem \
 *       --login LOGIN --password-file FILE --cards DIR --residents N     (set-up, through the API)
 *   bench-registry --scenario ranges --db DSN       (set-up: each ticket category numbers 1–9999)
 *   bench-registry --scenario dbsize --db DSN       (bytes of the database, for the report)
 *   bench-registry --scenario idle --wait-idle S    (wait for a quiet machine, up to S seconds)
 *
 * Each client is a thread with its own libcurl easy handle (the terminal's client certificate,
 * the registry's CA, keep-alive: one TLS connection for the whole run). The clients start
 * together, run --warmup seconds unrecorded, then --duration seconds recorded: a request counts
 * when it started and ended inside that window. One JSON line per run: requests, errors by
 * status and code, throughput, latency percentiles, and the CPU seconds of the generator
 * (getrusage), of the server (/proc/PID/stat) and of the database's processes over the window,
 * with the machine's busy time (/proc/stat), so the generator's share of the cores is known.
 *
 *   identity  POST /v1/identity/nonce, the card's signature over the nonce (RSA PKCS#1 v1.5 over
 *             SHA-256: what `openssl dgst -sha256 -sign` does), POST /v1/identity/sessions.
 *             latency = the session request; pair = nonce + signature + session.
 *   issuance  each client opens one identity session, then POST /v1/certificates/issuances
 *             (住民票の写し, 1 copy, 個人票, no options) with a fresh Idempotency-Key each.
 *   tickets   POST /v1/tickets, the category rotating A–Z request by request, fresh keys.
 *   --rate R  open loop instead: the clients together offer R requests/s, client i at the times
 *             start + (k·clients + i)/R, whatever the answers; a request's latency counts from
 *             its scheduled time, not from when a late client got round to it (no coordinated
 *             omission). The closed loop (no --rate) measures saturation: there, with N clients,
 *             the mean latency is N / throughput by Little's law.
 *   raw-insert  no HTTP: one connection per client straight to the database, one ~300-byte row
 *             per transaction into a bench table, at the registry's durability (SQLite: WAL,
 *             synchronous=FULL, BEGIN IMMEDIATE … COMMIT; PostgreSQL: synchronous_commit on).
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "mado-registry-store.h"
#include "mado-seed.h"

#define MAX_CLIENTS 1024
#define PAYLOAD_BYTES 256

/* ---- options --------------------------------------------------------------------------------- */

static char *opt_scenario, *opt_url, *opt_cert, *opt_key, *opt_ca, *opt_cards, *opt_db;
static char *opt_login, *opt_password_file, *opt_label;
static char **opt_server_pids;
static int opt_db_pid;
static int opt_clients = 64, opt_residents, opt_cards_count;
static double opt_duration = 10.0, opt_warmup = 1.0, opt_wait_idle = 0.0, opt_rate = 0.0;

static GOptionEntry entries[] = {
  { "scenario", 0, 0, G_OPTION_ARG_STRING, &opt_scenario,
    "identity, issuance, tickets, raw-insert; link, ranges, dbsize (set-up)", "NAME" },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url, "the registry's main listener", "URL" },
  { "cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cert, "the terminal's certificate (PEM)", "FILE" },
  { "key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key, "the terminal's key (PEM)", "FILE" },
  { "ca", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca, "the registry's CA (ca.pem)", "FILE" },
  { "cards", 0, 0, G_OPTION_ARG_FILENAME, &opt_cards,
    "card-NNN.der + card-NNN.key.pem (JPKI auth certificates and keys)", "DIR" },
  { "cards-count", 0, 0, G_OPTION_ARG_INT, &opt_cards_count, "cards to use (default: all)", "N" },
  { "db", 0, 0, G_OPTION_ARG_STRING, &opt_db, "the database (raw-insert, ranges, dbsize)", "DSN" },
  { "clients", 0, 0, G_OPTION_ARG_INT, &opt_clients, "concurrent clients (default 64)", "N" },
  { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt_duration, "recorded seconds (default 10)", "S" },
  { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_rate,
    "open loop: R requests/s offered in all, on a fixed schedule (default 0: closed loop)", "R" },
  { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &opt_warmup, "unrecorded seconds first (default 1)", "S" },
  { "server-pid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_server_pids,
    "the server's process (CPU from /proc/PID/stat)", "PID" },
  { "db-pid", 0, 0, G_OPTION_ARG_INT, &opt_db_pid,
    "PostgreSQL's postmaster: its CPU and its children's (the backends)", "PID" },
  { "wait-idle", 0, 0, G_OPTION_ARG_DOUBLE, &opt_wait_idle,
    "first wait up to S seconds for the machine to be idle (other work under 10% of a core)", "S" },
  { "login", 0, 0, G_OPTION_ARG_STRING, &opt_login, "a clerk's login (link)", "LOGIN" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file,
    "the clerk's password, first line (link)", "FILE" },
  { "residents", 0, 0, G_OPTION_ARG_INT, &opt_residents, "seeded persons (link)", "N" },
  { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label,
    "a JSON object's members added to the output line, e.g. '\"backend\":\"sqlite\"'", "TEXT" },
  G_OPTION_ENTRY_NULL,
};

/* ---- small things ------------------------------------------------------------------------------
 */

static guint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64)ts.tv_sec * 1000000000u + (guint64)ts.tv_nsec;
}

typedef struct
{
  guint32 *v; /* microseconds */
  gsize n, cap;
} Samples;

static void
samples_add (Samples *s, guint64 ns)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? s->cap * 2 : 4096;
      s->v = g_renew (guint32, s->v, s->cap);
    }
  guint64 us = ns / 1000;
  s->v[s->n++] = (guint32)MIN (us, (guint64)G_MAXUINT32);
}

static int
cmp_u32 (const void *a, const void *b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

/* The p-quantile (nearest rank) in ms of sorted samples. */
static double
quantile_ms (const Samples *s, double p)
{
  if (s->n == 0)
    return 0.0;
  gsize rank = (gsize)ceil (p * (double)s->n);
  if (rank < 1)
    rank = 1;
  return s->v[MIN (rank, s->n) - 1] / 1000.0;
}

static void
json_escaped (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar)*p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar)*p);
      else
        g_string_append_c (out, *p);
    }
}

/* The string member @name of a flat JSON text (the registry's compact answers), or NULL. Enough
 * for base64 and error codes (no escapes in them): the hot path does not build a JSON tree. */
static char *
json_member (const char *text, const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  const char *p = text != NULL ? strstr (text, quoted) : NULL;
  if (p == NULL)
    return NULL;
  p += strlen (quoted);
  while (*p == ' ' || *p == ':')
    p++;
  if (*p != '"')
    return NULL;
  const char *end = strchr (++p, '"');
  return end != NULL ? g_strndup (p, (gsize)(end - p)) : NULL;
}

/* ---- CPU accounting ----------------------------------------------------------------------------
 */

static double
proc_cpu_seconds (int pid, int *ppid_out)
{
  char path[64], buf[1024];
  g_snprintf (path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return -1.0;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return -1.0;
  /* After "pid (comm)": state(3) ppid(4) … utime(14) stime(15). */
  char *save = NULL;
  unsigned long long utime = 0, stime = 0;
  int field = 3;
  for (char *tok = strtok_r (p + 1, " ", &save); tok != NULL;
       tok = strtok_r (NULL, " ", &save), field++)
    {
      if (field == 4 && ppid_out != NULL)
        *ppid_out = atoi (tok);
      else if (field == 14)
        utime = strtoull (tok, NULL, 10);
      else if (field == 15)
        {
          stime = strtoull (tok, NULL, 10);
          break;
        }
    }
  return (double)(utime + stime) / (double)sysconf (_SC_CLK_TCK);
}

/* A process and its children (PostgreSQL's postmaster and its backends). */
static double
tree_cpu_seconds (int pid)
{
  double total = proc_cpu_seconds (pid, NULL);
  if (total < 0)
    return 0.0;
  DIR *d = opendir ("/proc");
  if (d == NULL)
    return total;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (!isdigit ((guchar)e->d_name[0]))
        continue;
      int ppid = 0;
      double s = proc_cpu_seconds (atoi (e->d_name), &ppid);
      if (ppid == pid && s > 0)
        total += s;
    }
  closedir (d);
  return total;
}

/* Every process's CPU seconds and name (pid → ProcCpu), to name what else ran in the window. */
typedef struct
{
  double seconds;
  int ppid;
  char name[32];
} ProcCpu;

static GHashTable *
proc_snapshot (void)
{
  GHashTable *all = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  DIR *d = opendir ("/proc");
  struct dirent *e;
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      if (!isdigit ((guchar)e->d_name[0]))
        continue;
      int pid = atoi (e->d_name);
      ProcCpu *p = g_new0 (ProcCpu, 1);
      p->seconds = proc_cpu_seconds (pid, &p->ppid);
      char path[64];
      g_snprintf (path, sizeof path, "/proc/%d/comm", pid);
      FILE *f = fopen (path, "r");
      if (f != NULL)
        {
          if (fgets (p->name, sizeof p->name, f) != NULL)
            p->name[strcspn (p->name, "\n")] = '\0';
          fclose (f);
        }
      if (p->seconds < 0)
        g_free (p);
      else
        g_hash_table_insert (all, GINT_TO_POINTER (pid), p);
    }
  if (d != NULL)
    closedir (d);
  return all;
}

static gboolean
is_ours (int pid, int ppid)
{
  if (pid == getpid () || (opt_db_pid > 0 && (pid == opt_db_pid || ppid == opt_db_pid)))
    return TRUE;
  for (char **p = opt_server_pids; p != NULL && *p != NULL; p++)
    if (atoi (*p) == pid)
      return TRUE;
  return FALSE;
}

/* ",\"others\":{\"name\":seconds,…}": the processes not ours that used ≥ 0.2 s in the window,
 * by name, the largest first (at most 4); then "foreign_s", the CPU seconds of the processes not
 * ours (someone else's work on the machine: @task_not_ours, the machine's user + system time less
 * ours, counts those that ended inside the window, minus the kernel threads), and
 * "kernel_threads_s". Interrupt time is in neither (cpu_s.other has it). */
static void
print_others (GString *out, GHashTable *before, GHashTable *after, double task_not_ours)
{
  g_autoptr (GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  double foreign = 0, kernel = 0;
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      ProcCpu *b = v, *a = g_hash_table_lookup (before, k);
      if (is_ours (GPOINTER_TO_INT (k), b->ppid))
        continue;
      double used = b->seconds - (a != NULL ? a->seconds : 0.0);
      if (used <= 0)
        continue;
      /* Kernel threads (children of kthreadd): mostly the I/O of the run itself. */
      if (b->ppid == 2 || GPOINTER_TO_INT (k) == 2)
        kernel += used;
      else
        foreign += used;
      double *sum = g_hash_table_lookup (by_name, b->name);
      if (sum == NULL)
        {
          sum = g_new0 (double, 1);
          g_hash_table_insert (by_name, g_strdup (b->name), sum);
        }
      *sum += used;
    }
  g_string_append (out, ",\"others\":{");
  for (guint shown = 0; shown < 4; shown++)
    {
      const char *best = NULL;
      double best_s = 0.2;
      g_hash_table_iter_init (&it, by_name);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (*(double *)v >= best_s)
          {
            best = k;
            best_s = *(double *)v;
          }
      if (best == NULL)
        break;
      g_string_append_printf (out, "%s\"", shown ? "," : "");
      json_escaped (out, best);
      g_string_append_printf (out, "\":%.2f", best_s);
      g_hash_table_remove (by_name, best);
    }
  /* Processes that ended inside the window are in neither snapshot (a build's compilers, a test
   * suite's): what the machine's processes used, less ours and the kernel threads, counts them. */
  foreign = MAX (foreign, task_not_ours - kernel);
  g_string_append_printf (out, "},\"foreign_s\":%.2f,\"kernel_threads_s\":%.2f", MAX (foreign, 0),
                          kernel);
}

/* The threads of the first --server-pid: tid → ProcCpu (name = the thread's comm). */
static GHashTable *
thread_snapshot (void)
{
  GHashTable *all = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  if (opt_server_pids == NULL || opt_server_pids[0] == NULL)
    return all;
  g_autofree char *dir = g_strdup_printf ("/proc/%s/task", opt_server_pids[0]);
  DIR *d = opendir (dir);
  struct dirent *e;
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      if (!isdigit ((guchar)e->d_name[0]))
        continue;
      char path[96], buf[512];
      ProcCpu *p = g_new0 (ProcCpu, 1);
      g_snprintf (path, sizeof path, "%s/%s/stat", dir, e->d_name);
      FILE *f = fopen (path, "r");
      size_t n = f != NULL ? fread (buf, 1, sizeof buf - 1, f) : 0;
      if (f != NULL)
        fclose (f);
      buf[n] = '\0';
      char *q = strrchr (buf, ')');
      unsigned long long ut = 0, st = 0;
      /* after "tid (comm) ": state … utime is the 12th field, stime the 13th */
      if (q != NULL
          && sscanf (q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
        p->seconds = (double)(ut + st) / (double)sysconf (_SC_CLK_TCK);
      g_snprintf (path, sizeof path, "%s/%s/comm", dir, e->d_name);
      f = fopen (path, "r");
      if (f != NULL)
        {
          if (fgets (p->name, sizeof p->name, f) != NULL)
            p->name[strcspn (p->name, "\n")] = '\0';
          fclose (f);
        }
      g_hash_table_insert (all, GINT_TO_POINTER (atoi (e->d_name)), p);
    }
  if (d != NULL)
    closedir (d);
  return all;
}

/* ",\"server_threads\":{\"name\":{\"threads\":n,\"cpu_s\":total,\"busiest_s\":max},…}": where the
 * server's CPU went, by thread name (one thread near the window's length is a serial bottleneck).
 */
static void
print_threads (GString *out, GHashTable *before, GHashTable *after)
{
  typedef struct
  {
    guint n;
    double total, max;
  } Sum;
  g_autoptr (GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      ProcCpu *b = v, *a = g_hash_table_lookup (before, k);
      double used = b->seconds - (a != NULL ? a->seconds : 0.0);
      Sum *sum = g_hash_table_lookup (by_name, b->name);
      if (sum == NULL)
        {
          sum = g_new0 (Sum, 1);
          g_hash_table_insert (by_name, g_strdup (b->name), sum);
        }
      sum->n++;
      sum->total += used;
      sum->max = MAX (sum->max, used);
    }
  g_string_append (out, ",\"server_threads\":{");
  gboolean first = TRUE;
  g_hash_table_iter_init (&it, by_name);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      Sum *sum = v;
      if (sum->total < 0.05)
        continue;
      g_string_append_printf (out, "%s\"", first ? "" : ",");
      json_escaped (out, k);
      g_string_append_printf (out, "\":{\"threads\":%u,\"cpu_s\":%.2f,\"busiest_s\":%.2f}", sum->n,
                              sum->total, sum->max);
      first = FALSE;
    }
  g_string_append_c (out, '}');
}

typedef struct
{
  guint64 t_ns;
  double self_s;
  double server_s;
  double db_s;
  double machine_busy_s; /* all cores: user+nice+system+irq+softirq+steal */
  double machine_task_s; /* user+nice+system: what processes and kernel threads used */
  double machine_iowait_s;
} CpuSample;

static void
cpu_sample (CpuSample *s)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  s->t_ns = now_ns ();
  s->self_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
              + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  s->server_s = 0;
  for (char **p = opt_server_pids; p != NULL && *p != NULL; p++)
    {
      double v = proc_cpu_seconds (atoi (*p), NULL);
      if (v > 0)
        s->server_s += v;
    }
  s->db_s = opt_db_pid > 0 ? tree_cpu_seconds (opt_db_pid) : 0.0;
  s->machine_busy_s = s->machine_task_s = s->machine_iowait_s = 0;
  FILE *f = fopen ("/proc/stat", "r");
  if (f != NULL)
    {
      unsigned long long v[8] = { 0 };
      if (fscanf (f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                  &v[4], &v[5], &v[6], &v[7])
          == 8)
        {
          double tck = (double)sysconf (_SC_CLK_TCK);
          s->machine_busy_s = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / tck;
          s->machine_task_s = (double)(v[0] + v[1] + v[2]) / tck;
          s->machine_iowait_s = (double)v[4] / tck;
        }
      fclose (f);
    }
}

/* ---- the clients -------------------------------------------------------------------------------
 */

typedef struct
{
  guint index;
  CURL *curl;
  GString *response;
  char curl_error[CURL_ERROR_SIZE];
  EVP_PKEY *card_key;
  char *card_b64;
  char *token;
  guint64 counter;
  Samples latency, pair;
  GHashTable *errors; /* "status code" → count, in the window */
  guint64 ok;
  char *setup_error;
  /* raw-insert */
  sqlite3 *sqlite;
  PGconn *pg;
  guint64 rng;
} Client;

static Client clients[MAX_CLIENTS];
static pthread_barrier_t ready_barrier, go_barrier;
static guint64 window_start_ns, window_end_ns;
static char run_id[13];
static gint ticket_rotation;

static size_t
on_data (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * n));
  return size * n;
}

static gboolean
client_http_init (Client *c)
{
  c->curl = curl_easy_init ();
  c->response = g_string_sized_new (4096);
  if (c->curl == NULL)
    return FALSE;
  curl_easy_setopt (c->curl, CURLOPT_SSLCERT, opt_cert);
  curl_easy_setopt (c->curl, CURLOPT_SSLKEY, opt_key);
  curl_easy_setopt (c->curl, CURLOPT_CAINFO, opt_ca);
  curl_easy_setopt (c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (c->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c->curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt (c->curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (c->curl, CURLOPT_ERRORBUFFER, c->curl_error);
  curl_easy_setopt (c->curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (c->curl, CURLOPT_WRITEDATA, c->response);
  return TRUE;
}

/* One request on the client's connection; the answer's body in c->response. Returns the HTTP
 * status, 0 when the exchange failed (c->curl_error says why). */
static long
http (Client *c, const char *method, const char *path, const char *body, const char *idem_key)
{
  char line[256];
  struct curl_slist *headers = NULL;
  g_autofree char *url = g_strconcat (opt_url, path, NULL);
  g_string_truncate (c->response, 0);
  c->curl_error[0] = '\0';
  curl_easy_setopt (c->curl, CURLOPT_URL, url);
  headers = curl_slist_append (headers, "Expect:");
  if (strcmp (method, "POST") == 0)
    {
      curl_easy_setopt (c->curl, CURLOPT_POST, 1L);
      curl_easy_setopt (c->curl, CURLOPT_POSTFIELDS, body != NULL ? body : "");
      curl_easy_setopt (c->curl, CURLOPT_POSTFIELDSIZE, (long)(body != NULL ? strlen (body) : 0));
      if (body != NULL)
        headers = curl_slist_append (headers, "Content-Type: application/json");
    }
  else
    curl_easy_setopt (c->curl, CURLOPT_HTTPGET, 1L);
  if (idem_key != NULL)
    {
      g_snprintf (line, sizeof line, "Idempotency-Key: %s", idem_key);
      headers = curl_slist_append (headers, line);
    }
  if (c->token != NULL)
    {
      g_snprintf (line, sizeof line, "Authorization: Bearer %s", c->token);
      headers = curl_slist_append (headers, line);
    }
  curl_easy_setopt (c->curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform (c->curl);
  curl_slist_free_all (headers);
  if (rc != CURLE_OK)
    {
      if (c->curl_error[0] == '\0')
        g_strlcpy (c->curl_error, curl_easy_strerror (rc), sizeof c->curl_error);
      return 0;
    }
  long status = 0;
  curl_easy_getinfo (c->curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* "409 registry.range-exhausted", "0 transport: …" */
static char *
describe_failure (Client *c, long status)
{
  if (status == 0)
    return g_strdup_printf ("0 transport: %s", c->curl_error);
  g_autofree char *code = json_member (c->response->str, "code");
  return g_strdup_printf ("%ld %s", status, code != NULL ? code : "-");
}

static void
count_error (Client *c, long status)
{
  char *what = describe_failure (c, status);
  gpointer old = g_hash_table_lookup (c->errors, what);
  g_hash_table_replace (c->errors, what, GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static void
fresh_key (Client *c, char *out, gsize size)
{
  g_snprintf (out, size, "bench-%s-%03u-%08" G_GUINT64_FORMAT, run_id, c->index, c->counter++);
}

static char *
sign_base64 (EVP_PKEY *key, const guint8 *data, gsize length)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint8 sig[1024];
  size_t sig_len = sizeof sig;
  char *out = NULL;
  if (ctx != NULL && EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
      && EVP_DigestSign (ctx, sig, &sig_len, data, length) == 1)
    out = g_base64_encode (sig, sig_len);
  EVP_MD_CTX_free (ctx);
  return out;
}

/* The kiosk's identity exchange. *@session_ns: the session request alone. Returns the failing
 * status (0 = transport) through *@failed, TRUE when a session opened (token kept). */
static gboolean
identity_exchange (Client *c, guint64 *session_ns, long *failed)
{
  g_clear_pointer (&c->token, g_free); /* a resident arrives: no session yet */
  long status = http (c, "POST", "/v1/identity/nonce", NULL, NULL);
  if (status != 201)
    {
      *failed = status;
      return FALSE;
    }
  g_autofree char *nonce_b64 = json_member (c->response->str, "nonce");
  gsize nonce_len = 0;
  g_autofree guint8 *nonce = nonce_b64 != NULL ? g_base64_decode (nonce_b64, &nonce_len) : NULL;
  g_autofree char *sig = nonce != NULL ? sign_base64 (c->card_key, nonce, nonce_len) : NULL;
  if (sig == NULL)
    {
      g_string_assign (c->response, "{\"error\":{\"code\":\"bench.no-nonce-or-signature\"}}");
      *failed = 999;
      return FALSE;
    }
  g_autofree char *body
      = g_strdup_printf ("{\"nonce\":\"%s\",\"signature\":\"%s\",\"certificate\":\"%s\"}",
                         nonce_b64, sig, c->card_b64);
  guint64 t = now_ns ();
  status = http (c, "POST", "/v1/identity/sessions", body, NULL);
  *session_ns = now_ns () - t;
  if (status != 201)
    {
      *failed = status;
      return FALSE;
    }
  g_free (c->token);
  c->token = json_member (c->response->str, "token");
  return c->token != NULL;
}

static gboolean
load_card (Client *c, guint card)
{
  g_autofree char *der_path = g_strdup_printf ("%s/card-%03u.der", opt_cards, card);
  g_autofree char *key_path = g_strdup_printf ("%s/card-%03u.key.pem", opt_cards, card);
  g_autofree char *der = NULL;
  gsize der_len = 0;
  if (!g_file_get_contents (der_path, &der, &der_len, NULL))
    return FALSE;
  c->card_b64 = g_base64_encode ((const guchar *)der, der_len);
  FILE *f = fopen (key_path, "r");
  if (f == NULL)
    return FALSE;
  c->card_key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
  fclose (f);
  return c->card_key != NULL;
}

typedef enum
{
  SCENARIO_IDENTITY,
  SCENARIO_ISSUANCE,
  SCENARIO_TICKETS,
  SCENARIO_RAW_INSERT,
} Scenario;

static Scenario scenario;
static gboolean raw_is_pg;
static char *raw_sqlite_path;

static const char issuance_body[]
    = "{\"kind\":\"juminhyo\",\"copies\":1,\"layout\":\"kojin\",\"options\":{"
      "\"setai_nushi_zokugara\":false,\"honseki_hittosha\":false,\"juminhyo_code\":false,"
      "\"kojin_bango\":false,\"furigana\":false}}";

/* ---- raw insert: the database's own durable ceiling -------------------------------------------
 */

static guint64
xorshift (guint64 *s)
{
  guint64 x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static void
raw_row (Client *c, char key[33], char payload[PAYLOAD_BYTES + 1])
{
  guint64 a = xorshift (&c->rng), b = xorshift (&c->rng);
  g_snprintf (key, 33, "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x", a, b);
  /* A ticket-like JSON text of PAYLOAD_BYTES bytes. */
  int n = g_snprintf (payload, PAYLOAD_BYTES + 1,
                      "{\"ticket_id\":\"%s\",\"category\":\"%c\",\"number\":%u,\"service\":"
                      "\"bench\",\"office_code\":\"131016\",\"status\":\"waiting\",\"pad\":\"",
                      key, 'A' + (int)(a % 26), (guint)(b % 999) + 1);
  while (n < PAYLOAD_BYTES - 2)
    payload[n++] = 'x';
  payload[n++] = '"';
  payload[n++] = '}';
  payload[n] = '\0';
}

static gboolean
sqlite_step_done (sqlite3_stmt *s)
{
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static void
raw_error (Client *c, const char *what)
{
  gpointer old = g_hash_table_lookup (c->errors, what);
  g_hash_table_replace (c->errors, g_strdup (what), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static gboolean
raw_setup (Client *c)
{
  c->rng = 0x9e3779b97f4a7c15ull ^ ((guint64)c->index << 32) ^ now_ns ();
  if (raw_is_pg)
    {
      c->pg = PQconnectdb (opt_db);
      if (PQstatus (c->pg) != CONNECTION_OK)
        {
          c->setup_error = g_strdup (PQerrorMessage (c->pg));
          return FALSE;
        }
      PGresult *r = PQexec (c->pg, "SET synchronous_commit = on");
      PQclear (r);
      r = PQprepare (c->pg, "ins",
                     "INSERT INTO bench_raw (thread, n, key, payload) VALUES ($1, $2, $3, $4)", 4,
                     NULL);
      gboolean ok = PQresultStatus (r) == PGRES_COMMAND_OK;
      if (!ok)
        c->setup_error = g_strdup (PQerrorMessage (c->pg));
      PQclear (r);
      return ok;
    }
  if (sqlite3_open_v2 (raw_sqlite_path, &c->sqlite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL)
      != SQLITE_OK)
    {
      c->setup_error = g_strdup (sqlite3_errmsg (c->sqlite));
      return FALSE;
    }
  sqlite3_busy_timeout (c->sqlite, 10000); /* the registry's MADO_SQLITE_BUSY_TIMEOUT_MS */
  if (sqlite3_exec (c->sqlite, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", NULL, NULL,
                    NULL)
      != SQLITE_OK)
    {
      c->setup_error = g_strdup (sqlite3_errmsg (c->sqlite));
      return FALSE;
    }
  return TRUE;
}

static void
raw_loop (Client *c)
{
  char key[33], payload[PAYLOAD_BYTES + 1], thread[16], n[24];
  sqlite3_stmt *begin = NULL, *insert = NULL, *commit = NULL, *rollback = NULL;
  if (!raw_is_pg)
    {
      sqlite3_prepare_v2 (c->sqlite, "BEGIN IMMEDIATE", -1, &begin, NULL);
      sqlite3_prepare_v2 (c->sqlite,
                          "INSERT INTO bench_raw (thread, n, key, payload) VALUES (?, ?, ?, ?)", -1,
                          &insert, NULL);
      sqlite3_prepare_v2 (c->sqlite, "COMMIT", -1, &commit, NULL);
      sqlite3_prepare_v2 (c->sqlite, "ROLLBACK", -1, &rollback, NULL);
    }
  for (guint64 i = 0;; i++)
    {
      guint64 start = now_ns ();
      if (start >= window_end_ns)
        break;
      raw_row (c, key, payload);
      gboolean ok;
      if (raw_is_pg)
        {
          g_snprintf (thread, sizeof thread, "%u", c->index);
          g_snprintf (n, sizeof n, "%" G_GUINT64_FORMAT, i);
          const char *values[] = { thread, n, key, payload };
          PGresult *r = PQexecPrepared (c->pg, "ins", 4, values, NULL, NULL, 0);
          ok = PQresultStatus (r) == PGRES_COMMAND_OK;
          PQclear (r);
        }
      else
        {
          ok = sqlite_step_done (begin);
          if (ok)
            {
              sqlite3_bind_int (insert, 1, (int)c->index);
              sqlite3_bind_int64 (insert, 2, (sqlite3_int64)i);
              sqlite3_bind_text (insert, 3, key, -1, SQLITE_STATIC);
              sqlite3_bind_text (insert, 4, payload, -1, SQLITE_STATIC);
              ok = sqlite_step_done (insert) && sqlite_step_done (commit);
              if (!ok)
                sqlite_step_done (rollback);
            }
        }
      guint64 end = now_ns ();
      if (start < window_start_ns || end > window_end_ns)
        continue;
      if (ok)
        {
          c->ok++;
          samples_add (&c->latency, end - start);
        }
      else
        raw_error (c, raw_is_pg ? "pg error"
                                : (sqlite3_errcode (c->sqlite) == SQLITE_BUSY ? "sqlite busy"
                                                                              : "sqlite error"));
    }
  sqlite3_finalize (begin);
  sqlite3_finalize (insert);
  sqlite3_finalize (commit);
  sqlite3_finalize (rollback);
}

/* ---- HTTP scenarios
 * ------------------------------------------------------------------------------ */

static gboolean
http_setup (Client *c, guint n_cards)
{
  if (!client_http_init (c))
    {
      c->setup_error = g_strdup ("curl_easy_init failed");
      return FALSE;
    }
  if (scenario == SCENARIO_IDENTITY || scenario == SCENARIO_ISSUANCE)
    {
      if (!load_card (c, c->index % n_cards))
        {
          c->setup_error = g_strdup_printf ("cannot load card %u", c->index % n_cards);
          return FALSE;
        }
    }
  if (scenario == SCENARIO_ISSUANCE)
    {
      guint64 ns = 0;
      long failed = 0;
      if (!identity_exchange (c, &ns, &failed))
        {
          c->setup_error = describe_failure (c, failed);
          return FALSE;
        }
    }
  else
    {
      /* The TLS handshake before the clock starts (a kiosk keeps its connection). */
      long status = http (c, "GET", "/v1/tickets/none", NULL, NULL);
      if (status == 0)
        {
          c->setup_error = describe_failure (c, status);
          return FALSE;
        }
    }
  return TRUE;
}

static void
http_loop (Client *c)
{
  char key[96];
  char body[128];
  /* Open loop: this client's k-th request is due at first + k·interval. */
  guint64 interval = 0, due = 0;
  if (opt_rate > 0)
    {
      interval = (guint64)((double)opt_clients / opt_rate * 1e9);
      due = now_ns () + (guint64)((double)c->index / opt_rate * 1e9);
    }
  for (;;)
    {
      guint64 start = now_ns ();
      if (interval > 0)
        {
          if (due > start)
            {
              guint64 wait = due - start;
              struct timespec ts = { (time_t)(wait / 1000000000u), (long)(wait % 1000000000u) };
              while (nanosleep (&ts, &ts) != 0)
                ;
            }
          start = due; /* latency from the scheduled time */
          due += interval;
        }
      if (start >= window_end_ns)
        break;
      guint64 sent = now_ns ();
      guint64 lag = interval > 0 && sent > start ? sent - start : 0; /* behind the schedule */
      long status = 0, want = 201;
      guint64 session_ns = 0;
      gboolean ok;
      switch (scenario)
        {
        case SCENARIO_IDENTITY:
          ok = identity_exchange (c, &session_ns, &status);
          break;
        case SCENARIO_ISSUANCE:
          fresh_key (c, key, sizeof key);
          status = http (c, "POST", "/v1/certificates/issuances", issuance_body, key);
          ok = status == want;
          break;
        case SCENARIO_TICKETS:
        default:
          {
            guint rot = (guint)g_atomic_int_add (&ticket_rotation, 1);
            g_snprintf (body, sizeof body, "{\"category\":\"%c\",\"service\":\"証明書\"}",
                        'A' + (int)(rot % 26));
            fresh_key (c, key, sizeof key);
            status = http (c, "POST", "/v1/tickets", body, key);
            ok = status == want;
          }
          break;
        }
      guint64 end = now_ns ();
      if (start < window_start_ns || end > window_end_ns)
        continue;
      if (ok)
        {
          c->ok++;
          if (scenario == SCENARIO_IDENTITY)
            {
              samples_add (&c->latency, session_ns + lag);
              samples_add (&c->pair, end - start);
            }
          else
            samples_add (&c->latency, end - start);
        }
      else
        count_error (c, status);
    }
}

static guint n_cards;

static void *
client_main (void *data)
{
  Client *c = data;
  gboolean ok = scenario == SCENARIO_RAW_INSERT ? raw_setup (c) : http_setup (c, n_cards);
  pthread_barrier_wait (&ready_barrier);
  pthread_barrier_wait (&go_barrier);
  if (ok)
    {
      if (scenario == SCENARIO_RAW_INSERT)
        raw_loop (c);
      else
        http_loop (c);
    }
  return NULL;
}

/* ---- the run -----------------------------------------------------------------------------------
 */

static char *durability; /* what the database says of its durability, for the output line */

static void
pg_quiet (void *arg, const char *message)
{
  /* "table … does not exist, skipping" */
}

static gboolean
raw_table (gboolean create, GError **error)
{
  if (raw_is_pg)
    {
      PGconn *pg = PQconnectdb (opt_db);
      gboolean ok = PQstatus (pg) == CONNECTION_OK;
      PQsetNoticeProcessor (pg, pg_quiet, NULL);
      if (ok && create)
        {
          PGresult *r
              = PQexec (pg, "SELECT 'fsync=' || current_setting('fsync') || "
                            "' synchronous_commit=' || current_setting('synchronous_commit')"
                            " || ' full_page_writes=' || "
                            "current_setting('full_page_writes') || ' wal_sync_method=' || "
                            "current_setting('wal_sync_method')");
          if (PQresultStatus (r) == PGRES_TUPLES_OK && PQntuples (r) == 1)
            durability = g_strdup (PQgetvalue (r, 0, 0));
          PQclear (r);
        }
      const char *sql
          = create ? "DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (id bigserial "
                     "PRIMARY KEY, thread integer NOT NULL, n bigint NOT NULL, key text NOT NULL "
                     "UNIQUE, payload text NOT NULL)"
                   : "DROP TABLE IF EXISTS bench_raw";
      if (ok)
        {
          PGresult *r = PQexec (pg, sql);
          ok = PQresultStatus (r) == PGRES_COMMAND_OK;
          PQclear (r);
        }
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", PQerrorMessage (pg));
      PQfinish (pg);
      return ok;
    }
  sqlite3 *db = NULL;
  const char *sql
      = create ? "PRAGMA journal_mode = WAL; DROP TABLE IF EXISTS bench_raw; CREATE TABLE "
                 "bench_raw (id INTEGER PRIMARY KEY, thread INTEGER NOT NULL, n INTEGER NOT "
                 "NULL, key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)"
               : "DROP TABLE IF EXISTS bench_raw; PRAGMA wal_checkpoint(TRUNCATE)";
  gboolean ok = sqlite3_open_v2 (raw_sqlite_path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK;
  if (ok)
    {
      sqlite3_busy_timeout (db, 10000);
      ok = sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK;
    }
  if (ok && create)
    {
      /* What each client's connection sets (journal mode is the file's, synchronous the
       * connection's), read back on this one after setting it the same way. */
      sqlite3_stmt *st = NULL;
      if (sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) == SQLITE_OK
          && sqlite3_prepare_v2 (db,
                                 "SELECT (SELECT journal_mode FROM pragma_journal_mode), "
                                 "(SELECT synchronous FROM pragma_synchronous)",
                                 -1, &st, NULL)
                 == SQLITE_OK
          && sqlite3_step (st) == SQLITE_ROW)
        durability = g_strdup_printf ("journal_mode=%s synchronous=%d (2 = FULL)",
                                      sqlite3_column_text (st, 0), sqlite3_column_int (st, 1));
      sqlite3_finalize (st);
    }
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", sqlite3_errmsg (db));
  sqlite3_close (db);
  return ok;
}

static void
print_latency (GString *out, const char *name, Samples *s)
{
  qsort (s->v, s->n, sizeof *s->v, cmp_u32);
  g_string_append_printf (out, ",\"%s\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f}",
                          name, quantile_ms (s, 0.50), quantile_ms (s, 0.90), quantile_ms (s, 0.99),
                          s->n ? s->v[s->n - 1] / 1000.0 : 0.0);
}

static void
merge_samples (Samples *into, const Samples *from)
{
  for (gsize i = 0; i < from->n; i++)
    {
      if (into->n == into->cap)
        {
          into->cap = into->cap ? into->cap * 2 : 4096;
          into->v = g_renew (guint32, into->v, into->cap);
        }
      into->v[into->n++] = from->v[i];
    }
}

/* Waits (up to --wait-idle seconds) until the machine's busy time over half a second is under
 * a tenth of a core: a benchmark on a shared machine should not start beside someone's build.
 * Returns the seconds waited, and the last busy share of one core in *@busy. */
static double
wait_idle (double *busy)
{
  guint64 start = now_ns ();
  *busy = 0;
  for (;;)
    {
      CpuSample a, b;
      cpu_sample (&a);
      g_usleep (500000);
      cpu_sample (&b);
      *busy = (b.machine_busy_s - a.machine_busy_s) / ((double)(b.t_ns - a.t_ns) / 1e9);
      double waited = (double)(now_ns () - start) / 1e9;
      if (*busy < 0.10 || waited >= opt_wait_idle)
        return waited;
    }
}

static int
run_load (void)
{
  guint n = (guint)opt_clients;
  if (scenario == SCENARIO_IDENTITY || scenario == SCENARIO_ISSUANCE)
    {
      if (opt_cards == NULL)
        {
          fprintf (stderr, "bench-registry: --cards DIR is needed\n");
          return 2;
        }
      while (n_cards < MAX_CLIENTS)
        {
          g_autofree char *p = g_strdup_printf ("%s/card-%03u.der", opt_cards, n_cards);
          if (!g_file_test (p, G_FILE_TEST_EXISTS))
            break;
          n_cards++;
        }
      if (opt_cards_count > 0)
        n_cards = MIN (n_cards, (guint)opt_cards_count);
      if (n_cards == 0)
        {
          fprintf (stderr, "bench-registry: no card-000.der in %s\n", opt_cards);
          return 2;
        }
    }
  if (scenario == SCENARIO_RAW_INSERT)
    {
      g_autoptr (GError) error = NULL;
      if (!raw_table (TRUE, &error))
        {
          fprintf (stderr, "bench-registry: bench table: %s\n", error->message);
          return 1;
        }
    }
  else if (opt_url == NULL || opt_cert == NULL || opt_key == NULL || opt_ca == NULL)
    {
      fprintf (stderr, "bench-registry: --url, --cert, --key and --ca are needed\n");
      return 2;
    }

  double busy_before = 0, idle_wait = 0;
  if (opt_wait_idle > 0)
    {
      idle_wait = wait_idle (&busy_before);
      if (busy_before >= 0.10)
        fprintf (stderr,
                 "bench-registry: the machine is busy (%.0f%% of a core) after %.0f s: running "
                 "anyway, see cpu_s.other\n",
                 busy_before * 100, idle_wait);
    }
  pthread_barrier_init (&ready_barrier, NULL, n + 1);
  pthread_barrier_init (&go_barrier, NULL, n + 1);
  pthread_t threads[MAX_CLIENTS];
  for (guint i = 0; i < n; i++)
    {
      clients[i].index = i;
      clients[i].errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      pthread_attr_t attr;
      pthread_attr_init (&attr);
      pthread_attr_setstacksize (&attr, 1 << 20);
      if (pthread_create (&threads[i], &attr, client_main, &clients[i]) != 0)
        g_error ("pthread_create failed");
      pthread_attr_destroy (&attr);
    }
  pthread_barrier_wait (&ready_barrier);
  guint setup_failed = 0;
  for (guint i = 0; i < n; i++)
    if (clients[i].setup_error != NULL)
      {
        if (setup_failed++ < 3)
          fprintf (stderr, "bench-registry: client %u: %s\n", i, clients[i].setup_error);
      }
  guint64 t0 = now_ns ();
  window_start_ns = t0 + (guint64)(opt_warmup * 1e9);
  window_end_ns = window_start_ns + (guint64)(opt_duration * 1e9);
  pthread_barrier_wait (&go_barrier);

  CpuSample a, b;
  guint64 t;
  while ((t = now_ns ()) < window_start_ns)
    g_usleep (MAX ((window_start_ns - t) / 1000, 1));
  cpu_sample (&a);
  g_autoptr (GHashTable) procs_before = proc_snapshot ();
  g_autoptr (GHashTable) threads_before = thread_snapshot ();
  while ((t = now_ns ()) < window_end_ns)
    g_usleep (MAX ((window_end_ns - t) / 1000, 1));
  cpu_sample (&b);
  g_autoptr (GHashTable) procs_after = proc_snapshot ();
  g_autoptr (GHashTable) threads_after = thread_snapshot ();
  for (guint i = 0; i < n; i++)
    pthread_join (threads[i], NULL);

  Samples latency = { 0 }, pair = { 0 };
  g_autoptr (GHashTable) errors = g_hash_table_new (g_str_hash, g_str_equal);
  guint64 ok = 0, failed = 0;
  for (guint i = 0; i < n; i++)
    {
      Client *c = &clients[i];
      ok += c->ok;
      merge_samples (&latency, &c->latency);
      merge_samples (&pair, &c->pair);
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, c->errors);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          failed += GPOINTER_TO_UINT (v);
          gpointer old = g_hash_table_lookup (errors, k);
          g_hash_table_replace (errors, k,
                                GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + GPOINTER_TO_UINT (v)));
        }
    }

  double wall = (double)(b.t_ns - a.t_ns) / 1e9;
  double cores = (double)sysconf (_SC_NPROCESSORS_ONLN);
  GString *out = g_string_new ("{");
  if (opt_label != NULL)
    g_string_append_printf (out, "%s,", opt_label);
  g_string_append_printf (out,
                          "\"scenario\":\"%s\",\"clients\":%u,\"cards\":%u,\"duration_s\":%.2f,"
                          "\"requests\":%" G_GUINT64_FORMAT ",\"ok\":%" G_GUINT64_FORMAT
                          ",\"failed\":%" G_GUINT64_FORMAT ",\"setup_failed\":%u,",
                          opt_scenario, n, n_cards, wall, ok + failed, ok, failed, setup_failed);
  if (opt_rate > 0)
    g_string_append_printf (out, "\"offered_per_s\":%.1f,", opt_rate);
  g_string_append (out, "\"errors\":{");
  GHashTableIter it;
  gpointer k, v;
  gboolean first = TRUE;
  g_hash_table_iter_init (&it, errors);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_c (out, '"');
      json_escaped (out, k);
      g_string_append_printf (out, "\":%u", GPOINTER_TO_UINT (v));
    }
  g_string_append_printf (out, "},\"throughput_per_s\":%.1f", (double)ok / wall);
  if (durability != NULL)
    {
      g_string_append (out, ",\"durability\":\"");
      json_escaped (out, durability);
      g_string_append_c (out, '"');
    }
  print_latency (out, "latency_ms", &latency);
  if (scenario == SCENARIO_IDENTITY)
    print_latency (out, "pair_latency_ms", &pair);
  double gen = b.self_s - a.self_s, server = b.server_s - a.server_s, db = b.db_s - a.db_s;
  double busy = b.machine_busy_s - a.machine_busy_s;
  g_string_append_printf (
      out,
      ",\"cpu_s\":{\"generator\":%.2f,\"server\":%.2f,\"database\":%.2f,\"machine_busy\":%.2f,"
      "\"other\":%.2f,\"machine_iowait\":%.2f},\"cores\":%.0f,\"wall_s\":%.2f,"
      "\"generator_share\":%.3f,\"machine_busy_share\":%.3f,\"busy_before\":%.2f,"
      "\"idle_wait_s\":%.1f}",
      gen, server, db, busy, busy - gen - server - db, b.machine_iowait_s - a.machine_iowait_s,
      cores, wall, gen / (wall * cores), busy / (wall * cores), busy_before, idle_wait);
  g_string_truncate (out, out->len - 1); /* the closing brace */
  print_others (out, procs_before, procs_after,
                b.machine_task_s - a.machine_task_s - gen - server - db);
  print_threads (out, threads_before, threads_after);
  g_string_append_c (out, '}');
  printf ("%s\n", out->str);
  fflush (stdout);
  g_string_free (out, TRUE);

  if (scenario == SCENARIO_RAW_INSERT)
    {
      for (guint i = 0; i < n; i++)
        {
          if (clients[i].sqlite != NULL)
            sqlite3_close (clients[i].sqlite);
          if (clients[i].pg != NULL)
            PQfinish (clients[i].pg);
        }
      g_autoptr (GError) error = NULL;
      if (!raw_table (FALSE, &error))
        fprintf (stderr, "bench-registry: dropping the bench table: %s\n", error->message);
    }
  return ok > 0 ? 0 : 1;
}

/* ---- set-up: card links through the API, as a clerk at a console ----------------------------- */

static JsonNode *
parse_response (Client *c)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, c->response->str, (gssize)c->response->len, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (p);
  return root != NULL ? json_node_copy (root) : NULL;
}

/* A person a kiosk may serve: resident, 16 or older by the birth year (the kiosk's age limit is
 * 15), and 住民票の写し eligible (no 支援措置 or 抑止). */
static gboolean
kiosk_eligible (Client *c, const char *atena, int this_year)
{
  g_autofree char *path = g_strdup_printf ("/v1/persons/%s", atena);
  if (http (c, "GET", path, NULL, NULL) != 200)
    return FALSE;
  g_autoptr (JsonNode) person = parse_response (c);
  if (person == NULL || !JSON_NODE_HOLDS_OBJECT (person))
    return FALSE;
  JsonObject *o = json_node_get_object (person);
  const char *status = json_object_get_string_member_with_default (o, "status", "");
  const char *birth = json_object_get_string_member_with_default (o, "birth_date", "");
  if (strcmp (status, "resident") != 0 || strlen (birth) != 10 || atoi (birth) > this_year - 16)
    return FALSE;
  g_free (path);
  path = g_strdup_printf ("/v1/certificates/options?atena_number=%s", atena);
  if (http (c, "GET", path, NULL, NULL) != 200)
    return FALSE;
  g_autoptr (JsonNode) options = parse_response (c);
  if (options == NULL || !JSON_NODE_HOLDS_OBJECT (options))
    return FALSE;
  JsonArray *certs = json_object_get_array_member (json_node_get_object (options), "certificates");
  for (guint i = 0; certs != NULL && i < json_array_get_length (certs); i++)
    {
      JsonObject *cert = json_array_get_object_element (certs, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (cert, "kind", ""), "juminhyo")
          == 0)
        return json_object_get_boolean_member_with_default (cert, "eligible", FALSE);
    }
  return FALSE;
}

static int
run_link (void)
{
  if (opt_url == NULL || opt_cert == NULL || opt_key == NULL || opt_ca == NULL || opt_cards == NULL
      || opt_login == NULL || opt_password_file == NULL || opt_residents < 1)
    {
      fprintf (stderr, "bench-registry: link needs --url --cert --key --ca --cards --login "
                       "--password-file --residents\n");
      return 2;
    }
  g_autofree char *password = NULL;
  if (!g_file_get_contents (opt_password_file, &password, NULL, NULL))
    {
      fprintf (stderr, "bench-registry: cannot read %s\n", opt_password_file);
      return 2;
    }
  password[strcspn (password, "\r\n")] = '\0';
  Client *c = &clients[0];
  client_http_init (c);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "login");
  json_builder_add_string_value (b, opt_login);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  g_autoptr (JsonNode) login_node = json_builder_get_root (b);
  g_autofree char *login_body = json_to_string (login_node, FALSE);
  long status = http (c, "POST", "/v1/operators/login", login_body, NULL);
  if (status != 201 || (c->token = json_member (c->response->str, "token")) == NULL)
    {
      g_autofree char *why = describe_failure (c, status);
      fprintf (stderr, "bench-registry: clerk login: %s\n", why);
      return 1;
    }

  while (n_cards < MAX_CLIENTS)
    {
      g_autofree char *p = g_strdup_printf ("%s/card-%03u.der", opt_cards, n_cards);
      if (!g_file_test (p, G_FILE_TEST_EXISTS))
        break;
      n_cards++;
    }
  if (opt_cards_count > 0)
    n_cards = MIN (n_cards, (guint)opt_cards_count);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now);
  guint stride = (guint)opt_residents / MAX (n_cards, 1);
  guint skipped = 0;
  for (guint card = 0; card < n_cards; card++)
    {
      g_autofree char *der_path = g_strdup_printf ("%s/card-%03u.der", opt_cards, card);
      g_autofree char *der = NULL;
      gsize der_len = 0;
      if (!g_file_get_contents (der_path, &der, &der_len, NULL))
        return 1;
      g_autofree char *der_b64 = g_base64_encode ((const guchar *)der, der_len);
      gboolean linked = FALSE;
      /* Persons spread over the whole population: card i from index i·N/K on. */
      for (guint index = card * stride;
           index < MIN ((card + 1) * stride, (guint)opt_residents) && !linked; index++)
        {
          g_autofree char *atena = mado_seed_atena_number (index);
          if (!kiosk_eligible (c, atena, year))
            {
              skipped++;
              continue;
            }
          g_autofree char *body = g_strdup_printf (
              "{\"atena_number\":\"%s\",\"certificate\":\"%s\"}", atena, der_b64);
          char key[96];
          fresh_key (c, key, sizeof key);
          status = http (c, "POST", "/v1/card-links", body, key);
          if (status != 201)
            {
              g_autofree char *why = describe_failure (c, status);
              fprintf (stderr, "bench-registry: card %u → %s: %s\n", card, atena, why);
              return 1;
            }
          printf ("card-%03u %u %s\n", card, index, atena);
          linked = TRUE;
        }
      if (!linked)
        {
          fprintf (stderr, "bench-registry: no eligible person for card %u\n", card);
          return 1;
        }
    }
  fprintf (stderr, "bench-registry: %u cards linked (%u persons skipped: not eligible)\n", n_cards,
           skipped);
  return 0;
}

/* ---- set-up: ticket ranges, database size ------------------------------------------------------
 */

static int
run_ranges (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (opt_db, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-registry: %s\n", error->message);
      return 1;
    }
  for (char c = 'A'; c <= 'Z'; c++)
    {
      char category[2] = { c, '\0' };
      if (!mado_registry_store_set_ticket_range (store, category, 1, 9999, &error))
        {
          fprintf (stderr, "bench-registry: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

static gint64
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

static int
run_dbsize (void)
{
  if (g_str_has_prefix (opt_db, "sqlite:"))
    {
      const char *path = opt_db + strlen ("sqlite:");
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      printf ("%" G_GINT64_FORMAT "\n", file_size (path) + file_size (wal));
      return 0;
    }
  PGconn *pg = PQconnectdb (opt_db);
  PGresult *r = PQstatus (pg) == CONNECTION_OK
                    ? PQexec (pg, "SELECT pg_database_size(current_database())")
                    : NULL;
  int rc = 1;
  if (r != NULL && PQresultStatus (r) == PGRES_TUPLES_OK && PQntuples (r) == 1)
    {
      printf ("%s\n", PQgetvalue (r, 0, 0));
      rc = 0;
    }
  else
    fprintf (stderr, "bench-registry: %s\n", PQerrorMessage (pg));
  PQclear (r);
  PQfinish (pg);
  return rc;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("— load on mado-registryd");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_scenario == NULL
      || opt_clients < 1 || opt_clients > MAX_CLIENTS || opt_duration <= 0 || opt_warmup < 0)
    {
      fprintf (stderr, "%s\nusage: bench-registry --scenario NAME … (see the source's head)\n",
               error ? error->message : "");
      return 2;
    }
  guint8 id[6];
  RAND_bytes (id, sizeof id);
  for (guint i = 0; i < sizeof id; i++)
    g_snprintf (run_id + 2 * i, 3, "%02x", id[i]);
  curl_global_init (CURL_GLOBAL_ALL);

  if (strcmp (opt_scenario, "link") == 0)
    return run_link ();
  if (strcmp (opt_scenario, "idle") == 0)
    {
      double busy = 0, waited = wait_idle (&busy);
      printf ("{\"busy_before\":%.2f,\"idle_wait_s\":%.1f}\n", busy, waited);
      return 0;
    }
  if (strcmp (opt_scenario, "ranges") == 0 || strcmp (opt_scenario, "dbsize") == 0)
    {
      if (opt_db == NULL)
        {
          fprintf (stderr, "bench-registry: --db DSN is needed\n");
          return 2;
        }
      return strcmp (opt_scenario, "ranges") == 0 ? run_ranges () : run_dbsize ();
    }
  if (strcmp (opt_scenario, "identity") == 0)
    scenario = SCENARIO_IDENTITY;
  else if (strcmp (opt_scenario, "issuance") == 0)
    scenario = SCENARIO_ISSUANCE;
  else if (strcmp (opt_scenario, "tickets") == 0)
    scenario = SCENARIO_TICKETS;
  else if (strcmp (opt_scenario, "raw-insert") == 0)
    {
      scenario = SCENARIO_RAW_INSERT;
      if (opt_db == NULL)
        {
          fprintf (stderr, "bench-registry: raw-insert needs --db DSN\n");
          return 2;
        }
      if (g_str_has_prefix (opt_db, "sqlite:"))
        raw_sqlite_path = opt_db + strlen ("sqlite:");
      else
        raw_is_pg = TRUE;
    }
  else
    {
      fprintf (stderr, "bench-registry: unknown scenario %s\n", opt_scenario);
      return 2;
    }
  return run_load ();
}
