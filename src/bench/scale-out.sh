#!/usr/bin/env bash
# src/bench/scale-out.sh — Berth scale-out figures (docs/PERFORMANCE.md, "Scale-out on S3") on this machine, one configuration after the other:
#   a  berth-pg-s3     one Berth, PostgreSQL 15 + S3 (s3proxy)                      :5200
#   b  berth-pg-fs     one Berth, PostgreSQL 15 + file system                        :5200
#   c  berth2-pg-s3    two Berths (:5201, :5202), one database, bucket, server key,
#                      behind HAProxy (roundrobin, http-server-close)                :5203
#   d  reference-s3    docker-registry 2.8 (Debian), S3 driver on the same s3proxy    :5204
# s3proxy (:5210) and a PostgreSQL 15 cluster of its own (:55499) are started once and shared: a fresh bucket and
# a fresh database for each configuration.  Each configuration: wait for /v2/ (401/200), a warm-up RegistryBench
# run, the measured run (--pid where there is one server process), then everything of it is stopped.
# Output: $OUT/<config>.txt (measured), $OUT/<config>-warmup.txt, logs in $OUT/work-<run>/logs, table at the end
# (also $OUT/summary-<run>.txt).
#
# The whole run holds `flock /tmp/maven.lock` (the script re-executes itself under it): Maven builds of another
# process take the same lock, and the two never overlap.
#
# Environment knobs:
#   CONFIGS="a b c d"   which configurations, in this order
#   SMOKE=1             instead of warm-up + measured run, one tiny RegistryBench run (4 MiB blobs, 1 s load)
#   KEEP_DATA=1         keep each configuration's data directories and bucket (default: removed after it)
#   PROJECT=<this repository>  OUT=/tmp/bench-scale  S3_PORT=5210  REF_PORT=5204  PG_PORT=55499
set -uo pipefail

LOCK=/tmp/maven.lock
if [ "${BENCH_SCALE_LOCKED:-}" != 1 ]; then
  export BENCH_SCALE_LOCKED=1
  echo "[bench-scale] waiting for $LOCK ..." >&2
  # -o: the lock stays with the flock process only, so that no server started here can keep it after the end.
  exec flock -o "$LOCK" bash "$(readlink -f "$0")" "$@"
fi

case "${1:-}" in -h|--help) sed -n '2,22p' "$0"; exit 0 ;; esac

# Settings of the caller's shell must not leak into the servers.
for v in $(compgen -e | grep '^BERTH_' || true); do unset "$v"; done

