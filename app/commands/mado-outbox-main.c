/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox-main.c — `mado-outbox`, the kiosk's delivery service and its clerk's tools: run
 * (deliver due records to the registry, once or as a service), list (records without payloads),
 * retry ID. See docs/cli.md; exit codes come from the error catalogue (mado-app-error.h).
 *
 * `run` may be killed at any moment, SIGKILL included: the outbox commits every change in one
 * transaction and a record is purged only after the registry's 2xx, so what was not confirmed
 * is sent again under the same idempotency key.
 */
#define G_LOG_DOMAIN "mado-outbox"

#include <locale.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mado-app-error.h"
#include "mado-clock.h"
#include "mado-config.h"
#include "mado-outbox-delivery.h"
#include "mado-outbox.h"
#include "mado-registry-client.h"
#include "mado-sync-error.h"

#define PROGRAM "mado-outbox"

typedef struct
{
  char *config_path;
  char *outbox_path;
  char *key_file;
  char *registry_url;
  char *certificate;
  char *key;
  char *ca;
  gboolean once;
  int interval;
  gboolean json;

  MadoConfig *config;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->config_path);
  g_free (o->outbox_path);
  g_free (o->key_file);
  g_free (o->registry_url);
  g_free (o->certificate);
  g_free (o->key);
  g_free (o->ca);
  g_clear_pointer (&o->config, mado_config_free);
}

static gboolean json_errors; /* --json: errors also as one JSON object on standard output */

static void
print_json (JsonBuilder *builder, gboolean pretty)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static int
fail (const GError *error)
{
  const MadoErrorEntry *entry = mado_error_lookup (error);

  mado_error_print (stderr, PROGRAM, error);
  if (json_errors)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, entry->id);
      json_builder_set_member_name (b, "exit_code");
      json_builder_add_int_value (b, entry->exit_code);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b, FALSE);
    }
  return entry->exit_code;
}

static int
usage_error (const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (MADO_APP_ERROR, MADO_APP_ERROR_USAGE, message);
  return fail (error);
}

/* ---- the outbox ------------------------------------------------------------------------------ */

/* `run` opens the outbox with the kiosk's key (it reads payloads). `list` and `retry` never read
 * or write a payload, so they do without the key (a throwaway one opens the file) and never
 * create a missing outbox. */
static MadoOutbox *
open_outbox (Options *o, gboolean with_key, GError **error)
{
  const char *path = mado_config_get_string (o->config, "outbox", "path");
  g_autoptr (MadoOutboxKey) key = NULL;

  if (with_key)
    key = mado_outbox_key_load (mado_config_get_string (o->config, "outbox", "key-file"), error);
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO, "%s: no outbox there", path);
      return NULL;
    }
  else
    key = mado_outbox_key_generate (error);
  if (key == NULL)
    return NULL;
  return mado_outbox_open (path, key, error);
}

static char *
format_time (gint64 t)
{
  return t != 0 ? mado_time_format (t) : g_strdup ("-");
}

static void
add_time_member (JsonBuilder *b, const char *name, gint64 t)
{
  json_builder_set_member_name (b, name);
  if (t == 0)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *text = mado_time_format (t);
      json_builder_add_string_value (b, text);
    }
}

