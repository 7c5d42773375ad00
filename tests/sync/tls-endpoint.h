/* SPDX-License-Identifier: GPL-3.0-or-later
 * tls-endpoint.h — throwaway TLS material (make-certs.sh) and a local HTTPS endpoint that asks
 * for client certificates (tls-responder.py), for the tests of the registry client and of
 * `mado-outbox run`. Not the registry: the end-to-end tests run against mado-registryd.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *dir; /* the certificates and keys (see make-certs.sh), removed by tls_endpoint_stop */
  guint16 port;
  char *url; /* https://127.0.0.1:PORT */
  GSubprocess *responder;
} TlsEndpoint;

/* Makes the certificates and starts the responder; aborts the test when it cannot. */
TlsEndpoint *tls_endpoint_start (void);
void tls_endpoint_stop (TlsEndpoint *endpoint);

/* @name inside endpoint->dir ("kiosk.pem"): new. */
char *tls_endpoint_file (const TlsEndpoint *endpoint, const char *name);

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
guint16 tls_endpoint_closed_port (void);

void tls_endpoint_remove_tree (const char *dir);

G_END_DECLS
