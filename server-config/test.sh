#!/usr/bin/env bash
# The README's test command: on a fresh Debian machine, installs the Debian packages the integration tests drive,
# then runs every test with the project's own Maven (the wrapper): the unit tests; the integration tests on Payara
# Micro with each database of BERTH_TEST_DATABASES (default "h2 postgresql"; PostgreSQL is a cluster of its own,
# started in a temporary directory and stopped at the end, and with it blobs go to an S3 server, s3proxy, started
# likewise); then the tests that share one server (every test class
# but those that start servers of their own with run.sh) on each full server of BERTH_TEST_SERVERS (default
# "payara-server wildfly"), each set up from scratch by its script in server-config/: Payara Server on H2, WildFly on
# PostgreSQL. Extra arguments go to Maven, e.g.
#   BERTH_TEST_DATABASES=postgresql BERTH_TEST_SERVERS= server-config/test.sh -Dit.test=SecurityIT
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
databases="${BERTH_TEST_DATABASES-h2 postgresql}"
servers="${BERTH_TEST_SERVERS-payara-server wildfly}"

# The real clients the integration tests drive (and the browser the console's tests drive), each with the Debian
# package that provides it; HAProxy balances the instances of the scale-out test.
tools=(skopeo podman buildah dockerd /usr/bin/aws chromium chromedriver haproxy)
packages=(skopeo podman buildah docker.io awscli chromium chromium-driver haproxy)

missing=()
for i in "${!tools[@]}"; do
  if ! command -v "${tools[$i]}" >/dev/null 2>&1; then
    missing+=("${packages[$i]}")
  fi
done
# PostgreSQL's server programs (Debian keeps them out of PATH), for the run on PostgreSQL.
if [[ " $databases $servers " == *" postgresql "* || " $servers " == *" wildfly "* ]] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
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