PROJECT=${PROJECT:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
OUT=${OUT:-/tmp/bench-scale}
CONFIGS=${CONFIGS:-a b c d}
CONFIGS=${CONFIGS//,/ }
SMOKE=${SMOKE:-0}
KEEP_DATA=${KEEP_DATA:-0}
S3_PORT=${S3_PORT:-5210}
REF_PORT=${REF_PORT:-5204}
PG_PORT=${PG_PORT:-55499}
PASS=benchpass
PGBIN=/usr/lib/postgresql/15/bin
S3_JAR=$PROJECT/target/s3proxy.jar
BENCH=(java src/bench/java/io/berth/bench/RegistryBench.java)
WARM_ARGS=(--only blob,manifest --runs 1 --duration 10 --repo-prefix warmup)
MEASURE_ARGS=(--only blob,pull,manifest --size-mb 256 --runs 2 --conc 16,64 --duration 10 --warmup 5)
SMOKE_ARGS=(--only blob,manifest --size-mb 4 --chunk-mb 1 --runs 1 --conc 4 --duration 1 --warmup 0 --repo-prefix smoke)

RUN_ID=$(date +%Y%m%d-%H%M%S)
WORK=$OUT/work-$RUN_ID
LOGS=$WORK/logs
PGDIR=$WORK/pg
HZ=$(getconf CLK_TCK)
mkdir -p "$OUT" "$LOGS" "$WORK/s3"
chmod 755 "$OUT" "$WORK"          # PostgreSQL (user postgres) lives below

log() { printf '[bench-scale %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# ------------------------------------------------------------------------------------------------ processes

PIDS=()                      # every process started here and still running
track()   { PIDS+=("$1"); }
untrack() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
# running (not a zombie); bash reaps its children at any moment, so /proc may vanish between two reads: read once
alive()   { local st; st=$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null); [ -n "$st" ] && [ "$st" != Z ]; }

# stop_pid PID [NAME]: TERM, up to 30 s, then KILL; reaps it.  Only our own children, by id.
stop_pid() {
  local pid=$1 name=${2:-$1} i
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then log "$name ($pid) still alive after 30 s: KILL"; kill -KILL "$pid" 2>/dev/null; sleep 0.5; fi
  fi
  wait "$pid" 2>/dev/null
  untrack "$pid"
}

PG_STARTED=0
cleanup() {
  local i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do stop_pid "${PIDS[$i]}"; done
  if [ "$PG_STARTED" = 1 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -m fast -w stop >>"$LOGS/postgres-ctl.log" 2>&1 \
      || log "pg_ctl stop failed (see $LOGS/postgres-ctl.log)"
  fi
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

port_free() { ! ss -Htln "sport = :$1" | grep -q .; }

# wait_v2 URL PID TIMEOUT_S: until GET /v2/ answers 200 or 401; sets READY_S (seconds waited)
wait_v2() {
  local url=$1 pid=$2 t=$3 start code
  start=$(date +%s.%N)
  while :; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url/v2/" 2>/dev/null)
    case "$code" in 200|401)
      READY_S=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'); return 0 ;;
    esac
    alive "$pid" || { log "process $pid ended before $url/v2/ answered"; return 1; }
    if awk -v a="$start" -v b="$(date +%s.%N)" -v t="$t" 'BEGIN{exit !(b-a>t)}'; then
      log "$url/v2/ did not answer within $t s (last: $code)"; return 1
    fi
    sleep 0.25
  done
}

# CPU ticks (user+system) of a process; with 2nd arg 1 also of its reaped children
ticks() {
  local t
  t=$(awk -v c="${2:-0}" '{sub(/.*\) /, ""); print $12+$13+(c?$14+$15:0)}' "/proc/$1/stat" 2>/dev/null)
  echo "${t:-0}"
}
pg_ticks() {
  local pm t c
  pm=$(head -1 "$PGDIR/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  t=$(ticks "$pm" 1)
  for c in $(ps -o pid= --ppid "$pm"); do t=$(( t + $(ticks "$c") )); done
  echo "$t"
}
sum_ticks() { local t=0 p; for p in "$@"; do t=$(( t + $(ticks "$p") )); done; echo "$t"; }
secs() { awk -v t="$1" -v hz="$HZ" 'BEGIN{printf "%.1f", t/hz}'; }
hwm_mib() { awk '/VmHWM/{printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo NA; }

# ------------------------------------------------------------------------------------------------ shared services

[ -f "$S3_JAR" ] || die "$S3_JAR missing"
[ -f "$PROJECT/target/ROOT.war" ] || die "$PROJECT/target/ROOT.war missing (this script never builds)"
[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 not in $PGBIN"
for p in "$S3_PORT" "$PG_PORT"; do port_free "$p" || die "port $p is in use"; done

log "run $RUN_ID, work dir $WORK, configurations: $CONFIGS$([ "$SMOKE" = 1 ] && echo " (SMOKE)")"

cat > "$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=benchsecret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
EOF
(cd "$PROJECT" && exec java -Xmx1g -jar "$S3_JAR" --properties "$WORK/s3proxy.properties") >"$LOGS/s3proxy.log" 2>&1 &
S3_PID=$!; track "$S3_PID"
for i in $(seq 1 240); do
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$S3_PORT/" 2>/dev/null)
  [ "$code" != 000 ] && break
  alive "$S3_PID" || { cat "$LOGS/s3proxy.log" >&2; die "s3proxy ended"; }
  sleep 0.25
done
[ "$code" != 000 ] || die "s3proxy did not answer on :$S3_PORT"
log "s3proxy pid $S3_PID on :$S3_PORT (data $WORK/s3)"

mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"; chmod 700 "$PGDIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR" -A trust -U berth >"$LOGS/initdb.log" 2>&1 \
  || { cat "$LOGS/initdb.log" >&2; die "initdb failed"; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" \
  -o "-p $PG_PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=300" -w start >"$LOGS/postgres-ctl.log" 2>&1 \
  || { cat "$LOGS/postgres-ctl.log" "$PGDIR/server.log" >&2; die "PostgreSQL did not start"; }
PG_STARTED=1
log "PostgreSQL 15 on 127.0.0.1:$PG_PORT (data $PGDIR)"

createdb_() { "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U berth "$1" || { log "createdb $1 failed"; return 1; }; }

# make_bucket NAME: for the reference, which does not create its bucket (Berth does)
make_bucket() {
  local b=$1 code
  if command -v aws >/dev/null 2>&1; then
    env -u AWS_CA_BUNDLE -u AWS_PROFILE AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret \
      AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null \
      AWS_SHARED_CREDENTIALS_FILE=/dev/null aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 mb "s3://$b" >&2 && return 0
    log "aws s3 mb failed; trying curl --aws-sigv4"
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user bench:benchsecret \
         -X PUT "http://127.0.0.1:$S3_PORT/$b")
  [ "$code" = 200 ] || { log "create bucket $b: HTTP $code"; return 1; }
}

# ------------------------------------------------------------------------------------------------ servers

# start_berth NAME PORT DATA XMX DB BUCKET KEYFILE  (BUCKET, KEYFILE may be empty) -> LAST_PID (the JVM: run.sh execs java)
start_berth() {
  local name=$1 port=$2 data=$3 xmx=$4 db=$5 bucket=$6 keyfile=$7
  port_free "$port" || { log "port $port is in use"; return 1; }
  (
    cd "$PROJECT" || exit 1
    export BERTH_SKIP_BUILD=1 BERTH_PORT="$port" BERTH_DATA_DIR="$data" BERTH_ADMIN_PASSWORD="$PASS" \
      BERTH_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$db" BERTH_DB_USER=berth BERTH_JAVA_OPTS="-Xmx$xmx"
    if [ -n "$bucket" ]; then
      export BERTH_BLOB_STORE=s3 BERTH_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" BERTH_S3_BUCKET="$bucket" \
        BERTH_S3_ACCESS_KEY_ID=bench BERTH_S3_SECRET_ACCESS_KEY=benchsecret
    fi
    [ -n "$keyfile" ] && export BERTH_SERVER_KEY_FILE="$keyfile"
    exec server-config/run.sh
  ) >"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!; track "$LAST_PID"
  log "$name: run.sh pid $LAST_PID on :$port (log $LOGS/$name.log)"
}

start_haproxy() { # PORT BACKEND_PORT...
  local port=$1; shift
  port_free "$port" || { log "port $port is in use"; return 1; }
  {
    echo "global"
    echo "  maxconn 2000"
    echo "defaults"
    echo "  mode http"
    echo "  option http-server-close"
    echo "  timeout connect 5s"
    echo "  timeout client 900s"
    echo "  timeout server 900s"
    echo "  timeout http-request 60s"
    echo "frontend berth"
    echo "  bind 127.0.0.1:$port"
    echo "  default_backend berths"
    echo "backend berths"
    echo "  balance roundrobin"
    local i=0 p
    for p in "$@"; do i=$((i+1)); echo "  server b$i 127.0.0.1:$p"; done
  } >"$WORK/haproxy.cfg"
  /usr/sbin/haproxy -c -f "$WORK/haproxy.cfg" >"$LOGS/haproxy-check.log" 2>&1 \
    || { cat "$LOGS/haproxy-check.log" >&2; return 1; }
  /usr/sbin/haproxy -db -f "$WORK/haproxy.cfg" >"$LOGS/haproxy.log" 2>&1 &
  LAST_PID=$!; track "$LAST_PID"
  log "haproxy pid $LAST_PID on :$port -> $*"
}

start_reference() { # PORT BUCKET
  local port=$1 bucket=$2 bin
  bin=$(command -v docker-registry || command -v registry) || { log "docker-registry not installed (apt-get install -y docker-registry)"; return 1; }
  command -v htpasswd >/dev/null || { log "htpasswd not installed (apt-get install -y apache2-utils)"; return 1; }
  port_free "$port" || { log "port $port is in use"; return 1; }
  htpasswd -Bbn admin "$PASS" >"$WORK/htpasswd" || return 1
  cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  s3:
    regionendpoint: http://127.0.0.1:$S3_PORT
    bucket: $bucket
    region: us-east-1
    accesskey: bench
    secretkey: benchsecret
    forcepathstyle: true
    secure: false
    v4auth: true
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
  redirect:
    disable: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: reference
    path: $WORK/htpasswd
EOF
  # The S3 driver panics at start when AWS_CA_BUNDLE is set.
  env -u AWS_CA_BUNDLE "$bin" serve "$WORK/registry.yml" >"$LOGS/reference.log" 2>&1 &
  LAST_PID=$!; track "$LAST_PID"
  log "reference: docker-registry pid $LAST_PID on :$port, bucket $bucket"
}

# ------------------------------------------------------------------------------------------------ one configuration

# run_config LETTER: start, wait, bench, stop; results into $WORK/<cfg>.kv
run_config() {
  local letter=$1 cfg db bucket url pid="" servers=() lb="" ready="" t0 s0 p0 g0 l0 t1 rc=0 datas=() rss=""
  case "$letter" in
    a) cfg=berth-pg-s3 ;; b) cfg=berth-pg-fs ;; c) cfg=berth2-pg-s3 ;; d) cfg=reference-s3 ;;
    *) log "unknown configuration '$letter'"; return 1 ;;
  esac
  CFG=$cfg
  db="bench_${letter}_${RUN_ID//-/_}"
  bucket="bench-$letter-$RUN_ID"
  log "=== configuration $letter: $cfg"
  : >"$WORK/$cfg.kv"
  case "$letter" in
    a|b)
      createdb_ "$db" || return 1
      datas=("$WORK/data-$letter")
      start_berth "$cfg" 5200 "${datas[0]}" 512m "$db" "$([ "$letter" = a ] && echo "$bucket")" "" || return 1
      pid=$LAST_PID; servers=("$pid"); url=http://127.0.0.1:5200
      wait_v2 "$url" "$pid" 600 || { tail -30 "$LOGS/$cfg.log" >&2; return 1; }
      ready=$READY_S ;;
    c)
      createdb_ "$db" || return 1
      local keyfile="$WORK/keys-c/server.key"
      mkdir -p "$WORK/keys-c"; chmod 700 "$WORK/keys-c"
      (umask 077; head -c 32 /dev/urandom | base64 -w0 >"$keyfile")
      datas=("$WORK/data-c1" "$WORK/data-c2")
      # one after the other: the first creates the schema and the administrator, the second finds them
      start_berth "$cfg-1" 5201 "${datas[0]}" 384m "$db" "$bucket" "$keyfile" || return 1
      servers=("$LAST_PID")
      wait_v2 http://127.0.0.1:5201 "$LAST_PID" 600 || { tail -30 "$LOGS/$cfg-1.log" >&2; return 1; }
      ready=$READY_S
      start_berth "$cfg-2" 5202 "${datas[1]}" 384m "$db" "$bucket" "$keyfile" || return 1
      servers+=("$LAST_PID")
      wait_v2 http://127.0.0.1:5202 "$LAST_PID" 600 || { tail -30 "$LOGS/$cfg-2.log" >&2; return 1; }
      ready="$ready/$READY_S"
      start_haproxy 5203 5201 5202 || return 1
      lb=$LAST_PID; url=http://127.0.0.1:5203
      wait_v2 "$url" "$lb" 30 || return 1 ;;
    d)
      make_bucket "$bucket" || return 1
      start_reference "$REF_PORT" "$bucket" || return 1
      pid=$LAST_PID; servers=("$pid"); url=http://127.0.0.1:$REF_PORT
      wait_v2 "$url" "$pid" 60 || { tail -30 "$LOGS/reference.log" >&2; return 1; }
      ready=$READY_S ;;
  esac
  log "$cfg: ready after $ready s at $url"

  # the warm-up is not counted in the CPU figures below: they cover the measured run only
  if [ "$SMOKE" != 1 ]; then
    cd "$PROJECT" && log "$cfg: warm-up -> $OUT/$cfg-warmup.txt"
    "${BENCH[@]}" --url "$url" --user admin --password "$PASS" "${WARM_ARGS[@]}" >"$OUT/$cfg-warmup.txt" 2>&1 \
      || log "$cfg: warm-up exited non-zero (see $OUT/$cfg-warmup.txt); measuring anyway"
  fi
  s0=$(sum_ticks "${servers[@]}"); p0=$(ticks "$S3_PID"); g0=$(pg_ticks); l0=$([ -n "$lb" ] && ticks "$lb" || echo 0)
  t0=$(date +%s.%N)
  (
    cd "$PROJECT" || exit 1
    pidarg=(); [ -n "$pid" ] && pidarg=(--pid "$pid")
    if [ "$SMOKE" = 1 ]; then
      exec "${BENCH[@]}" --url "$url" --user admin --password "$PASS" "${SMOKE_ARGS[@]}" "${pidarg[@]}"
    fi
    exec "${BENCH[@]}" --url "$url" --user admin --password "$PASS" "${MEASURE_ARGS[@]}" \
      --repo-prefix "bench/$cfg" "${pidarg[@]}"
  ) >"$OUT/$cfg.txt" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  {
    echo "ready_s=$ready"
    echo "wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b-a}')"
    echo "reg_cpu_s=$(secs $(( $(sum_ticks "${servers[@]}") - s0 )))"
    echo "s3proxy_cpu_s=$( [ "$letter" = b ] && echo - || secs $(( $(ticks "$S3_PID") - p0 )) )"
    echo "pg_cpu_s=$( [ "$letter" = d ] && echo - || secs $(( $(pg_ticks) - g0 )) )"
    echo "haproxy_cpu_s=$( [ -n "$lb" ] && secs $(( $(ticks "$lb") - l0 )) || echo - )"
    for p in "${servers[@]}"; do rss="${rss:+$rss/}$(hwm_mib "$p")"; done
    echo "reg_peak_rss_mib=$rss"
    echo "bench_rc=$rc"
    grep '^RESULT ' "$OUT/$cfg.txt" | tail -1 | cut -d' ' -f2- | tr ' ' '\n'
  } >>"$WORK/$cfg.kv"
  log "$cfg: RegistryBench exited $rc ($OUT/$cfg.txt)"
  return $rc
}

