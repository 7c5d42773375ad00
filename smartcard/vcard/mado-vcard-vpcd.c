/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-vpcd.c — the vpcd transport of the emulator (reference/test-bench.md §1).
 *
 * Blocking I/O on one socket. SIGTERM/SIGINT are blocked except inside ppoll(), so a signal can
 * only arrive while we wait and is never lost between a check and a wait.
 *
 * TCP_QUICKACK is re-armed after every recv (Linux clears it): vpcd writes the length and the
 * payload with two send()s under Nagle, and a delayed ACK on our side would cost ~40 ms per APDU.
 * Each reply is one write for the same reason.
 */
#include "mado-vcard-vpcd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "mado-apdu.h"

#define RETRY_INTERVAL_MS 100

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal (int signum)
{
  (void)signum;
  stop_requested = 1;
}

typedef enum
{
  IO_OK,
  IO_CLOSED, /* vpcd closed the connection, or it broke */
  IO_STOP,   /* SIGTERM / SIGINT */
} IoStatus;

typedef struct
{
  const MadoVcardVpcdOptions *options;
  sigset_t wait_mask; /* the mask inside ppoll: the caller's, with our signals unblocked */
} Session;

static void vlog (const Session *session, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
vlog (const Session *session, const char *format, ...)
{
  if (!session->options->verbose)
    return;
  va_list ap;
  va_start (ap, format);
  g_autofree char *line = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("mado-vcard: %s\n", line);
}

/* Sleeps @ms unless a stop signal comes. */
static IoStatus
sleep_ms (Session *session, guint ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
  if (stop_requested)
    return IO_STOP;
  ppoll (NULL, 0, &ts, &session->wait_mask);
  return stop_requested ? IO_STOP : IO_OK;
}

static void
quickack (int fd)
{
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* A pulled card does not say goodbye: close with a reset (SO_LINGER 0), not a FIN. After a FIN,
 * vpcd's next exchange would read end-of-file and hand pcscd a 0-byte response with success; after
 * a reset it fails, and pcscd reports the card gone. */
static void
close_abortively (int fd)
{
  struct linger lin = { .l_onoff = 1, .l_linger = 0 };
  setsockopt (fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
  close (fd);
}

static IoStatus
recv_full (Session *session, int fd, guint8 *buf, gsize len)
{
  gsize got = 0;

  while (got < len)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      if (stop_requested)
        return IO_STOP;
      int r = ppoll (&pfd, 1, NULL, &session->wait_mask);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return IO_CLOSED;
        }
      ssize_t n = recv (fd, buf + got, len - got, 0);
      if (n > 0)
        {
          quickack (fd);
          got += (gsize)n;
        }
      else if (n == 0)
        return IO_CLOSED;
      else if (errno != EINTR && errno != EAGAIN)
        return IO_CLOSED;
    }
  return IO_OK;
}

/* One message: the 2-byte length and @len bytes in a single write. */
static IoStatus
send_message (int fd, const guint8 *data, gsize len)
{
  g_autofree guint8 *buf = g_malloc (len + 2);
  gsize sent = 0;

  buf[0] = (guint8)(len >> 8);
  buf[1] = (guint8)len;
  memcpy (buf + 2, data, len);
  while (sent < len + 2)
    {
      ssize_t n = send (fd, buf + sent, len + 2 - sent, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          explicit_bzero (buf, len + 2);
          return IO_CLOSED;
        }
      sent += (gsize)n;
    }
  explicit_bzero (buf, len + 2);
  return IO_OK;
}

static int
try_connect (const char *host, guint16 port, GError **error)
{
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
  struct addrinfo *res = NULL;
  char port_text[8];

  g_snprintf (port_text, sizeof port_text, "%u", port);
  int rc = getaddrinfo (host, port_text, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, "%s: %s", host, gai_strerror (rc));
      return -1;
    }
  int fd = socket (res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
  if (fd < 0 || connect (fd, res->ai_addr, res->ai_addrlen) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "connect to %s:%u: %s", host,
                   port, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      freeaddrinfo (res);
      return -1;
    }
  freeaddrinfo (res);

  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  quickack (fd);
  return fd;
}

/* Connects, retrying every 100 ms up to the timeout. -1 with @error, or -2 on a stop signal. */
static int
connect_with_retry (Session *session, GError **error)
{
  const MadoVcardVpcdOptions *o = session->options;
  gint64 deadline = g_get_monotonic_time () + (gint64)o->connect_timeout_ms * 1000;

  for (;;)
    {
      g_autoptr (GError) local = NULL;
      int fd = try_connect (o->host, o->port, &local);
      if (fd >= 0)
        return fd;
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND)
          || g_get_monotonic_time () >= deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return -1;
        }
      if (sleep_ms (session, RETRY_INTERVAL_MS) == IO_STOP)
        return -2;
    }
}

