# Sourced by run.sh, payara-server.sh and wildfly.sh: the operator's PKCS#12 key store, BERTH_TLS_KEYSTORE, as an
# absolute path in $keystore, and the key to serve in $alias (BERTH_TLS_ALIAS, else the store's first private key).
# Stops the calling script when the store has no key or BERTH_TLS_KEYSTORE_PASSWORD does not open it.
read_tls_keystore() {
  keystore="$(cd "$(dirname "$BERTH_TLS_KEYSTORE")" && pwd)/$(basename "$BERTH_TLS_KEYSTORE")"
  export BERTH_TLS_KEYSTORE_PASSWORD="${BERTH_TLS_KEYSTORE_PASSWORD:-}"
  # keytool fails on a wrong password: that is the empty alias below, not the callers' pipefail.
  alias="${BERTH_TLS_ALIAS:-$({ keytool -list -keystore "$keystore" -storetype PKCS12 \
    -storepass:env BERTH_TLS_KEYSTORE_PASSWORD 2>/dev/null || true; } | awk -F, '/PrivateKeyEntry/ {print $1; exit}')}"
  if [ -z "$alias" ]; then
    echo "$(basename "$0"): no private key in $keystore (or a wrong BERTH_TLS_KEYSTORE_PASSWORD)" >&2
    exit 2
  fi
}
