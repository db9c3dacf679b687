#!/usr/bin/env bash
# Installs the Debian 12 packages listed in scripts/deps.txt that are not installed yet. Idempotent:
# with everything present it changes nothing. As a non-root user it prints the one command to run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mapfile -t wanted < <(grep -vE '^[[:space:]]*(#|$)' "$here/deps.txt")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "storeedge needs these Debian packages: ${missing[*]}" >&2
  echo "Run this once, then run your command again:" >&2
  echo "  sudo $here/setup.sh" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