static void
log_apdu (Session *session, const guint8 *cmd, gsize len, guint16 sw, gsize resp_data_len)
{
  MadoApdu apdu;
  gboolean extended = FALSE;

  if (!session->options->verbose)
    return;
  if (!mado_apdu_decode (cmd, len, &apdu, &extended))
    {
      vlog (session, "> undecodable command (%" G_GSIZE_FORMAT " bytes) < %04X", len, sw);
      return;
    }
  /* headers and lengths only: never data (VERIFY carries a PIN) */
  vlog (session,
        "> %02X %02X %02X %02X Lc=%" G_GSIZE_FORMAT " Le=%u%s < %04X (%" G_GSIZE_FORMAT " bytes)",
        apdu.cla, apdu.ins, apdu.p1, apdu.p2, apdu.data_len, apdu.le, extended ? " ext" : "", sw,
        resp_data_len);
}

typedef enum
{
  END_CLOSED, /* vpcd closed the connection */
  END_PULLED, /* --pull-after reached */
  END_STOP,   /* signal */
} SessionEnd;

static SessionEnd
serve (Session *session, MadoVcard *card, int fd, guint *apdus_answered)
{
  g_autofree guint8 *buf = g_malloc (0x10000);
  g_autoptr (GByteArray) response = g_byte_array_sized_new (MADO_APDU_MAX_RESPONSE);
  const MadoVcardVpcdOptions *o = session->options;

  mado_vcard_reset (card); /* inserted: cold */
  for (;;)
    {
      guint8 header[2];
      IoStatus st = recv_full (session, fd, header, 2);
      if (st == IO_STOP)
        return END_STOP;
      if (st == IO_CLOSED)
        return END_CLOSED;
      gsize len = (gsize)header[0] << 8 | header[1];
      st = recv_full (session, fd, buf, len);
      if (st == IO_STOP)
        return END_STOP;
      if (st == IO_CLOSED)
        return END_CLOSED;

      if (len == 1)
        {
          switch (buf[0])
            {
            case 0x00:
              vlog (session, "power off");
              mado_vcard_reset (card);
              break;
            case 0x01:
              vlog (session, "power on");
              mado_vcard_reset (card);
              break;
            case 0x02:
              vlog (session, "reset");
              mado_vcard_reset (card);
              break;
            case 0x04:
              {
                GBytes *atr = mado_vcard_get_atr (card);
                gsize atr_len = 0;
                const guint8 *atr_data = g_bytes_get_data (atr, &atr_len);
                if (send_message (fd, atr_data, atr_len) != IO_OK)
                  return END_CLOSED;
              }
              break;
            default:
              vlog (session, "unknown control code %02X ignored", buf[0]);
              break;
            }
          continue;
        }
      if (len == 0)
        continue;

      g_byte_array_set_size (response, 0);
      guint16 sw = mado_vcard_process (card, buf, len, response);
      log_apdu (session, buf, len, sw, response->len - 2);
      explicit_bzero (buf, len);
      if (o->delay_ms > 0 && sleep_ms (session, o->delay_ms) == IO_STOP)
        return END_STOP;
      st = send_message (fd, response->data, response->len);
      explicit_bzero (response->data, response->len);
      if (st != IO_OK)
        return END_CLOSED;
      (*apdus_answered)++;
      if (o->pull_after > 0 && *apdus_answered >= o->pull_after)
        return END_PULLED;
    }
}

gboolean
mado_vcard_vpcd_run (MadoVcard *card, const MadoVcardVpcdOptions *options, GError **error)
{
  Session session = { .options = options };
  sigset_t block, old_mask;
  struct sigaction sa = { .sa_handler = on_stop_signal }, old_term, old_int;
  gboolean ok = TRUE;

  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, &old_term);
  sigaction (SIGINT, &sa, &old_int);
  sigemptyset (&block);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGINT);
  pthread_sigmask (SIG_BLOCK, &block, &old_mask);
  session.wait_mask = old_mask;
  sigdelset (&session.wait_mask, SIGTERM);
  sigdelset (&session.wait_mask, SIGINT);
  stop_requested = 0;

  for (;;)
    {
      int fd = connect_with_retry (&session, error);
      if (fd == -2)
        break;
      if (fd < 0)
        {
          ok = FALSE;
          break;
        }
      vlog (&session, "inserted (connected to %s:%u)", options->host, options->port);

      guint answered = 0;
      SessionEnd end = serve (&session, card, fd, &answered);
      if (end == END_CLOSED)
        close (fd);
      else
        close_abortively (fd);
      if (end == END_STOP)
        {
          vlog (&session, "stopped by signal");
          break;
        }
      vlog (&session,
            end == END_PULLED ? "card pulled after %u APDUs" : "vpcd closed after %u APDUs",
            answered);
      if (!options->reinsert)
        break;
    }

  pthread_sigmask (SIG_SETMASK, &old_mask, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGINT, &old_int, NULL);
  return ok;
}
