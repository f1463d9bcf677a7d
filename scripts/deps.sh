#!/usr/bin/env bash
# Installs what mobagent needs on Debian/Ubuntu: adb, Tesseract with English
# data and its headers (for the cgo OCR package), and Roboto for the virtual
# phone. With --with-browser it also installs Chromium, which the tests use to
# load the HTML report. It also installs the MCP Inspector from npm (with
# Node.js when npm is missing) into .cache/npm: a client written by others
# that the MCP tests drive. Idempotent; uses sudo when not root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(adb tesseract-ocr tesseract-ocr-eng libtesseract-dev libleptonica-dev fonts-roboto)
[ "${1:-}" = "--with-browser" ] && pkgs+=(chromium)
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
go mod download

# The MCP Inspector's CLI mode (cmd/mobagent/internal/cli TestMCPInspector).
inspector_version=2.12.0
inspector_pkg="$root/.cache/npm/node_modules/@modelcontextprotocol/inspector/package.json"
if ! grep -q "\"version\": \"$inspector_version\"" "$inspector_pkg" 2>/dev/null; then
  echo "installing @modelcontextprotocol/inspector@$inspector_version into .cache/npm" >&2
  npm install --prefix "$root/.cache/npm" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$inspector_version" >/dev/null
fi
