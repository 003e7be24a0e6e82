#!/usr/bin/env bash
# Prepare this machine as the alignlessons class server (docs/instructors.md). Run as root, from
# a checkout every account can read (e.g. /opt/alignlessons) whose .venv was made by `make setup`
# with a Python every account can run (e.g. `make setup PYTHON=/usr/bin/python3`). Idempotent.
#
#   deploy/jupyterhub/setup.sh server              groups, exchange, hub state, solutions/ for staff only
#   deploy/jupyterhub/setup.sh account ROLE NAME   an account (ROLE: student or staff), private home
#   deploy/jupyterhub/setup.sh course INSTRUCTOR   the course root, created by and for INSTRUCTOR
#
# Settings: the same ALIGNLESSONS_HUB_* variables as jupyterhub_config.py (defaults below).
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${ALIGNLESSONS_HUB_VENV:-$REPO/.venv}"
EXCHANGE="${ALIGNLESSONS_HUB_EXCHANGE:-/srv/nbgrader/exchange}"
COURSE_ROOT="${ALIGNLESSONS_HUB_COURSE_ROOT:-/home/instructor/alignlessons-2026}"
STUDENTS="${ALIGNLESSONS_HUB_STUDENTS_GROUP:-alignlessons-students}"
STAFF="${ALIGNLESSONS_HUB_STAFF_GROUP:-alignlessons-graders}"
STATE="${ALIGNLESSONS_HUB_STATE:-/srv/jupyterhub}"

die() { echo "setup.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it creates groups, accounts and the exchange)"

as_user() {  # run a command as USER with a clean environment and the course's tools first on PATH
  local user="$1"; shift
  local home; home="$(getent passwd "$user" | cut -d: -f6)"
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" LANG=C.UTF-8 \
    PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" JUPYTER_PLATFORM_DIRS=1 "$@"
}

case "${1:-}" in
server)
  command -v bwrap >/dev/null || die "bubblewrap is missing: apt-get install bubblewrap"
  [ -x "$HERE/node_modules/.bin/configurable-http-proxy" ] \
    || die "the proxy is missing: run \`make hub-setup\` (npm ci in deploy/jupyterhub)"
  [ -x "$VENV/bin/jupyterhub-singleuser" ] || die "no course virtualenv at $VENV: run \`make setup\`"
  getent group "$STUDENTS" >/dev/null || groupadd "$STUDENTS"
  getent group "$STAFF" >/dev/null || groupadd "$STAFF"
  # Every account must be able to run the course's Python (not, e.g., a pyenv under /root).
  runuser -u nobody -- "$VENV/bin/python" -c "import alignlessons, jupyterhub" 2>/dev/null \
    || die "other accounts cannot run $VENV/bin/python: put the checkout where everyone can read it \
and make its .venv from a system Python (make setup PYTHON=/usr/bin/python3)"
  # nbgrader's exchange: anyone may create a folder, nobody may remove another's (like /tmp).
  mkdir -p "$EXCHANGE" && chmod 1777 "$EXCHANGE"
  mkdir -p "$STATE" && chmod 0700 "$STATE"
  # The repository's solutions (and any nbgrader working area in it): staff only.
  for d in "$REPO/solutions" "$REPO/.nbgrader"; do
    [ -e "$d" ] || continue
    chgrp -R "$STAFF" "$d" && chmod -R g+rX,o-rwx "$d"
  done
  echo "setup.sh: server ready (exchange $EXCHANGE, groups $STUDENTS and $STAFF)"
  ;;
account)
  role="${2:-}"; name="${3:-}"
  case "$role" in student) group="$STUDENTS" ;; staff) group="$STAFF" ;; *) die "ROLE is student or staff" ;; esac
  [ -n "$name" ] || die "usage: setup.sh account ROLE NAME"
  if getent passwd "$name" >/dev/null; then usermod -a -G "$group" "$name"
  else useradd --create-home -K HOME_MODE=0700 --shell /bin/bash -G "$group" "$name"; fi
  home="$(getent passwd "$name" | cut -d: -f6)"
  chmod 0700 "$home"   # classmates cannot read each other's work (Debian's default home is 0755)
  echo "setup.sh: $role account $name (set its password with: passwd $name)"
  ;;
course)
  instructor="${2:-}"; [ -n "$instructor" ] || die "usage: setup.sh course INSTRUCTOR"
  id -nG "$instructor" | tr ' ' '\n' | grep -qx "$STAFF" || die "$instructor is not in group $STAFF"
  if [ ! -e "$COURSE_ROOT/nbgrader_config.py" ]; then
    install -d -o "$instructor" -g "$(id -gn "$instructor")" -m 0700 "$COURSE_ROOT"
    as_user "$instructor" sh -c "cd '$COURSE_ROOT' && alignlessons course init '$COURSE_ROOT' --exchange '$EXCHANGE'"
  fi
  chmod 0700 "$COURSE_ROOT"   # gradebook, source/ (solutions), submissions: the instructor's only
  echo "setup.sh: course root $COURSE_ROOT (owner $instructor)"
  ;;
*)
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
