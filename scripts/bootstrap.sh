#!/usr/bin/env bash
# Installs what Relais needs and is missing: uv, the Python workspace, a JRE for Kafka.
# PostgreSQL (Debian package) and Kafka's jars (Maven Central) are installed on first
# use by `relais run` and by the test session (cli/relais_cli/devstack).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq && as_root apt-get install -y -qq "$@" >/dev/null
}

command -v python3 >/dev/null || apt_install python3 python3-pip
if ! command -v java >/dev/null; then echo "Installing a Java runtime for Kafka …"; apt_install openjdk-17-jre-headless; fi
if ! command -v mvn >/dev/null; then echo "Installing Maven (fetches Kafka's jars) …"; apt_install maven; fi
# Debian's Chromium drives the browser tests (Playwright cannot download browsers here).
if [ ! -x /usr/bin/chromium ]; then echo "Installing Chromium for the browser tests …"; apt_install chromium; fi
if ! command -v uv >/dev/null; then
  echo "Installing uv …"
  python3 -m pip install --quiet "uv>=0.9,<1" || python3 -m pip install --quiet --break-system-packages "uv>=0.9,<1"
fi
# The services are CPU-bound Python: they run on the distribution's CPython when it is
# recent enough — built with PGO and LTO, as the official python images of deploy/ are;
# a plain source build (pyenv's default) is ~20 % slower on pure Python and serves ~12 %
# fewer requests/s in bench/e2e.py's bare FastAPI baseline.
# `uv run` keeps the environment's interpreter afterwards.
python=""
for candidate in /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11; do
  if [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate; break
  fi
done
uv sync --frozen --quiet ${python:+--python "$python"}
