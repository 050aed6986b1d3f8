# Shared by the backend benchmarks and scripts/verify-*: build, a fresh database, the backend on it, and the test
# classpath. After start_bench_backend: BENCH_URL, BENCH_JDBC_URL, BENCH_ADMIN_PASSWORD, BENCH_CLASSPATH are set.
# The steps are separate functions so that the fault scripts can stop and start the same backend again.

BENCH_RUN_DIR=${BENCH_RUN_DIR:-.run/bench}
BENCH_BACKEND_PID=
BENCH_BACKEND_PIDS=()  # every backend started, for cleanup
BENCH_BACKEND_ENV=()   # NAME=value settings for the backends started from now on
BENCH_BACKEND_JAVA_OPTS=()  # JVM options for the backends started from now on (e.g. -DjvmRoute=node-a)
BENCH_BACKEND_MICRO_ARGS=()  # Payara Micro options for the backends started from now on (e.g. --accesslog DIR)
BENCH_READY_SECS=180

bench_build() {
    echo "Building ..."
    mvn -B -q --no-transfer-progress -pl webapp -am -DskipTests package test-compile
    mvn -B -q --no-transfer-progress -pl webapp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
    BENCH_CLASSPATH="webapp/target/test-classes:webapp/target/classes:$(cat webapp/target/bench.classpath)"
}

bench_fresh_database() {  # DATABASE
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$1" 2>/dev/null
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$1"
    BENCH_DATABASE=$1
    BENCH_JDBC_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$1"
    BENCH_ADMIN_PASSWORD=${BENCH_ADMIN_PASSWORD:-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_')}
}

# Starts the WAR on Payara Micro and waits (BENCH_READY_SECS) until /health/ready says the database is UP; sets
# BENCH_URL and BENCH_BACKEND_PID. The backend's JDBC URL is BENCH_BACKEND_JDBC_URL when set (e.g. through a
# relay), else BENCH_JDBC_URL. NAME (default backend) names its log, appended to, and its Payara root directory.
start_backend_process() {  # PORT [NAME]
    local port=$1 name=${2:-backend}
    # Else the readiness check below could be answered by another process, e.g. a backend an earlier run left.
    [ -z "$(ss -Hltn "( sport = :$port )")" ] || fail "port $port is in use: $(ss -Hltnp "( sport = :$port )")"
    mkdir -p "$BENCH_RUN_DIR"
    BENCH_URL="http://127.0.0.1:$port/"
    rm -rf "$BENCH_RUN_DIR/$name-payara"  # never the application exploded there by an earlier run (see scripts/run)
    env TRULIENCE_DB_USER="${TRULIENCE_DB_USER:-postgres}" TRULIENCE_DB_PASSWORD="${TRULIENCE_DB_PASSWORD:-unused-with-trust-auth}" \
        "${BENCH_BACKEND_ENV[@]}" TRULIENCE_DB_URL="${BENCH_BACKEND_JDBC_URL:-$BENCH_JDBC_URL}" \
        TRULIENCE_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" java -Xmx512m -XX:+UseSerialGC "${BENCH_BACKEND_JAVA_OPTS[@]}" -jar webapp/target/payara-micro.jar \
        "${MICRO_POOL_ARGS[@]}" "${BENCH_BACKEND_MICRO_ARGS[@]}" --deploy webapp/target/trulience.war --contextroot / --port "$port" --nocluster --disablephonehome \
        --rootdir "$BENCH_RUN_DIR/$name-payara" >> "$BENCH_RUN_DIR/$name.log" 2>&1 &
    BENCH_BACKEND_PID=$!
    BENCH_BACKEND_PIDS+=("$!")
    for second in $(seq 1 "$BENCH_READY_SECS"); do
        backend_is_ready && return 0
        kill -0 "$BENCH_BACKEND_PID" 2>/dev/null || { tail -n 30 "$BENCH_RUN_DIR/$name.log"; fail "backend $name exited"; }
        [ "$second" -eq "$BENCH_READY_SECS" ] && fail "backend $name not ready within $BENCH_READY_SECS s"
        sleep 1
    done
}

backend_is_ready() {
    curl -s --max-time 5 "${BENCH_URL}health/ready" | grep -q '"name":"database","status":"UP"'
}

stop_backend_process() {  # SIGTERM, then SIGKILL after 30 s
    [ -n "$BENCH_BACKEND_PID" ] || return 0
    kill "$BENCH_BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do
        kill -0 "$BENCH_BACKEND_PID" 2>/dev/null || break
        sleep 1
    done
    kill -9 "$BENCH_BACKEND_PID" 2>/dev/null || true
    wait "$BENCH_BACKEND_PID" 2>/dev/null || true
    BENCH_BACKEND_PID=
}

stop_every_backend_process() {
    local pid
    for pid in "${BENCH_BACKEND_PIDS[@]}"; do
        BENCH_BACKEND_PID=$pid
        if kill -0 "$pid" 2>/dev/null; then stop_backend_process; fi
    done
    BENCH_BACKEND_PID=
}

start_bench_backend() {  # DATABASE PORT
    bench_build
    bench_fresh_database "$1"
    mkdir -p "$BENCH_RUN_DIR"
    : > "$BENCH_RUN_DIR/backend.log"
    trap stop_backend_process EXIT
    start_backend_process "$2"
    echo "Backend ready on port $2 (database $1). CPU: $(nproc) cores; backend, PostgreSQL and the load share them."
}

# The scripts' options: --name N, whole numbers, into the variable of the same name with underscores
# (--outage-secs 60 sets outage_secs=60); only the names in ALLOWED. --help prints the script's header comment.
parse_number_options() {  # "ALLOWED NAMES" ARGS...
    local allowed=" $1 " name
    shift
    while [ $# -gt 0 ]; do
        if [ "$1" = --help ]; then
            sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
        fi
        name=${1#--}
        [[ $1 == --* && $allowed == *" $name "* ]] || fail "unknown option $1 (see --help)"
        [[ ${2:-} =~ ^[0-9]+$ ]] || fail "$1 needs a whole number"
        printf -v "${name//-/_}" '%s' "$2"
        shift 2
    done
}