# PostgreSQL refuses to run as root: its files belong to the postgres user the Debian package made.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
pg_port="${BERTH_TEST_POSTGRESQL_PORT:-55433}"
cluster=""
s3_pid=""
s3_dir=""
server_stop=()
finish() {
  if [ -n "$s3_pid" ]; then
    kill "$s3_pid" 2>/dev/null || true
    wait "$s3_pid" 2>/dev/null || true
    rm -rf "$s3_dir"
  fi
  [ ${#server_stop[@]} -gt 0 ] && "${server_stop[@]}" >/dev/null 2>&1 || true
  if [ -n "$cluster" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
trap finish EXIT

# The test cluster, in a temporary directory, on the first call.
start_postgresql() {
  if [ -z "$cluster" ]; then
    cluster="$(mktemp -d /tmp/berth-postgresql.XXXXXX)"
    chown postgres "$cluster"
    runuser -u postgres -- "$pg_bin/initdb" -D "$cluster/data" -U berth --auth=trust -E UTF8 --locale=C.UTF-8 \
      >/dev/null
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
      -o "-p $pg_port -k $cluster -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  fi
}

# A new database in the test cluster, and its URL. ICU's en-US collation, not byte order: a result that depended on
# the database's collation would show.
postgresql_database() {
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U berth -T template0 --locale=C.UTF-8 --locale-provider=icu \
    --icu-locale=en-US "$1"
  echo "jdbc:postgresql://127.0.0.1:$pg_port/$1"
}

# An S3 server (s3proxy on its file system backend, the jar the build copied to target/), for the run on
# PostgreSQL: the scale-out configuration, PostgreSQL and S3. The keys are the tests' (TestBlobStorage).
s3_port="${BERTH_TEST_S3_PORT:-59000}"
start_s3() {
  s3_dir="$(mktemp -d /tmp/berth-s3.XXXXXX)"
  mkdir "$s3_dir/buckets"
  printf '%s\n' "s3proxy.endpoint=http://127.0.0.1:$s3_port" s3proxy.authorization=aws-v2-or-v4 \
    s3proxy.identity=berth-test s3proxy.credential=berth-test-secret jclouds.provider=filesystem \
    "jclouds.filesystem.basedir=$s3_dir/buckets" > "$s3_dir/s3proxy.properties"
  java -Xmx1g -jar "$project/target/s3proxy.jar" --properties "$s3_dir/s3proxy.properties" > "$s3_dir/s3proxy.log" 2>&1 &
  s3_pid=$!
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && return 0
    kill -0 "$s3_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "server-config/test.sh: s3proxy did not start; its log:" >&2
  cat "$s3_dir/s3proxy.log" >&2
  exit 1
}

if [[ " $databases " == *" postgresql "* ]]; then
  start_postgresql
  start_s3
  # The shared test server's database; each server a test starts of its own gets another (ServerProcess).
  ./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dberth.it.db.url="$(postgresql_database arquillian)" -Dberth.it.dir="$project/target/it-postgresql" \
    -Dberth.it.blob.store=s3 -Dberth.it.s3.endpoint="http://127.0.0.1:$s3_port" "$@"
fi

# The full servers, with the settings the shared Payara Micro test server has (arquillian.xml), a lifecycle timer
# that runs every 2 s, and the WAR the runs above built and tested. The tests that share one server, except those
# that run inside the deployment (RegistryEventsIT, AuditWriterIT: Arquillian adds them to the WAR it deploys).
shared_suite=ApiModelIT,AuditTrailIT,ConsoleIT,ConsoleIdentityIT,DeployedServerIT,DistributionSpecIT,EcrApiIT
shared_suite+=,IdentityAndAccessIT,RealClientsIT,SecurityIT
for server in $servers; do
  directory="$project/target/servers/$server"
  it_dir="$project/target/it-$server"
  rm -rf "$directory" "$it_dir"
  database=()
  runtime=()
  if [ "$server" = wildfly ]; then
    start_postgresql
    database=(BERTH_DB_URL="$(postgresql_database "${server//-/_}")" BERTH_DB_USER=berth)
    # Health checks on the management port (BERTH_PORT + 4990); no MicroProfile Metrics in WildFly 39.
    runtime=(-Dberth.it.health.url=http://127.0.0.1:10045/health/ready -Dberth.it.metrics=false)
  fi
  # HTTPS with a key made as the README shows; plain HTTP stays open for the tests.
  mkdir -p "$it_dir/tls"
  keytool -genkeypair -alias registry -keyalg EC -groupname secp256r1 -validity 2 -dname CN=127.0.0.1 \
    -ext SAN=ip:127.0.0.1,dns:localhost -keystore "$it_dir/tls/berth.p12" -storetype PKCS12 \
    -storepass tls-test-password 2>/dev/null
  mkdir -p "$it_dir/tls/certs"
  keytool -exportcert -rfc -alias registry -keystore "$it_dir/tls/berth.p12" -storepass tls-test-password \
    > "$it_dir/tls/certs/ca.crt"
  env "${database[@]}" BERTH_PORT=5055 BERTH_DATA_DIR="$it_dir/arquillian-data" BERTH_WAR="$project/target/ROOT.war" \
    BERTH_ADMIN_PASSWORD=it-admin-password BERTH_TRUSTED_PROXIES=127.0.0.9/32 BERTH_METRICS=true \
    BERTH_LIFECYCLE_INTERVAL_SECONDS=2 BERTH_TLS_KEYSTORE="$it_dir/tls/berth.p12" \
    BERTH_TLS_KEYSTORE_PASSWORD=tls-test-password BERTH_TLS_PORT=5455 BERTH_HSTS_SECONDS=600 \
    "server-config/$server.sh" setup "$directory" || { server_stop=("server-config/$server.sh" stop "$directory"); exit 1; }
  server_stop=("server-config/$server.sh" stop "$directory")
  ./mvnw -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test="$shared_suite" -Dberth.it.dir="$it_dir" -Dberth.it.server.script="$project/server-config/$server.sh" \
    -Dberth.it.server.dir="$directory" -Dberth.it.tls.port=5455 -Dberth.it.tls.certificates="$it_dir/tls/certs" \
    "${runtime[@]}" "$@"
  "${server_stop[@]}"
  server_stop=()
done