stop_config() {
  local p
  # servers and the balancer: every process still tracked except the shared s3proxy
  for p in "${PIDS[@]}"; do [ "$p" = "$S3_PID" ] || stop_pid "$p"; done
  if [ "$KEEP_DATA" != 1 ]; then
    rm -rf "$WORK"/data-* "$WORK"/keys-* "$WORK/s3/bench-$1-$RUN_ID"
  fi
}

DONE=()
for letter in $CONFIGS; do
  CFG=$letter
  if run_config "$letter"; then log "$CFG: done"; else log "$CFG: FAILED (logs in $LOGS)"; echo "status=FAILED" >>"$WORK/$CFG.kv"; fi
  stop_config "$letter"
  DONE+=("$CFG")
done

# ------------------------------------------------------------------------------------------------ table

SUMMARY=$OUT/summary-$RUN_ID.txt
{
  echo
  echo "Berth scale-out bench $RUN_ID ($(nproc) cores)$([ "$SMOKE" = 1 ] && echo ', SMOKE run: figures meaningless')"
  echo "measured: ${MEASURE_ARGS[*]}; CPU = seconds used during the measured run (not the warm-up)"
  awk -v cfgs="${DONE[*]}" -v dir="$WORK" '
    BEGIN {
      n = split(cfgs, c, " ")
      for (i = 1; i <= n; i++) {
        f = dir "/" c[i] ".kv"
        while ((getline line < f) > 0) { k = substr(line, 1, index(line, "=") - 1); v[i, k] = substr(line, index(line, "=") + 1) }
        close(f)
      }
      m = split("ready_s:start to ready, s|mono_mibps:push mono MiB/s|chunk_mibps:push 64MiB chunks MiB/s|stream_mibps:push stream MiB/s|" \
                "mono_cpu_s_per_gib:server CPU s/GiB mono|stream_cpu_s_per_gib:server CPU s/GiB stream|" \
                "get_c16_rps:manifest GET c16 req/s|get_c64_rps:manifest GET c64 req/s|head_c16_rps:manifest HEAD c16 req/s|" \
                "head_c64_rps:manifest HEAD c64 req/s|get_c16_p99_ms:GET c16 p99 ms|get_c64_p99_ms:GET c64 p99 ms|" \
                "get_c64_cpu_us_per_req:server CPU us/GET c64|errors:manifest errors (all runs)|reg_cpu_s:registry CPU s|" \
                "s3proxy_cpu_s:s3proxy CPU s|pg_cpu_s:PostgreSQL CPU s|haproxy_cpu_s:HAProxy CPU s|reg_peak_rss_mib:registry peak RSS MiB|" \
                "wall_s:measured run wall s|bench_rc:RegistryBench exit|status:status", rows, "|")
      printf "%-30s", ""; for (i = 1; i <= n; i++) printf " %16s", c[i]; printf "\n"
      for (r = 1; r <= m; r++) {
        split(rows[r], kv, ":"); k = kv[1]
        line = sprintf("%-30s", kv[2]); any = 0
        for (i = 1; i <= n; i++) {
          if (k == "errors") {
            e = ""; for (key in v) { split(key, p, SUBSEP); if (p[1] == i && p[2] ~ /_errors$/) e += v[key] }
            x = (e == "" ? "" : e)
          } else x = ((i, k) in v) ? v[i, k] : ""
          if (k == "status" && x == "") x = ((i, "bench_rc") in v && v[i, "bench_rc"] == 0) ? "ok" : "FAILED"
          if (x != "") any = 1
          line = line sprintf(" %16s", x == "" ? "NA" : x)
        }
        if (any) print line
      }
    }'
  echo "details: $OUT/<config>.txt, $OUT/<config>-warmup.txt, logs $LOGS"
} | tee "$SUMMARY"
