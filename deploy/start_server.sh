#!/usr/bin/env bash
# Run the dashboard on a host without systemd: start, stop, restart, status, logs, check.
#   MES_HOME       release directory (default: this script's parent's parent)
#   MES_BIN        folder with python and gunicorn (default: the conda env, else $MES_HOME/.venv/bin)
#   MES_ENV_FILE   optional KEY=value file exported before anything runs (e.g. /etc/mes-dashboard/env)
#   MES_PIDFILE    gunicorn master PID file (default: $MES_HOME/.data/run/gunicorn.pid)
#   MES_LOG_FILE   gunicorn output (default: $MES_HOME/.data/log/gunicorn.log)
#   MES_START_WAIT_S  seconds start waits for /health/live (default 60)
set -euo pipefail

MES_HOME="${MES_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$MES_HOME"
if [[ -n "${MES_ENV_FILE:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$MES_ENV_FILE"
  set +a
fi
if [[ -z "${MES_BIN:-}" ]]; then
  MES_BIN=/opt/conda/envs/mes-dashboard/bin
  [[ -x "$MES_BIN/gunicorn" ]] || MES_BIN="$MES_HOME/.venv/bin"
fi
export PYTHONPATH="$MES_HOME/backend${PYTHONPATH:+:$PYTHONPATH}"
export MES_PIDFILE="${MES_PIDFILE:-$MES_HOME/.data/run/gunicorn.pid}"
LOG_FILE="${MES_LOG_FILE:-$MES_HOME/.data/log/gunicorn.log}"
START_WAIT="${MES_START_WAIT_S:-60}"

setting() {
  "$MES_BIN/python" -c "from mes_dashboard.config import load_settings; print(load_settings().$1)"
}

master_pid() {
  local pid
  [[ -s "$MES_PIDFILE" ]] || return 1
  pid="$(tr -dc '0-9' < "$MES_PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

http_status() {
  "$MES_BIN/python" - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as resp:
        print(resp.status)
except urllib.error.HTTPError as err:
    print(err.code)
except OSError:
    print("down")
PY
}

start() {
  local pid url deadline
  if pid="$(master_pid)"; then
    echo "already running (pid $pid)"
    return 0
  fi
  mkdir -p "$(dirname "$MES_PIDFILE")" "$(dirname "$LOG_FILE")"
  rm -f "$MES_PIDFILE"
  url="$(setting app_url)/health/live"
  setsid "$MES_BIN/gunicorn" -c deploy/gunicorn.conf.py mes_dashboard.wsgi:app \
    >>"$LOG_FILE" 2>&1 </dev/null &
  local launched=$!
  deadline=$((SECONDS + START_WAIT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$launched" 2>/dev/null && ! master_pid >/dev/null; then
      echo "failed to start; the end of $LOG_FILE:" >&2
      tail -n 20 "$LOG_FILE" >&2
      return 1
    fi
    if master_pid >/dev/null && [[ "$(http_status "$url")" == 200 ]]; then
      echo "started (pid $(master_pid)), live at $url"
      return 0
    fi
    sleep 0.5
  done
  echo "not live after ${START_WAIT}s; see $LOG_FILE" >&2
  return 1
}

stop() {
  local pid grace wait_s deadline
  if ! pid="$(master_pid)"; then
    echo "not running"
    rm -f "$MES_PIDFILE"
    return 0
  fi
  grace="$(setting graceful_timeout_s)"
  wait_s=$((grace + 10))
  kill -TERM "$pid"
  deadline=$((SECONDS + wait_s))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "still running after ${wait_s}s (graceful timeout ${grace}s): SIGKILL" >&2
    if [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]]; then
      kill -KILL -- "-$pid" 2>/dev/null || true
    else
      kill -KILL "$pid" 2>/dev/null || true
    fi
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$MES_PIDFILE"
  echo "stopped (pid $pid)"
}

status() {
  local pid base
  if ! pid="$(master_pid)"; then
    echo "stopped"
    return 3
  fi
  base="$(setting app_url)"
  echo "running (pid $pid), live: $(http_status "$base/health/live"), ready: $(http_status "$base/health/ready")"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) status ;;
  logs)
    if [[ "${2:-}" == "-f" ]]; then tail -n 50 -F "$LOG_FILE"; else tail -n "${2:-100}" "$LOG_FILE"; fi ;;
  check)
    "$MES_BIN/python" -m mes_dashboard.cli check-runtime
    "$MES_BIN/python" -m mes_dashboard.cli check-source ;;
  *)
    echo "usage: $0 start|stop|restart|status|logs [N|-f]|check" >&2
    exit 2 ;;
esac
