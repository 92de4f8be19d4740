#!/usr/bin/env bash
# System packages the test suite needs that pip cannot install. Idempotent: installs only what
# is missing, so `make test` can call it every time. Needs root (or sudo) and Debian's apt.
#
#   fonts-wqy-microhei  CJK font embedded in enforcement document PDFs (Chinese text)
#   poppler-utils       pdftoppm/pdftotext, to look at generated PDFs as a person would
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in fonts-wqy-microhei poppler-utils; do
  have_pkg "$pkg" || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