static int
cmd_list (Options *o, const char *argument)
{
  g_autoptr (GError) error = NULL;

  if (argument != NULL)
    return usage_error ("list takes no argument");
  g_autoptr (MadoOutbox) outbox = open_outbox (o, FALSE, &error);
  if (outbox == NULL)
    return fail (error);
  g_autoptr (GPtrArray) records = mado_outbox_list (outbox, &error);
  if (records == NULL)
    return fail (error);

  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "records");
      json_builder_begin_array (b);
      for (guint i = 0; i < records->len; i++)
        {
          const MadoOutboxRecord *r = g_ptr_array_index (records, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, r->id);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, r->kind);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, mado_outbox_state_to_string (r->state));
          json_builder_set_member_name (b, "attempts");
          json_builder_add_int_value (b, r->attempts);
          add_time_member (b, "created_at", r->created_at);
          add_time_member (b, "next_attempt_at",
                           r->state == MADO_OUTBOX_STATE_PENDING ? r->next_attempt_at : 0);
          add_time_member (b, "last_attempt_at", r->last_attempt_at);
          add_time_member (b, "set_aside_at", r->set_aside_at);
          json_builder_set_member_name (b, "reason");
          if (r->reason != NULL)
            json_builder_add_string_value (b, r->reason);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b, TRUE);
      return 0;
    }

  if (records->len == 0)
    {
      printf ("%s\n", _ ("送信待ちの記録はありません。"));
      return 0;
    }
  /* TRANSLATORS: column heads of `mado-outbox list`: id, kind, state, attempts, created, next
   * attempt, reason */
  printf ("%s\n", _ ("番号\t種類\t状態\t試行\t作成\t次回\t理由"));
  for (guint i = 0; i < records->len; i++)
    {
      const MadoOutboxRecord *r = g_ptr_array_index (records, i);
      g_autofree char *created = format_time (r->created_at);
      g_autofree char *next
          = format_time (r->state == MADO_OUTBOX_STATE_PENDING ? r->next_attempt_at : 0);
      printf ("%" G_GINT64_FORMAT "\t%s\t%s\t%u\t%s\t%s\t%s\n", r->id, r->kind,
              r->state == MADO_OUTBOX_STATE_PENDING ? _ ("待機") : _ ("保留"), r->attempts, created,
              next, r->reason != NULL ? r->reason : "-");
    }
  return 0;
}

static int
cmd_retry (Options *o, const char *argument)
{
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  if (argument == NULL || !g_ascii_string_to_signed (argument, 10, 1, G_MAXINT64, &id, NULL))
    return usage_error ("retry needs a record id (a positive integer, as list shows it)");
  g_autoptr (MadoOutbox) outbox = open_outbox (o, FALSE, &error);
  if (outbox == NULL)
    return fail (error);
  g_autoptr (MadoClock) clock = mado_system_clock_new ();
  g_autoptr (MadoOutboxRecord) record
      = mado_outbox_retry (outbox, id, mado_clock_now (clock), &error);
  if (record == NULL)
    return fail (error);

  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, record->id);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, mado_outbox_state_to_string (record->state));
      add_time_member (b, "next_attempt_at", record->next_attempt_at);
      json_builder_end_object (b);
      print_json (b, TRUE);
    }
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
      printf (_ ("記録 %s (%s) を今すぐ送る対象にしました。\n"), number, record->kind);
    }
  return 0;
}

/* ---- run ------------------------------------------------------------------------------------- */

static MadoRegistryClient *
client_from_config (MadoConfig *config, GError **error)
{
  const MadoRegistryClientOptions options = {
    .base_url = mado_config_get_string (config, "registry", "url"),
    .client_certificate = mado_config_get_string (config, "registry", "client-certificate"),
    .client_key = mado_config_get_string (config, "registry", "client-key"),
    .ca_file = mado_config_get_string (config, "registry", "ca"),
    .connect_timeout_ms = (guint)mado_config_get_integer (config, "registry", "connect-timeout-ms"),
    .timeout_ms = (guint)mado_config_get_integer (config, "registry", "timeout-ms"),
    .proxy = mado_config_get_string (config, "registry", "proxy"),
  };
  return mado_registry_client_new (&options, error);
}

typedef struct
{
  GMainLoop *loop;
  MadoOutboxDelivery *delivery;
  MadoClock *clock;
  GCancellable *cancellable;
  gint64 interval;
  gboolean once;
  gboolean json;
  gboolean running;  /* a pass is in flight */
  gboolean stopping; /* SIGTERM or SIGINT came */
  guint timer;
  int exit_code;
} RunState;

