#!/usr/bin/env bash
# Sets up a WildFly 39 for Berth in a directory of its own, and starts and stops it. The configuration is written
# once, offline (jboss-cli's embedded server, no running server needed), into the server's standalone.xml: a later
# `start` needs no environment at all.
#
#   wildfly.sh setup DIR   unpack WildFly into DIR/wildfly, configure it from the environment below, deploy the WAR
#                          as ROOT.war (context root /), then start it. On a DIR set up before, the server is
#                          unpacked and configured afresh (stop it first); the data directory is kept.
#   wildfly.sh start DIR   start the configured server in the background (output in DIR/server.log, pid in
#                          DIR/server.pid) and wait until the registry answers
#   wildfly.sh stop DIR    stop it (SIGTERM, then wait)
#
# Read by setup (start and stop read what setup wrote):
#   BERTH_PORT       HTTP port                              (default 5000)
#   BERTH_BIND       bind address of every listener         (default 127.0.0.1)
#   BERTH_MANAGEMENT_PORT  WildFly's management port (jboss-cli, /health), bound as HTTP is (default BERTH_PORT+4990)
#   BERTH_DATA_DIR   data directory                         (default DIR/data)
#   BERTH_WAR        the WAR to deploy                      (default target/ROOT.war of this project)
#   BERTH_JAVA_OPTS  JVM options, e.g. -Xmx1g               (default WildFly's: -Xms64m -Xmx512m)
#   BERTH_TLS_KEYSTORE, BERTH_TLS_KEYSTORE_PASSWORD  a PKCS#12 key store: HTTPS on BERTH_TLS_PORT (default 5443)
#                    with its key (BERTH_TLS_ALIAS, default the store's only key)
#   BERTH_METRICS=true  serves WildFly's /metrics on the management port without credentials (default: credentials)
#   BERTH_ADMIN_PASSWORD  the administrator's password, read on the first start (the one setup makes) and not kept
#   every other BERTH_* variable (BERTH_DB_URL, BERTH_DB_PASSWORD, BERTH_TLS_REDIRECT, BERTH_HSTS_SECONDS, …)
#                    becomes the system property berth.x.y in the server's configuration, where the application's
#                    MicroProfile Config reads it on every start. The configuration is readable by this user only.
#                    (BERTH_* variables in the environment of `start` are read too, below those kept.)
#
# The WildFly zip comes from the local Maven repository (fetched with the Maven wrapper when missing).
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tls-keystore.sh
source "$project/server-config/tls-keystore.sh"
wildfly_version=39.0.1.Final
zip="$HOME/.m2/repository/org/wildfly/wildfly-dist/$wildfly_version/wildfly-dist-$wildfly_version.zip"

