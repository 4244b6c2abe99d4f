#!/usr/bin/env bash
# Refreshes .sqlx/, the offline data of the compile-checked queries, after a change to SQL or the
# migrations: starts a scratch PostgreSQL, applies the migrations, and rebuilds with the sqlx macros
# online so they write their data. Commit the result; ordinary builds never need a database.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${TMPDIR:-/tmp}/gonghui-sqlx-prepare
port=${SQLX_PREPARE_PORT:-54329}
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg "$bindir/initdb" -D "$dir" -U gonghui --auth=trust --locale=C.UTF-8 -E UTF8 >/dev/null
fi
as_pg "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1 ||
  as_pg "$bindir/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null

url="postgres://gonghui@127.0.0.1:$port"
psql -q "$url/postgres" -c 'drop database if exists gonghui_sqlx' -c 'create database gonghui_sqlx'
for migration in migrations/*.sql; do
  psql -q -v ON_ERROR_STOP=1 "$url/gonghui_sqlx" -f "$migration" >/dev/null
done

rm -rf .sqlx && mkdir .sqlx
touch src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" DATABASE_URL="$url/gonghui_sqlx" cargo check --all-targets --quiet
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
[ "${KEEP_SQLX_PG:-}" = 1 ] || as_pg "$bindir/pg_ctl" -D "$dir" -m fast stop >/dev/null
