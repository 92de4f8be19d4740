#!/usr/bin/env bash
# System packages the test suite needs, installed only when missing (idempotent, quiet when done).
# One package per line in PACKAGES so additions merge cleanly.
set -euo pipefail

PACKAGES=(
  chromium            # headless browser for tests/e2e (driven by Playwright, never downloaded)
  chromium-driver     # WebDriver for the same browser (Selenium users)
  fonts-wqy-microhei  # CJK font: zh-CN pages render as boxes without it
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing test packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
