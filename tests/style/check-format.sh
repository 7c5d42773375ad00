#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every C file of the project is clang-format clean (.clang-format at the root).
set -euo pipefail
cd "${MADO_SOURCE_DIR:?}"
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
[ ${#files[@]} -gt 0 ] || { echo "no C files found" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
