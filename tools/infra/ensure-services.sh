#!/usr/bin/env bash
# Makes sure PostgreSQL, RabbitMQ and Redis answer on their configured ports.
# Order of preference for each one: already running -> start the local install ->
# install from Debian/Ubuntu packages (root only) -> `docker compose` (when an engine
# answers) -> stop with one message naming what is missing. Idempotent; safe to re-run.
set -uo pipefail

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
AMQP_HOST="${AMQP_HOST:-127.0.0.1}"
AMQP_PORT="${AMQP_PORT:-5672}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[infra] %s\n' "$*" >&2; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

is_local() { case "$1" in 127.*|localhost|::1) return 0 ;; *) return 1 ;; esac; }

wait_for() { # name host port seconds
  local i
  for ((i = 0; i < $4 * 2; i++)); do
    port_open "$2" "$3" && return 0
    sleep 0.5
  done
  return 1
}

apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    apt_updated=1
  fi
  log "installing $*"
  # policy-rc.d keeps package scripts from trying to start services through init.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "$@" >&2
}

docker_up() { # compose-service
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || return 1
  log "starting $1 with docker compose"
  docker compose -f "$ROOT_DIR/docker-compose.yml" up -d "$1" >&2
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql || return 1
  fi
  local ver
  for ver in $(ls /etc/postgresql 2>/dev/null); do
    log "starting PostgreSQL $ver"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 2>&1 || pg_ctlcluster "$ver" main start >&2 2>&1 || true
  done
  wait_for postgres "$PGHOST" "$PGPORT" 30 || return 1
  # A fresh Debian cluster has no password for `postgres`; give it the configured one so
  # password (scram) authentication on 127.0.0.1 works as well as trust.
  if command -v runuser >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- psql -qAt -c "ALTER USER postgres PASSWORD '${PG_ADMIN_PASSWORD:-postgres}'" >/dev/null 2>&1 || true
  fi
}

start_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server || return 1
  fi
  log "starting RabbitMQ"
  rabbitmq-server -detached >&2 2>&1 || true
  local i
  for ((i = 0; i < 90; i++)); do
    rabbitmq-diagnostics -q check_running >/dev/null 2>&1 && break
    sleep 1
  done
  # the node may be up with the app stopped (e.g. after an interrupted broker-restart test)
  rabbitmqctl -q start_app >/dev/null 2>&1 || true
  wait_for rabbitmq "$AMQP_HOST" "$AMQP_PORT" 60
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || return 1
  fi
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/fpms.log >&2 2>&1 || true
  wait_for redis "$REDIS_HOST" "$REDIS_PORT" 15
}

missing=()
ensure() { # name host port start-fn compose-service
  local name=$1 host=$2 port=$3 starter=$4 compose=$5
  if port_open "$host" "$port"; then return 0; fi
  if ! is_local "$host"; then
    missing+=("$name at $host:$port is not reachable (remote host: start it there)")
    return 1
  fi
  if "$starter" && port_open "$host" "$port"; then log "$name is up"; return 0; fi
  if docker_up "$compose" && wait_for "$name" "$host" "$port" 60; then log "$name is up (docker)"; return 0; fi
  missing+=("$name on $host:$port (not running, could not be started or installed: install the Debian package, run as root so this script can, or start a Docker engine)")
  return 1
}

ensure PostgreSQL "$PGHOST" "$PGPORT" start_postgres postgres
ensure RabbitMQ "$AMQP_HOST" "$AMQP_PORT" start_rabbitmq rabbitmq
ensure Redis "$REDIS_HOST" "$REDIS_PORT" start_redis redis

if [ ${#missing[@]} -gt 0 ]; then
  printf '\nFPMS needs these services and could not get them running:\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
log "PostgreSQL, RabbitMQ and Redis are reachable"