static void
print_summary (RunState *r, const MadoDeliverySummary *s)
{
  if (r->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "pass");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "delivered");
      json_builder_add_int_value (b, s->delivered);
      json_builder_set_member_name (b, "replayed");
      json_builder_add_int_value (b, s->replayed);
      json_builder_set_member_name (b, "failed");
      json_builder_add_int_value (b, s->failed);
      json_builder_set_member_name (b, "set_aside");
      json_builder_add_int_value (b, s->set_aside);
      json_builder_set_member_name (b, "remaining");
      json_builder_add_int_value (b, s->remaining);
      json_builder_set_member_name (b, "ended_early");
      json_builder_add_boolean_value (b, s->ended_early);
      add_time_member (b, "next_due_at", s->next_due_at);
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b, FALSE);
      return;
    }
  /* a quiet pass says nothing, except with --once */
  if (!r->once && s->delivered == 0 && s->failed == 0 && s->set_aside == 0)
    return;
  printf (_ ("送信 %u 件 (うち再送への応答 %u 件)、失敗 %u 件、保留 %u 件、残り %u 件%s\n"),
          s->delivered, s->replayed, s->failed, s->set_aside, s->remaining,
          s->ended_early ? _ ("、住民記録システムに届かないため中断") : "");
  fflush (stdout);
}

static void start_pass (RunState *r);

static gboolean
on_timer (gpointer data)
{
  RunState *r = data;
  r->timer = 0;
  start_pass (r);
  return G_SOURCE_REMOVE;
}

static void
on_pass_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RunState *r = data;
  MadoDeliverySummary s = { 0 };
  g_autoptr (GError) error = NULL;

  r->running = FALSE;
  gboolean ok = mado_outbox_delivery_run_pass_finish (r->delivery, result, &s, &error);
  if (r->stopping)
    {
      g_main_loop_quit (r->loop);
      return;
    }
  if (ok)
    print_summary (r, &s);
  else
    {
      /* the outbox failed (a full disk, say): said, and tried again after the interval */
      int code = fail (error);
      if (r->once)
        r->exit_code = code;
    }
  if (r->once)
    {
      g_main_loop_quit (r->loop);
      return;
    }

  /* Wake when the next record falls due, at most after the interval; after a pass cut short
   * (the registry out of reach) wait the whole interval: records due now would only knock on
   * the same closed door. */
  gint64 delay = r->interval;
  if (ok && !s.ended_early && s.remaining > 0 && s.next_due_at != 0)
    delay = CLAMP (s.next_due_at - mado_clock_now (r->clock), 1, r->interval);
  g_debug ("next pass in %" G_GINT64_FORMAT " s", delay);
  r->timer = g_timeout_add_seconds ((guint)delay, on_timer, r);
}

static void
start_pass (RunState *r)
{
  r->running = TRUE;
  mado_outbox_delivery_run_pass_async (r->delivery, r->cancellable, on_pass_done, r);
}

static gboolean
on_quit_signal (gpointer data)
{
  RunState *r = data;
  r->stopping = TRUE;
  /* the exchange in flight is abandoned: its record stays as it was, and is sent again later */
  g_cancellable_cancel (r->cancellable);
  if (r->timer != 0)
    {
      g_source_remove (r->timer);
      r->timer = 0;
    }
  if (!r->running)
    g_main_loop_quit (r->loop);
  return G_SOURCE_CONTINUE;
}

static int
cmd_run (Options *o, const char *argument)
{
  g_autoptr (GError) error = NULL;

  if (argument != NULL)
    return usage_error ("run takes no argument");
  g_autoptr (MadoRegistryClient) client = client_from_config (o->config, &error);
  if (client == NULL)
    return fail (error);
  g_autoptr (MadoOutbox) outbox = open_outbox (o, TRUE, &error);
  if (outbox == NULL)
    return fail (error);
  g_autoptr (MadoClock) clock = mado_system_clock_new ();
  g_autoptr (MadoOutboxDelivery) delivery
      = mado_outbox_delivery_new (outbox, MADO_SYNC_TRANSPORT (client), clock);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  RunState r = {
    .loop = loop,
    .delivery = delivery,
    .clock = clock,
    .cancellable = cancellable,
    .interval = mado_config_get_integer (o->config, "outbox", "interval-seconds"),
    .once = o->once,
    .json = o->json,
  };
  guint sigint = g_unix_signal_add (SIGINT, on_quit_signal, &r);
  guint sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &r);
  g_message ("delivering to %s every %" G_GINT64_FORMAT " s at most%s",
             mado_registry_client_get_base_url (client), r.interval, o->once ? " (once)" : "");

  start_pass (&r);
  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (r.timer != 0)
    g_source_remove (r.timer);
  return r.exit_code;
}

