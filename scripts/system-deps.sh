#!/usr/bin/env bash
# Debian packages the real-component tests use. Installed only as root or in CI; elsewhere the
# tests that need them skip with a message naming the package.
# `system-deps.sh run`: only what the application itself needs (make run); no argument: the tests' too.
set -euo pipefail
need=()
if [ "${1:-test}" != run ]; then
  command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
fi
# WeasyPrint renders PDFs with Pango; python-magic needs libmagic.
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || need+=(libmagic1)
# Letters are set in DejaVu: it has every letter of Hungarian, Polish and Romanian.
fc-list 2>/dev/null | grep -q "DejaVu Sans" || need+=(fonts-dejavu-core fontconfig)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] || [ "${CI:-}" = true ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif [ "${1:-test}" = run ]; then
  echo "Querela needs these Debian packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
else
  echo "Not root: skipping Debian packages ${need[*]} (their tests will skip; install them with apt-get to run them)."
fi
