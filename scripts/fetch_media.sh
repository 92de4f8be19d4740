#!/usr/bin/env bash
# Fetch the real test imagery in media/ from Debian packages, without installing them.
#
#   scripts/fetch_media.sh
#
# Sources (Debian bookworm, main):
#   opencv-doc  -> usr/share/doc/opencv-doc/examples/data/{vtest.avi,licenseplate_motion.jpg}
#   darknet     -> usr/share/darknet/data/{dog,person,kite,horses}.jpg
# The .debs are fetched with `apt-get download` into a temporary directory and unpacked there
# with `dpkg-deb -x`; nothing is installed. Needs apt-get (Debian/Ubuntu) and dpkg-deb.
# When media/SHA256SUMS exists, the copied files are checked against it.
#
# Environment knobs:
#   KEEP_WORK  set to 1 to keep the temporary download directory
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDIA_DIR="${REPO_ROOT}/media"
PACKAGES=(opencv-doc darknet)

log() { printf '[fetch_media] %s\n' "$*" >&2; }
for tool in apt-get dpkg-deb sha256sum; do
  command -v "${tool}" >/dev/null 2>&1 || { echo "error: ${tool} not found (Debian/Ubuntu needed)" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gridwatch-media.XXXXXX")"
# (as root, apt warns that it downloads "unsandboxed" into this directory: harmless)
cleanup() { if [[ "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "${WORK}"; else log "kept ${WORK}"; fi; }
trap cleanup EXIT

download() { ( cd "${WORK}" && apt-get download -q "${PACKAGES[@]}" ); }
log "apt-get download ${PACKAGES[*]}"
if ! download; then
  if [[ "$(id -u)" == 0 ]]; then
    log "download failed; refreshing package lists (apt-get update) and retrying"
    apt-get update -q >/dev/null
    download
  else
    echo "error: apt-get download failed; try 'sudo apt-get update' first" >&2
    exit 1
  fi
fi

mkdir -p "${WORK}/root"
for deb in "${WORK}"/*.deb; do
  log "unpack $(dpkg-deb -f "${deb}" Package) $(dpkg-deb -f "${deb}" Version)"
  dpkg-deb -x "${deb}" "${WORK}/root"
done

mkdir -p "${MEDIA_DIR}"
copy() {  # copy <path inside the unpacked tree> <required|optional>
  local src="${WORK}/root/$1"
  if [[ -f "${src}" ]]; then
    install -m 0644 "${src}" "${MEDIA_DIR}/$(basename "$1")"
    log "media/$(basename "$1") ($(stat -c %s "${src}") bytes)"
  elif [[ "$2" == required ]]; then
    echo "error: $1 not found in the unpacked packages" >&2
    exit 1
  else
    log "skip $1 (not in this package version)"
  fi
}
copy usr/share/doc/opencv-doc/examples/data/vtest.avi required
copy usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg optional
for img in dog person kite horses; do
  copy "usr/share/darknet/data/${img}.jpg" required
done

if [[ -f "${MEDIA_DIR}/SHA256SUMS" ]]; then
  log "checking media/SHA256SUMS"
  ( cd "${MEDIA_DIR}" && sha256sum --check --quiet --ignore-missing SHA256SUMS )
fi
log "done"