/* ---- main ------------------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  int (*run) (Options *o, const char *argument);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "run", cmd_run,
    N_ ("期限の来た記録を住民記録システムへ送ります (--once で1回、なければ常駐)") },
  { "list", cmd_list, N_ ("記録の一覧 (内容は表示しません)") },
  { "retry", cmd_retry, N_ ("記録 ID を今すぐ送る対象にします (保留の記録も)") },
};

static gboolean
apply_overrides (Options *o, GError **error)
{
  g_autofree char *interval = g_strdup_printf ("%d", o->interval);
  return (o->outbox_path == NULL
          || mado_config_set (o->config, "outbox", "path", o->outbox_path, error))
         && (o->key_file == NULL
             || mado_config_set (o->config, "outbox", "key-file", o->key_file, error))
         && (o->interval == 0
             || mado_config_set (o->config, "outbox", "interval-seconds", interval, error))
         && (o->registry_url == NULL
             || mado_config_set (o->config, "registry", "url", o->registry_url, error))
         && (o->certificate == NULL
             || mado_config_set (o->config, "registry", "client-certificate", o->certificate,
                                 error))
         && (o->key == NULL || mado_config_set (o->config, "registry", "client-key", o->key, error))
         && (o->ca == NULL || mado_config_set (o->config, "registry", "ca", o->ca, error));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  Options o = { 0 };
  g_autoptr (GError) error = NULL;
  const Subcommand *sub = NULL;

  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_path, N_ ("設定ファイル"), "FILE" },
    { "outbox", 0, 0, G_OPTION_ARG_FILENAME, &o.outbox_path,
      N_ ("アウトボックスのファイル ([outbox] path)"), "PATH" },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &o.key_file,
      N_ ("run: アウトボックスの鍵ファイル ([outbox] key-file)"), "PATH" },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &o.registry_url,
      N_ ("run: 住民記録システムの URL ([registry] url)"), "URL" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &o.certificate,
      N_ ("run: 端末の証明書 PEM ([registry] client-certificate)"), "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &o.key,
      N_ ("run: 端末の秘密鍵 PEM ([registry] client-key)"), "FILE" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &o.ca,
      N_ ("run: 住民記録システムの認証局 PEM ([registry] ca)"), "FILE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &o.once, N_ ("run: 1回だけ送って終わります"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &o.interval,
      N_ ("run: 送信の間隔の上限 (秒, [outbox] interval-seconds)"), "S" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json, N_ ("機械向けの JSON で出力します"), NULL },
    { NULL },
  };

  GString *summary = g_string_new (_ ("サブコマンド:"));
  for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
    g_string_append_printf (summary, "\n  %-6s %s", subcommands[i].name,
                            _ (subcommands[i].summary));
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("SUBCOMMAND [ID] — 送信待ちの記録 (アウトボックス) を送ります"));
  g_option_context_set_summary (context, summary->str);
  g_string_free (summary, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  int rc;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      rc = usage_error (error->message);
      goto done;
    }
  json_errors = o.json;
  /* options may come before or after the subcommand: it is what parsing leaves */
  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
      if (g_str_equal (argv[1], subcommands[i].name))
        sub = &subcommands[i];
  if (sub == NULL || argc > 3)
    {
      rc = usage_error (argc > 3    ? "One subcommand and at most one argument, please"
                        : argc >= 2 ? "Unknown subcommand"
                                    : "A subcommand is needed: run, list or retry");
      goto done;
    }
  if (o.interval < 0 || (o.interval > 0 && sub->run != cmd_run) || (o.once && sub->run != cmd_run))
    {
      rc = usage_error ("--once and --interval are options of run");
      goto done;
    }

  o.config = mado_config_load (o.config_path, &error);
  if (o.config == NULL || !apply_overrides (&o, &error))
    {
      rc = fail (error);
      goto done;
    }
  rc = sub->run (&o, argc == 3 ? argv[2] : NULL);

done:
  options_clear (&o);
  return rc;
}
