#!/usr/bin/env bash
# The README's test command: on a fresh Debian machine, installs the Debian packages the integration tests drive,
# then runs every test with the project's own Maven (the wrapper): the unit tests, and the integration tests on each
# database of BERTH_TEST_DATABASES (default "h2 postgresql"; PostgreSQL is a cluster of its own, started in a
# temporary directory and stopped at the end). Extra arguments go to Maven, e.g.
#   BERTH_TEST_DATABASES=postgresql server-config/test.sh -Dit.test=SecurityIT
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
databases="${BERTH_TEST_DATABASES:-h2 postgresql}"

# The real clients the integration tests drive (and the browser the console's tests drive), each with the Debian
# package that provides it.
tools=(skopeo podman buildah dockerd /usr/bin/aws chromium chromedriver)
packages=(skopeo podman buildah docker.io awscli chromium chromium-driver)

missing=()
for i in "${!tools[@]}"; do
  if ! command -v "${tools[$i]}" >/dev/null 2>&1; then
    missing+=("${packages[$i]}")
  fi
done
# PostgreSQL's server programs (Debian keeps them out of PATH), for the run on PostgreSQL.
if [[ " $databases " == *" postgresql "* ]] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ "$(id -u)" != 0 ]; then
  # The tests start their own dockerd and run podman and buildah with root's storage.
  echo "server-config/test.sh: the integration tests start dockerd and run podman as root; run this as root" >&2
  [ ${#missing[@]} -gt 0 ] && echo "  and install first: sudo apt-get install -y ${missing[*]}" >&2
  exit 2
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "server-config/test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cd "$project"
if [[ " $databases " == *" h2 "* ]]; then
  ./mvnw -B verify "$@"
else
  ./mvnw -B verify -DskipITs "$@"
fi

if [[ " $databases " == *" postgresql "* ]]; then
  # PostgreSQL refuses to run as root: its files belong to the postgres user the Debian package made.
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  cluster="$(mktemp -d /tmp/berth-postgresql.XXXXXX)"
  as_owner=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$cluster"
    as_owner=(runuser -u postgres --)
  fi
  port="${BERTH_TEST_POSTGRESQL_PORT:-55433}"
  stop_postgresql() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  }
  trap stop_postgresql EXIT
  "${as_owner[@]}" "$bin/initdb" -D "$cluster/data" -U berth --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  # The shared test server's database; each server a test starts of its own gets another (ServerProcess). ICU's
  # en-US collation, not byte order: a result that depended on the database's collation would show.
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U berth -T template0 --locale=C.UTF-8 --locale-provider=icu \
    --icu-locale=en-US arquillian
  ./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dberth.it.db.url="jdbc:postgresql://127.0.0.1:$port/arquillian" \
    -Dberth.it.dir="$project/target/it-postgresql" "$@"
fi
