#!/usr/bin/env bash
# Builds Berth and runs it on Payara Micro with the embedded defaults: H2 in file mode and blobs on the local
# disk, both under the data directory. Ctrl-C or SIGTERM stops the server (java replaces this shell).
#
#   BERTH_PORT       listen port                  (default 5000)
#   BERTH_BIND       bind address                 (default 127.0.0.1)
#   BERTH_DATA_DIR   data directory               (default ./data)
#   BERTH_JAVA_OPTS  JVM options, e.g. -Xmx256m   (default none)
#   BERTH_TLS_KEYSTORE, BERTH_TLS_KEYSTORE_PASSWORD  a PKCS#12 key store: HTTPS on BERTH_TLS_PORT (default 5443)
#                    with its key (BERTH_TLS_ALIAS, default the store's only key); BERTH_TLS_REDIRECT=true sends
#                    plain HTTP there, BERTH_HSTS_SECONDS adds Strict-Transport-Security
#   BERTH_SKIP_BUILD=1 runs the WAR already in target/ without building
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tls-keystore.sh
source "$project/server-config/tls-keystore.sh"
port="${BERTH_PORT:-5000}"
bind="${BERTH_BIND:-127.0.0.1}"
data="${BERTH_DATA_DIR:-./data}"

if [ "${BERTH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$project" && ./mvnw -q -B -DskipTests package)
fi

# Everything under the data directory (database, blobs, keys, Payara's files) is for this user only.
umask 077
mkdir -p "$data/runtime"
chmod 700 "$data"
data="$(cd "$data" && pwd)"
# Payara's own runtime files: rebuilt on every start, so that a killed server never redeploys a stale copy.
rm -rf "$data/runtime/payara"
preboot="$data/runtime/pre-boot.asadmin"
{
  echo "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=$bind"
  # Long uploads must not be cut off after Payara's default 900 s. Set before boot: changing it after boot
  # restarts the HTTP listener.
  echo "set configs.config.server-config.network-config.protocols.protocol.http-listener.http.request-timeout-seconds=-1"
  # A client that stops sending in the middle of a body is cut off after 30 s without data (an idle read
  # timeout), however long the whole request is allowed to take.
  echo "set configs.config.server-config.network-config.transports.transport.tcp.read-timeout-millis=30000"
  # No unauthenticated introspection: Payara would serve the OpenAPI document to anyone, and metrics unless the
  # operator asks for them (BERTH_METRICS=true: /metrics, unauthenticated; expose it only where that is safe).
  echo "set-openapi-configuration --enabled=false"
  echo "set configs.config.server-config.microprofile-metrics-configuration.enabled=${BERTH_METRICS:-false}"
  if [ -n "${BERTH_TLS_KEYSTORE:-}" ]; then
    echo "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=$bind"
    echo "set configs.config.server-config.network-config.protocols.protocol.https-listener.http.request-timeout-seconds=-1"
  fi
} > "$preboot"

# HTTPS: Payara Micro's TLS listener with the operator's key. The key store's password goes to the JVM in an
# argument file readable by this user only, so that it is not in the command line every user of the machine can list.
tls=()
jvm_tls=()
if [ -n "${BERTH_TLS_KEYSTORE:-}" ]; then
  read_tls_keystore
  printf '%s\n' "-Djavax.net.ssl.keyStore=\"$keystore\"" "-Djavax.net.ssl.keyStoreType=PKCS12" \
    "-Djavax.net.ssl.keyStorePassword=\"${BERTH_TLS_KEYSTORE_PASSWORD:-}\"" > "$data/runtime/tls.args"
  jvm_tls=("@$data/runtime/tls.args")
  export BERTH_TLS_PORT="${BERTH_TLS_PORT:-5443}"
  tls=(--sslport "$BERTH_TLS_PORT" --sslcert "$alias")
fi

# One short banner once the registry answers (the server's own log is long): where it is, who can sign in.
if command -v curl >/dev/null 2>&1; then
  host="$bind"
  [ "$host" = 0.0.0.0 ] && host=127.0.0.1
  (
    for _ in $(seq 1 300); do
      sleep 1
      # java replaced this script's shell ($$): once it has ended, there is nothing to announce.
      kill -0 $$ 2>/dev/null || exit 0
      # 401: the registry asks for credentials; 308: it sends plain HTTP to HTTPS first.
      case "$(curl -s -o /dev/null -w '%{http_code}' "http://$host:$port/v2/" 2>/dev/null)" in
        401|308) ;;
        *) continue ;;
      esac
      if [ -n "${BERTH_ADMIN_PASSWORD:-}" ]; then
        secret="its password is BERTH_ADMIN_PASSWORD (read on the first start only)"
      elif [ -f "$data/admin-password" ]; then
        secret="its password is in $data/admin-password"
      else
        secret="its password is the one set on the first start"
      fi
      printf '\n  Berth is ready at http://%s:%s after %s s\n  administrator: admin; %s\n  data: %s\n' \
        "$host" "$port" "$SECONDS" "$secret" "$data"
      [ -n "${BERTH_TLS_PORT:-}" ] && [ ${#tls[@]} -gt 0 ] && printf '  and over HTTPS at https://%s:%s\n' "$host" "$BERTH_TLS_PORT"
      printf '  an access key for the AWS CLI: eval "$(REGISTRY=%s:%s BERTH_DATA_DIR=%s server-config/access-key.sh)"\n\n' \
        "$host" "$port" "$data"
      exit 0
    done
  ) &
fi

# shellcheck disable=SC2086 # BERTH_JAVA_OPTS is a list of options
exec java ${BERTH_JAVA_OPTS:-} "${jvm_tls[@]}" -Dberth.data.dir="$data" \
  -jar "$project/target/payara-micro.jar" \
  --deploy "$project/target/ROOT.war" --contextroot / \
  --port "$port" "${tls[@]}" --nohazelcast --disablephonehome \
  --rootdir "$data/runtime/payara" \
  --prebootcommandfile "$preboot" \
  --logproperties "$project/server-config/logging.properties"
