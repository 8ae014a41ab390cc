#!/usr/bin/env bash
# Berth on Payara Server 6: sets up a fresh server in a directory of its own, and starts and stops it.
#
#   server-config/payara-server.sh setup DIR   unpack Payara Server into DIR, make a domain for Berth, configure it,
#                                              deploy target/ROOT.war at / and leave it running
#   server-config/payara-server.sh start DIR   start it again, and wait until the registry answers
#   server-config/payara-server.sh stop DIR
#
# The same settings as run.sh, read at setup: BERTH_PORT (default 5000), BERTH_BIND (default 127.0.0.1),
# BERTH_DATA_DIR (default DIR/data), BERTH_TLS_KEYSTORE and BERTH_TLS_KEYSTORE_PASSWORD (a PKCS#12 key store: HTTPS
# on BERTH_TLS_PORT, default 5443, with its key BERTH_TLS_ALIAS, default the store's only key), and BERTH_DB_URL,
# BERTH_DB_USER, BERTH_DB_PASSWORD for PostgreSQL. Every other BERTH_* variable (BERTH_ADMIN_PASSWORD,
# BERTH_TLS_REDIRECT, BERTH_HSTS_SECONDS, …) becomes the domain's system property berth.*, read by the application
# as run.sh's environment is. BERTH_WAR deploys another WAR than target/ROOT.war.
#
# Ports: HTTP on BERTH_PORT; the administration console and the domain's other listeners on BERTH_PORT-80+N as
# Payara's --portbase lays them out (administration on BERTH_PORT-32), all on loopback. Hazelcast, JMS and IIOP are
# off: Berth's timers are not persistent and it keeps its leases in the database.
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tls-keystore.sh
source "$project/server-config/tls-keystore.sh"
version=6.2025.10
action="${1:-}"
dir="${2:-}"
if [ -z "$dir" ] || [[ ! "$action" =~ ^(setup|start|stop)$ ]]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
# Where setup put the server, for start and stop.
if [ "$action" = setup ]; then
  port="${BERTH_PORT:-5000}"
  bind="${BERTH_BIND:-127.0.0.1}"
else
  # shellcheck source=/dev/null
  source "$dir/listener.conf"
fi
admin_port=$((port - 32))
# The domain's administrator has a password of its own, kept in DIR (owner-only): the administration listener is on
# loopback, where any user of the machine could otherwise deploy code to run as the server's user.
passwords="$dir/asadmin.passwords"
asadmin=("$dir/payara6/bin/asadmin" --host 127.0.0.1 --port "$admin_port" --user admin --passwordfile "$passwords")
# The address the HTTP listener is reached at: the bind address, or loopback when it binds every interface.
host="$bind"
[ "$host" = 0.0.0.0 ] && host=127.0.0.1

wait_until_ready() {
  local status
  for _ in $(seq 1 240); do
    # 401: the registry asks for credentials; 308: it sends plain HTTP to HTTPS first. Payara answers 404 while the
    # application is still loading.
    status="$(curl -s -o /dev/null -w '%{http_code}' "http://$host:$port/v2/" 2>/dev/null || true)"
    if [ "$status" = 401 ] || [ "$status" = 308 ]; then
      echo "Berth is ready at http://$host:$port on Payara Server after $SECONDS s"
      return 0
    fi
    sleep 0.5
  done
  echo "payara-server.sh: Berth did not answer on http://$host:$port/v2/; see $dir/payara6/glassfish/domains/berth/logs/server.log" >&2
  return 1
}

case "$action" in
  start)
    "${asadmin[@]}" start-domain berth >/dev/null
    wait_until_ready
    exit 0
    ;;
  stop)
    "${asadmin[@]}" stop-domain berth >/dev/null
    exit 0
    ;;
esac

if [ -e "$dir/payara6" ]; then
  echo "payara-server.sh: $dir/payara6 exists; setup makes a fresh server (start runs an existing one)" >&2
  exit 2
fi
war="${BERTH_WAR:-$project/target/ROOT.war}"
if [ ! -f "$war" ]; then
  (cd "$project" && ./mvnw -q -B -DskipTests package)
fi
data="${BERTH_DATA_DIR:-$dir/data}"
umask 077
mkdir -p "$data"
data="$(cd "$data" && pwd)"

# The distribution from Maven Central, downloaded once into the local Maven repository.
(cd "$project" && ./mvnw -q -B dependency:copy -Dartifact="fish.payara.distributions:payara:$version:zip" \
  -DoutputDirectory="$dir" -Dmdep.overWriteReleases=true)
unzip -q "$dir/payara-$version.zip" -d "$dir"
rm "$dir/payara-$version.zip"
rm -rf "$dir/payara6/glassfish/domains/domain1"
printf 'port=%q\nbind=%q\n' "$port" "$bind" > "$dir/listener.conf"

printf 'AS_ADMIN_PASSWORD=%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" > "$passwords"
"$dir/payara6/bin/asadmin" --user admin --passwordfile "$passwords" create-domain --portbase $((port - 80)) berth \
  >/dev/null
"${asadmin[@]}" start-domain berth >/dev/null

