/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-harness.h — for C tests run under `tests/harness/pcsc-env.sh run`: drive the
 * private pcscd bench (insert and remove cards, stop and start pcscd).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reader names of the bench's two vpcd slots. */
#define MADO_PCSC_HARNESS_READER_0 "Mado Virtual PCD 00 00"
#define MADO_PCSC_HARNESS_READER_1 "Mado Virtual PCD 00 01"

/* TRUE when running under `pcsc-env.sh run` (MADO_PCSC_ENV_SH and MADO_PCSC_ENV_DIR set). */
gboolean mado_pcsc_harness_available (void);

/* Runs one harness command and waits for it to complete: "insert 0", "insert 1 --delay-ms 5",
 * "remove 0", "stop-pcscd", "start-pcscd". Blocking (the harness waits until pcscd reports the
 * change, at most a few seconds); run it from a thread when a main loop must keep turning. */
gboolean mado_pcsc_harness_command (const char *command, GError **error);

/* For tests: runs @command and fails the test if it fails. */
void mado_pcsc_harness_run (const char *command);

/* g_test_init(), then FALSE (after a TAP skip line) when not under `pcsc-env.sh run`: the test's
 * main() then returns 77. */
gboolean mado_pcsc_harness_test_init (int *argc, char ***argv);

G_END_DECLS
