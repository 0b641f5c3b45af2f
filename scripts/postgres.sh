# Sourced by scripts/test: install PostgreSQL from Debian's packages if missing, start a throwaway
# cluster on 127.0.0.1:54329 and export PRECIS_TEST_POSTGRES_URL for the integration tests.
start_postgres() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_ROOT=$(mktemp -d /tmp/precis-pg.XXXXXX)
  chown postgres "$PG_ROOT"
  su postgres -s /bin/sh -c "$bin/initdb -D $PG_ROOT/data -A trust -U postgres >$PG_ROOT/initdb.log"
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_ROOT/data -l $PG_ROOT/server.log -w \
      -o '-p 54329 -k $PG_ROOT -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off' start" >/dev/null
  su postgres -s /bin/sh -c "$bin/createdb -h 127.0.0.1 -p 54329 -U postgres precis_test"
  PG_BIN=$bin
  export PRECIS_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:54329/precis_test"
  trap stop_postgres EXIT
}

stop_postgres() {
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_ROOT/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$PG_ROOT"
}
