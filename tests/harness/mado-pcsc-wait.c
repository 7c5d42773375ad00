/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-wait — a tiny PC/SC client for the test harness: waits, with a deadline, until
 * pcscd lists readers, a card is present or absent in a reader, or pcscd is gone.
 *
 *   mado-pcsc-wait [--timeout-ms N] readers [COUNT]     at least COUNT (1) readers listed
 *   mado-pcsc-wait [--timeout-ms N] present READER      a card is present in READER
 *   mado-pcsc-wait [--timeout-ms N] absent READER       no card in READER (or READER gone)
 *   mado-pcsc-wait [--timeout-ms N] noservice           SCardEstablishContext says NO_SERVICE
 *
 * Exit status: 0 reached, 1 timed out, 2 usage. Honours PCSCLITE_CSOCK_NAME like any client.
 * Deliberately plain C on libpcsclite only, so the harness does not depend on our libraries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#define POLL_MS 20

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
}

static int
usage (void)
{
  fprintf (stderr, "usage: mado-pcsc-wait [--timeout-ms N] readers [COUNT] | present READER |"
                   " absent READER | noservice\n");
  return 2;
}

/* Number of readers listed, or -1 when pcscd is unreachable. */
static int
count_readers (void)
{
  SCARDCONTEXT ctx;
  char buf[4096];
  DWORD len = sizeof buf;
  int n = 0;

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
    return -1;
  LONG rv = SCardListReaders (ctx, NULL, buf, &len);
  SCardReleaseContext (ctx);
  if (rv != SCARD_S_SUCCESS || len == 0 || len > sizeof buf)
    return 0;
  for (const char *p = buf; p < buf + len && *p != '\0'; p += strlen (p) + 1)
    n++;
  return n;
}

/* 1 when the card state in @reader matches @want_present, 0 when not (yet), -1 on failure. */
static int
card_state_is (const char *reader, int want_present, long long deadline)
{
  SCARDCONTEXT ctx;
  SCARD_READERSTATE st;
  int result = 0;

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
    return -1;
  memset (&st, 0, sizeof st);
  st.szReader = reader;
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  for (;;)
    {
      long long left = deadline - now_ms ();
      LONG rv = SCardGetStatusChange (ctx, left > 0 ? (DWORD)left : 0, &st, 1);
      if (rv == SCARD_E_TIMEOUT)
        break;
      if (rv == SCARD_E_UNKNOWN_READER)
        {
          result = want_present ? 0 : 1;
          break;
        }
      if (rv != SCARD_S_SUCCESS)
        {
          result = -1;
          break;
        }
      int present
          = (st.dwEventState & SCARD_STATE_PRESENT) && !(st.dwEventState & SCARD_STATE_MUTE);
      if (st.dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))
        present = 0;
      if (present == want_present)
        {
          result = 1;
          break;
        }
      st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
    }
  SCardReleaseContext (ctx);
  return result;
}

int
main (int argc, char **argv)
{
  long timeout_ms = 5000;
  int i = 1;

  if (i + 1 < argc && strcmp (argv[i], "--timeout-ms") == 0)
    {
      timeout_ms = strtol (argv[i + 1], NULL, 10);
      i += 2;
    }
  if (i >= argc)
    return usage ();

  const char *what = argv[i++];
  const char *arg = i < argc ? argv[i] : NULL;
  long long deadline = now_ms () + timeout_ms;

  for (;;)
    {
      int done = 0;

      if (strcmp (what, "readers") == 0)
        done = count_readers () >= (arg ? atoi (arg) : 1);
      else if (strcmp (what, "noservice") == 0)
        {
          SCARDCONTEXT ctx;
          LONG rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
          if (rv == SCARD_S_SUCCESS)
            SCardReleaseContext (ctx);
          done = rv == SCARD_E_NO_SERVICE;
        }
      else if ((strcmp (what, "present") == 0 || strcmp (what, "absent") == 0) && arg)
        done = card_state_is (arg, strcmp (what, "present") == 0, deadline) == 1;
      else
        return usage ();

      if (done)
        return 0;
      if (now_ms () >= deadline)
        {
          fprintf (stderr, "mado-pcsc-wait: timed out after %ld ms waiting for %s%s%s\n",
                   timeout_ms, what, arg ? " " : "", arg ? arg : "");
          return 1;
        }
      sleep_ms (POLL_MS);
    }
}