usage() {
  echo "usage: $0 setup|start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
command="$1"
if [ "$command" = setup ]; then
  mkdir -p "$2"
elif [ ! -d "$2" ]; then
  echo "wildfly.sh: no server in $2 (wildfly.sh setup $2)" >&2
  exit 1
fi
dir="$(cd "$2" && pwd)"
home="$dir/wildfly"
settings="$dir/berth-server.conf"

# Everything under DIR (configuration with passwords, database, blobs, logs) is for this user only.
umask 077

running() {
  [ -f "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null
}

# A value for a jboss-cli command, in double quotes: backslashes and quotes escaped, and "${" written "$${" so that
# WildFly takes it literally rather than as an expression.
cli_string() {
  local value="$1"
  value="${value//\\/\\\\}"
  value="${value//\"/\\\"}"
  value="${value//\$\{/\$\$\{}"
  printf '"%s"' "$value"
}

setup() {
  if running; then
    echo "wildfly.sh: a server is running from $dir (pid $(cat "$dir/server.pid")): stop it first" >&2
    exit 1
  fi
  local port="${BERTH_PORT:-5000}" bind="${BERTH_BIND:-127.0.0.1}"
  local management_port="${BERTH_MANAGEMENT_PORT:-$((port + 4990))}"
  local data="${BERTH_DATA_DIR:-$dir/data}"
  local war="${BERTH_WAR:-$project/target/ROOT.war}"
  if [ "$management_port" -gt 65535 ]; then
    echo "wildfly.sh: the management port $management_port is not a port: set BERTH_MANAGEMENT_PORT" >&2
    exit 2
  fi
  if [ ! -f "$war" ]; then
    echo "wildfly.sh: no WAR at $war (build it, or set BERTH_WAR)" >&2
    exit 2
  fi
  war="$(cd "$(dirname "$war")" && pwd)/$(basename "$war")"
  mkdir -p "$data"
  chmod 700 "$data"
  data="$(cd "$data" && pwd)"

  # HTTPS: check the key store before anything is configured, as run.sh does.
  local keystore="" alias="" tls_port=""
  if [ -n "${BERTH_TLS_KEYSTORE:-}" ]; then
    read_tls_keystore
    tls_port="${BERTH_TLS_PORT:-5443}"
  fi

  if [ ! -f "$zip" ]; then
    echo "wildfly.sh: fetching WildFly $wildfly_version into the local Maven repository" >&2
    local fetched="$dir/download"
    (cd "$project" && ./mvnw -q -B dependency:copy -Dartifact="org.wildfly:wildfly-dist:$wildfly_version:zip" \
      -DoutputDirectory="$fetched")
    zip="$fetched/wildfly-dist-$wildfly_version.zip"
  fi
  chmod 700 "$dir"
  rm -rf "$home" "$dir/wildfly-$wildfly_version"
  (cd "$dir" && unzip -q "$zip" && mv "wildfly-$wildfly_version" wildfly)
  rm -rf "$dir/download"

  # JVM options: WildFly's defaults, then the operator's.
  if [ -n "${BERTH_JAVA_OPTS:-}" ]; then
    printf '\n# Berth: BERTH_JAVA_OPTS at setup\nJAVA_OPTS="$JAVA_OPTS %s"\n' "$BERTH_JAVA_OPTS" >> "$home/bin/standalone.conf"
  fi

  # The commands hold passwords: removed however setup ends.
  cli="$dir/setup.cli"
  trap 'rm -f "$cli"' EXIT
  {
    echo "embed-server --server-config=standalone.xml --std-out=discard"
    # MicroProfile Health (the application's readiness check): standalone.xml has MicroProfile Config but not
    # Health. Its checks are served on the management port at /health, /health/ready and /health/live. (The
    # extension first, on its own: the batch below can only name subsystems already known.)
    echo "/extension=org.wildfly.extension.microprofile.health-smallrye:add"
    echo "batch"
    # Every listener on BERTH_BIND: the public interface (HTTP, HTTPS) and the management one.
    echo "/interface=public:write-attribute(name=inet-address, value=$(cli_string "$bind"))"
    echo "/interface=management:write-attribute(name=inet-address, value=$(cli_string "$bind"))"
    echo "/socket-binding-group=standard-sockets/socket-binding=http:write-attribute(name=port, value=$port)"
    echo "/socket-binding-group=standard-sockets/socket-binding=https:write-attribute(name=port, value=${tls_port:-5443})"
    echo "/socket-binding-group=standard-sockets/socket-binding=management-http:write-attribute(name=port, value=$management_port)"
    # The management interface: no web console; jboss-cli on this machine still signs in as the local user.
    echo "/core-service=management/management-interface=http-interface:write-attribute(name=console-enabled, value=false)"
    # WildFly's own metrics need management credentials unless the operator asks for them open.
    if [ "${BERTH_METRICS:-false}" = true ]; then
      echo "/subsystem=metrics:write-attribute(name=security-enabled, value=false)"
    else
      echo "/subsystem=metrics:write-attribute(name=security-enabled, value=true)"
    fi
    echo "/subsystem=microprofile-health-smallrye:add(security-enabled=false)"
    # Large uploads: no limit on request bodies (WildFly's 10 MB default answers a bare 400), a client that stops
    # sending in the middle of a body is cut off after 30 s without data, and nothing limits a request's whole length.
    echo "/subsystem=undertow/server=default-server/http-listener=default:write-attribute(name=max-post-size, value=0)"
    echo "/subsystem=undertow/server=default-server/http-listener=default:write-attribute(name=read-timeout, value=30000)"
    # Nothing on the host but the application: no welcome content at /, no remote EJB invocation over HTTP.
    echo "/subsystem=undertow/server=default-server/host=default-host/location=\/:remove"
    echo "/subsystem=undertow/configuration=handler/file=welcome-content:remove"
    echo "/subsystem=undertow/server=default-server/host=default-host/setting=http-invoker:remove"
    # /console is the application's (WildFly would send it to its own management console, or /noconsole.html).
    echo "/subsystem=undertow/server=default-server/host=default-host:write-attribute(name=disable-console-redirect, value=true)"
    # The console's session cookie as the application writes it: besides the application's own Set-Cookie (with
    # SameSite=Strict, and Secure over HTTPS), Undertow writes the container's session cookie after it, which
    # browsers keep, without either attribute. These add them to the container's cookie too.
    echo "/subsystem=undertow/configuration=filter/expression-filter=berth-samesite:add(expression=\"samesite-cookie(mode=Strict, cookie-pattern=BERTH_CONSOLE)\")"
    echo "/subsystem=undertow/configuration=filter/expression-filter=berth-secure-cookie:add(expression=\"secure-cookie\")"
    echo "/subsystem=undertow/server=default-server/host=default-host/filter-ref=berth-samesite:add"
    echo "/subsystem=undertow/server=default-server/host=default-host/filter-ref=berth-secure-cookie:add"
    # The application's own Jakarta Security mechanism decides who is signed in (else ELY01177, a 500 on sign-in).
    echo "/subsystem=undertow/application-security-domain=other:write-attribute(name=integrated-jaspi, value=false)"
    # H2's JDBC driver (WildFly's module, H2 2.2.224 as in Payara 6) for the application's default database.
    echo "/subsystem=ee:list-add(name=global-modules, value={name=com.h2database.h2})"
    if [ -n "$keystore" ]; then
      echo "/subsystem=elytron/key-store=berthKS:add(path=$(cli_string "$keystore"), type=PKCS12, credential-reference={clear-text=$(cli_string "$BERTH_TLS_KEYSTORE_PASSWORD")})"
      echo "/subsystem=elytron/key-manager=berthKM:add(key-store=berthKS, alias-filter=$(cli_string "$alias"), credential-reference={clear-text=$(cli_string "$BERTH_TLS_KEYSTORE_PASSWORD")})"
      # TLS 1.3 and 1.2: Elytron offers 1.3 only with its suites named.
      echo "/subsystem=elytron/server-ssl-context=berthSSC:add(key-manager=berthKM, protocols=[\"TLSv1.3\", \"TLSv1.2\"], cipher-suite-names=\"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256\")"
      echo "/subsystem=undertow/server=default-server/https-listener=https:write-attribute(name=ssl-context, value=berthSSC)"
      echo "/subsystem=undertow/server=default-server/https-listener=https:write-attribute(name=max-post-size, value=0)"
      echo "/subsystem=undertow/server=default-server/https-listener=https:write-attribute(name=read-timeout, value=30000)"
      # The application builds its redirects to HTTPS with this port.
      echo "/system-property=berth.tls.port:add(value=$tls_port)"
    else
      # No HTTPS listener at all (WildFly's default one would serve a self-signed certificate on 8443).
      echo "/subsystem=undertow/server=default-server/https-listener=https:remove"
      echo "/subsystem=undertow/server=default-server/http-listener=default:undefine-attribute(name=redirect-socket)"
    fi
    # Neither WildFly's self-signed example certificate nor its example database.
    echo "/subsystem=elytron/server-ssl-context=applicationSSC:remove"
    echo "/subsystem=elytron/key-manager=applicationKM:remove"
    echo "/subsystem=elytron/key-store=applicationKS:remove"
    echo "/subsystem=ee/service=default-bindings:undefine-attribute(name=datasource)"
    echo "/subsystem=datasources/data-source=ExampleDS:remove"
    # Hibernate logs the unique-key races Berth handles (two pushes creating one repository) at ERROR; Berth logs
    # the SQL errors it does not handle itself.
    echo "/subsystem=logging/logger=org.hibernate.engine.jdbc.spi.SqlExceptionHelper:add(level=OFF)"
    # DIR/server.log (the console's output) without colour codes: the file handler's pattern.
    echo "/subsystem=logging/console-handler=CONSOLE:write-attribute(name=named-formatter, value=PATTERN)"
    # A transaction log of this server's own (WildFly warns about the shared default): at most 23 bytes.
    echo "/subsystem=transactions:write-attribute(name=node-identifier, value=berth-$port)"
    echo "/system-property=berth.data.dir:add(value=$(cli_string "$data"))"
    # The application's settings, kept in the configuration: BERTH_FOO_BAR=x becomes berth.foo.bar=x.
    local variable
    while IFS= read -r variable; do
      case "$variable" in
        BERTH_PORT|BERTH_BIND|BERTH_MANAGEMENT_PORT|BERTH_DATA_DIR|BERTH_WAR|BERTH_JAVA_OPTS|BERTH_SKIP_BUILD) continue ;;
        BERTH_TLS_KEYSTORE|BERTH_TLS_KEYSTORE_PASSWORD|BERTH_TLS_ALIAS|BERTH_TLS_PORT) continue ;;
        # Read on the first start only (the one setup makes, from this environment): not kept in the configuration.
        BERTH_ADMIN_PASSWORD) continue ;;
        # test.sh's own.
        BERTH_TEST_*) continue ;;
      esac
      # An empty value is no setting.
      [ -z "${!variable}" ] && continue
      local property
      property="$(printf '%s' "$variable" | tr '[:upper:]_' '[:lower:].')"
      echo "/system-property=$property:add(value=$(cli_string "${!variable}"))"
    done < <(compgen -e | grep '^BERTH_' | sort)
    echo "run-batch"
    # The WAR, as ROOT.war: WildFly serves a ROOT.war at /.
    echo "deploy $(cli_string "$war") --name=ROOT.war --runtime-name=ROOT.war"
    echo "stop-embedded-server"
  } > "$cli"
  echo "wildfly.sh: configuring WildFly in $home" >&2
  JAVA_OPTS="-Djava.net.preferIPv4Stack=true" "$home/bin/jboss-cli.sh" --file="$cli" > "$dir/setup.log" 2>&1 || {
    echo "wildfly.sh: configuring WildFly failed; see $dir/setup.log" >&2
    tail -n 20 "$dir/setup.log" >&2
    exit 1
  }
  rm -f "$cli"
  # The same for the first lines of the first start, logged before the logging subsystem reads the configuration.
  sed -i 's/^handler.CONSOLE.formatter=COLOR-PATTERN$/handler.CONSOLE.formatter=PATTERN/' \
    "$home/standalone/configuration/logging.properties"
  # Nothing from the embedded run to replay: its history and logs hold no settings.
  rm -rf "$home/standalone/configuration/standalone_xml_history" "$home/standalone/log" "$home/standalone/tmp"
  printf 'port=%s\nbind=%s\nmanagement_port=%s\ntls_port=%s\ndata=%q\n' \
    "$port" "$bind" "$management_port" "$tls_port" "$data" > "$settings"
  start
}

