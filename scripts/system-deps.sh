#!/usr/bin/env bash
# Machine setup the tests need, idempotent and quiet when everything is there:
# - start PostgreSQL when it is installed but stopped;
# - install Debian's Chromium (browser tests) and the Noto fonts (Vietnamese in screenshots)
#   when /usr/bin/chromium is missing.
# Never fails the build by itself: the browser tests say clearly what is missing (and fail in CI).
set -u

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi

BROWSER_PACKAGES=(chromium fonts-noto-core)

missing_packages() {
  # the packages of BROWSER_PACKAGES that dpkg does not list as installed
  local package
  for package in "${BROWSER_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
      printf '%s ' "$package"
    fi
  done
}

if [ ! -x /usr/bin/chromium ] || { command -v dpkg-query >/dev/null 2>&1 && [ -n "$(missing_packages)" ]; }; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: /usr/bin/chromium is missing and apt-get is not available here;" \
      "install Chromium at /usr/bin/chromium to run the browser tests" >&2
  elif [ "$(id -u)" != 0 ]; then
    echo "system-deps: the browser tests need Debian's Chromium; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${BROWSER_PACKAGES[*]}" >&2
  else
    echo "system-deps: installing ${BROWSER_PACKAGES[*]} (browser tests)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends "${BROWSER_PACKAGES[@]}" </dev/null; } >/tmp/ykien-system-deps.log 2>&1; then
      echo "system-deps: installing Chromium failed; see /tmp/ykien-system-deps.log:" >&2
      tail -n 20 /tmp/ykien-system-deps.log >&2
    fi
  fi
fi
exit 0