# A value for `asadmin create-system-properties`, which separates properties with ':' and names from values with '='.
escape() {
  local value="${1//\\/\\\\}"
  value="${value//:/\\:}"
  printf '%s' "${value//=/\\=}"
}
settings="berth.data.dir=$(escape "$data")"
while IFS='=' read -r name value; do
  case "$name" in
    BERTH_PORT|BERTH_BIND|BERTH_DATA_DIR|BERTH_WAR|BERTH_SKIP_BUILD|BERTH_JAVA_OPTS|BERTH_TLS_KEYSTORE|BERTH_TLS_KEYSTORE_PASSWORD|BERTH_TLS_ALIAS) ;;
    # test.sh's own; and an empty value is no setting (asadmin refuses one).
    BERTH_TEST_*) ;;
    BERTH_*)
      [ -z "$value" ] && continue
      property="$(echo "${name#BERTH_}" | tr '[:upper:]_' '[:lower:].')"
      settings+=":berth.$property=$(escape "$value")"
      ;;
  esac
done < <(env | grep '^BERTH_' || true)

listeners=configs.config.server-config.network-config.network-listeners.network-listener
protocols=configs.config.server-config.network-config.protocols.protocol
commands="$dir/setup.asadmin"
{
  # Only loopback, unless HTTP is asked to bind another address: Payara opens Hazelcast, JMS, IIOP and JMX on every
  # interface by default.
  echo "set-hazelcast-configuration --enabled=false --dynamic=false"
  echo "set configs.config.server-config.jms-service.type=DISABLED"
  for iiop in orb-listener-1 SSL SSL_MUTUALAUTH; do
    echo "set configs.config.server-config.iiop-service.iiop-listener.$iiop.enabled=false"
    echo "set configs.config.server-config.iiop-service.iiop-listener.$iiop.address=127.0.0.1"
  done
  # The domain's own H2 databases (the EJB timer store, the default datasource) without H2's TCP server, which
  # would listen on every interface.
  echo 'set resources.jdbc-connection-pool.__TimerPool.property.URL=jdbc:h2:${com.sun.aas.instanceRoot}/lib/databases/ejbtimer'
  echo 'set resources.jdbc-connection-pool.H2Pool.property.URL=jdbc:h2:${com.sun.aas.instanceRoot}/lib/databases/embedded_default'
  # asadmin talks to the administration listener; the JMX connector would also open an RMI port on every interface.
  echo "set configs.config.server-config.admin-service.jmx-connector.system.enabled=false"
  echo "set $listeners.admin-listener.address=127.0.0.1"
  echo "set $listeners.http-listener-1.address=$bind"
  # Long uploads must not be cut off after Payara's default 900 s; a client that stops sending is cut off after 30 s
  # without data. Grizzly sets no limit on a body's size.
  echo "set $protocols.http-listener-1.http.request-timeout-seconds=-1"
  # Clients need not learn the server's make and version.
  echo "set $protocols.http-listener-1.http.xpowered-by=false"
  echo "set $protocols.http-listener-1.http.server-header=false"
  echo "set configs.config.server-config.network-config.transports.transport.tcp.read-timeout-millis=30000"
  # As run.sh: no unauthenticated OpenAPI document or metrics unless asked for (BERTH_METRICS=true).
  echo "set-openapi-configuration --enabled=false"
  echo "set configs.config.server-config.microprofile-metrics-configuration.enabled=${BERTH_METRICS:-false}"
  echo "create-system-properties $settings"
} > "$commands"

if [ -n "${BERTH_TLS_KEYSTORE:-}" ]; then
  read_tls_keystore
  # The key store's password as a password alias, kept encrypted in the domain rather than in domain.xml.
  { cat "$passwords"; printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "$BERTH_TLS_KEYSTORE_PASSWORD"; } > "$dir/alias.password"
  "$dir/payara6/bin/asadmin" --host 127.0.0.1 --port "$admin_port" --user admin \
    --passwordfile "$dir/alias.password" create-password-alias berth-tls-keystore >/dev/null
  rm "$dir/alias.password"
  {
    echo "set $listeners.http-listener-2.address=$bind"
    echo "set $listeners.http-listener-2.port=${BERTH_TLS_PORT:-5443}"
    echo "set $protocols.http-listener-2.http.request-timeout-seconds=-1"
    echo "set $protocols.http-listener-2.http.xpowered-by=false"
    echo "set $protocols.http-listener-2.http.server-header=false"
    echo "set $protocols.http-listener-2.ssl.key-store=$keystore"
    echo "set $protocols.http-listener-2.ssl.key-store-password=\${ALIAS=berth-tls-keystore}"
    echo "set $protocols.http-listener-2.ssl.cert-nickname=$alias"
  } >> "$commands"
  if [ -z "${BERTH_TLS_PORT:-}" ]; then
    # The application needs the HTTPS port for its redirect.
    echo "create-system-properties berth.tls.port=5443" >> "$commands"
  fi
else
  echo "set $listeners.http-listener-2.enabled=false" >> "$commands"
fi
# multimode goes on after a command fails, and exits 0: its output says which failed.
if "${asadmin[@]}" multimode --file "$commands" 2>&1 | grep -E 'remote failure|Command .* failed'; then
  echo "payara-server.sh: configuring the domain failed (commands in $commands)" >&2
  exit 1
fi
# Listener addresses and the disabled services take effect on a restart.
"${asadmin[@]}" restart-domain berth >/dev/null
"${asadmin[@]}" deploy --contextroot / --name ROOT "$war" >/dev/null
wait_until_ready
