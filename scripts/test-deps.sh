#!/usr/bin/env bash
# System packages the test suite needs that pip cannot install. Idempotent: installs only what
# is missing, so `make test` can call it every time. Needs root (or sudo) and Debian's apt.
# One package per line in PACKAGES so additions merge cleanly.
set -euo pipefail

PACKAGES=(
  chromium            # headless browser for tests/e2e (driven by Playwright, never downloaded)
  chromium-driver     # WebDriver for the same browser (Selenium users)
  fonts-wqy-microhei  # CJK font: zh-CN pages and enforcement document PDFs render as boxes without it
  poppler-utils       # pdftoppm/pdftotext, to look at generated PDFs as a person would
  rtsp-server-perl    # RTSP relay on loopback for the ingest tests (tests/integration/test_ingest_rtsp.py)
  ffmpeg              # publishes media/vtest.avi as H.264 to that relay
)

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in "${PACKAGES[@]}"; do
  have_pkg "$pkg" || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