start() {
  if [ ! -f "$settings" ]; then
    echo "wildfly.sh: $dir is not set up (wildfly.sh setup $dir)" >&2
    exit 1
  fi
  if running; then
    echo "wildfly.sh: already running from $dir (pid $(cat "$dir/server.pid"))" >&2
    exit 1
  fi
  local port bind management_port tls_port data
  # shellcheck disable=SC1090 # written by setup
  . "$settings"
  local started
  started="$(date +%s%N)"
  # LAUNCH_JBOSS_IN_BACKGROUND: standalone.sh passes SIGTERM on to Java and waits for it. A session of its own, so
  # that a Ctrl-C meant for the caller's terminal does not reach the server.
  LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$dir/java.pid" setsid "$home/bin/standalone.sh" \
    >> "$dir/server.log" 2>&1 < /dev/null &
  echo $! > "$dir/server.pid"
  local host="$bind"
  case "$host" in
    0.0.0.0) host=127.0.0.1 ;;
    *:*) host="[$host]" ;;
  esac
  local code
  for _ in $(seq 1 600); do
    sleep 0.5
    if ! running; then
      echo "wildfly.sh: the server stopped; the end of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      exit 1
    fi
    # 401: the registry asks for credentials; 308: it sends plain HTTP to HTTPS first.
    code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$host:$port/v2/" 2>/dev/null || true)"
    case "$code" in
      401|308)
        printf 'Berth is ready at http://%s:%s after %s s\n' "$host" "$port" \
          "$(awk -v a="$started" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
        return 0
        ;;
    esac
    # WildFly itself is up (WFLYSRV0025/0026) but the application did not deploy (failed services, a rolled-back
    # or failed deployment): it would answer 404 for ever.
    if grep -q 'WFLYSRV0026\|WFLYSRV0025' "$dir/server.log" \
        && grep -q 'WFLYCTL0186\|WFLYSRV0021\|WFLYCTL0013' "$dir/server.log"; then
      echo "wildfly.sh: the server started but Berth did not deploy (HTTP $code); see $dir/server.log:" >&2
      grep 'ERROR' "$dir/server.log" | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-400 | head -n 20 >&2
      stop
      exit 1
    fi
  done
  echo "wildfly.sh: Berth did not answer on http://$host:$port/v2/ within 300 s; see $dir/server.log" >&2
  stop
  exit 1
}

stop() {
  if ! running; then
    echo "wildfly.sh: not running from $dir" >&2
    rm -f "$dir/server.pid"
    return 0
  fi
  local pid java
  pid="$(cat "$dir/server.pid")"
  java="$(cat "$dir/java.pid" 2>/dev/null || true)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  # standalone.sh waits for Java; should it be gone first, Java is stopped on its own.
  if [ -n "$java" ] && kill -0 "$java" 2>/dev/null; then
    kill -TERM "$java"
    for _ in $(seq 1 60); do
      kill -0 "$java" 2>/dev/null || break
      sleep 0.5
    done
  fi
  if kill -0 "$pid" 2>/dev/null || { [ -n "$java" ] && kill -0 "$java" 2>/dev/null; }; then
    echo "wildfly.sh: the server (pid $pid) did not stop within 60 s" >&2
    exit 1
  fi
  rm -f "$dir/server.pid" "$dir/java.pid"
  echo "wildfly.sh: stopped" >&2
}

case "$command" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
