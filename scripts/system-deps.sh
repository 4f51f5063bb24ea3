#!/usr/bin/env bash
# Machine setup the tests need, idempotent and quiet when everything is there:
# - start PostgreSQL when it is installed but stopped;
# - install what the tests use from Debian when it is missing: Chromium (browser tests), the Noto
#   fonts (Vietnamese in screenshots), LibreOffice Writer and poppler (official reports rendered
#   to PDF and PNG), the Liberation fonts (metric-compatible with Times New Roman).
# Never fails the build by itself: the tests say clearly what is missing (and fail in CI).
set -u

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi

TEST_PACKAGES=(chromium fonts-noto-core libreoffice-writer-nogui poppler-utils fonts-liberation2)

missing_packages() {
  # the packages of TEST_PACKAGES that dpkg does not list as installed
  local package
  for package in "${TEST_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
      printf '%s ' "$package"
    fi
  done
}

if [ ! -x /usr/bin/chromium ] || { command -v dpkg-query >/dev/null 2>&1 && [ -n "$(missing_packages)" ]; }; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: apt-get is not available here; install Chromium at /usr/bin/chromium," \
      "LibreOffice (soffice) and poppler (pdftoppm) to run every test" >&2
  elif [ "$(id -u)" != 0 ]; then
    echo "system-deps: some tests need Debian packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${TEST_PACKAGES[*]}" >&2
  else
    echo "system-deps: installing $(missing_packages)(browser and report tests)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends "${TEST_PACKAGES[@]}" </dev/null; } >/tmp/ykien-system-deps.log 2>&1; then
      echo "system-deps: installing the test packages failed; see /tmp/ykien-system-deps.log:" >&2
      tail -n 20 /tmp/ykien-system-deps.log >&2
    fi
  fi
fi
exit 0
