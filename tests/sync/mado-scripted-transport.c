/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-scripted-transport.c — the scripted transport of the delivery tests.
 */
#include "mado-scripted-transport.h"

#include "mado-sync-error.h"

typedef struct
{
  guint status;
  char *body;
  gboolean replayed;
  GQuark error_domain; /* 0: an answer */
  int error_code;
  GCancellable *cancel;
} Step;

struct _MadoScriptedTransport
{
  GObject parent_instance;
  GMutex lock;
  GQueue steps;        /* Step */
  GPtrArray *requests; /* MadoScriptedRequest */
};

static void transport_iface_init (MadoSyncTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoScriptedTransport, mado_scripted_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_SYNC_TRANSPORT,
                                                      transport_iface_init))

static void
step_free (Step *step)
{
  g_free (step->body);
  g_clear_object (&step->cancel);
  g_free (step);
}

static void
request_free (MadoScriptedRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->json_body);
  g_free (request->idempotency_key);
  g_free (request->bearer_token);
  g_free (request);
}

static void
mado_scripted_transport_finalize (GObject *object)
{
  MadoScriptedTransport *self = MADO_SCRIPTED_TRANSPORT (object);
  g_queue_clear_full (&self->steps, (GDestroyNotify)step_free);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mado_scripted_transport_parent_class)->finalize (object);
}

static void
mado_scripted_transport_class_init (MadoScriptedTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_scripted_transport_finalize;
}

static void
mado_scripted_transport_init (MadoScriptedTransport *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->steps);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)request_free);
}

static MadoSyncResponse *
scripted_request (MadoSyncTransport *transport, const MadoSyncRequest *request,
                  GCancellable *cancellable, GError **error)
{
  MadoScriptedTransport *self = MADO_SCRIPTED_TRANSPORT (transport);

  g_mutex_lock (&self->lock);
  MadoScriptedRequest *copy = g_new0 (MadoScriptedRequest, 1);
  copy->method = g_strdup (request->method);
  copy->path = g_strdup (request->path);
  copy->json_body = g_strdup (request->json_body);
  copy->idempotency_key = g_strdup (request->idempotency_key);
  copy->created_at = request->created_at;
  copy->bearer_token = g_strdup (request->bearer_token);
  g_ptr_array_add (self->requests, copy);
  Step *step = g_queue_pop_head (&self->steps);
  g_mutex_unlock (&self->lock);

  if (step == NULL)
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_PROTOCOL,
                   "scripted transport: request %u (%s %s) is beyond the script",
                   self->requests->len, request->method, request->path);
      return NULL;
    }
  MadoSyncResponse *response = NULL;
  if (step->cancel != NULL)
    {
      g_cancellable_cancel (step->cancel);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "scripted: cancelled");
    }
  else if (step->error_domain != 0)
    g_set_error (error, step->error_domain, step->error_code, "scripted failure %d",
                 step->error_code);
  else
    response = mado_sync_response_new (step->status, step->body, step->replayed);
  step_free (step);
  return response;
}

static void
transport_iface_init (MadoSyncTransportInterface *iface)
{
  iface->request = scripted_request;
}

MadoScriptedTransport *
mado_scripted_transport_new (void)
{
  return g_object_new (MADO_TYPE_SCRIPTED_TRANSPORT, NULL);
}

static void
push (MadoScriptedTransport *self, Step *step)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->steps, step);
  g_mutex_unlock (&self->lock);
}

void
mado_scripted_transport_add_response (MadoScriptedTransport *self, guint status, const char *body,
                                      gboolean replayed)
{
  Step *step = g_new0 (Step, 1);
  step->status = status;
  step->body = g_strdup (body);
  step->replayed = replayed;
  push (self, step);
}

void
mado_scripted_transport_add_error (MadoScriptedTransport *self, GQuark domain, int code)
{
  Step *step = g_new0 (Step, 1);
  step->error_domain = domain;
  step->error_code = code;
  push (self, step);
}

void
mado_scripted_transport_add_cancel (MadoScriptedTransport *self, GCancellable *cancellable)
{
  Step *step = g_new0 (Step, 1);
  step->cancel = g_object_ref (cancellable);
  push (self, step);
}

GPtrArray *
mado_scripted_transport_get_requests (MadoScriptedTransport *self)
{
  return self->requests;
}

guint
mado_scripted_transport_get_remaining (MadoScriptedTransport *self)
{
  g_mutex_lock (&self->lock);
  guint n = self->steps.length;
  g_mutex_unlock (&self->lock);
  return n;
}
