# Shared by the backend benchmarks: build, a fresh database, the backend on it, and the test classpath.
# After start_bench_backend: BENCH_URL, BENCH_JDBC_URL, BENCH_ADMIN_PASSWORD, BENCH_CLASSPATH are set.

start_bench_backend() {  # DATABASE PORT
    local db=$1 port=$2 run_dir=.run/bench
    mkdir -p "$run_dir"
    echo "Building ..."
    mvn -B -q --no-transfer-progress -pl webapp -am -DskipTests package test-compile
    mvn -B -q --no-transfer-progress -pl webapp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
    BENCH_CLASSPATH="webapp/target/test-classes:webapp/target/classes:$(cat webapp/target/bench.classpath)"

    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$db" 2>/dev/null
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$db"
    BENCH_JDBC_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
    BENCH_ADMIN_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_')
    BENCH_URL="http://127.0.0.1:$port/"

    rm -rf "$run_dir/payara"  # never the application exploded there by an earlier run (see scripts/run)
    TRULIENCE_DB_URL="$BENCH_JDBC_URL" TRULIENCE_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
        java -Xmx512m -XX:+UseSerialGC -jar webapp/target/payara-micro.jar --deploy webapp/target/trulience.war \
        --contextroot / --port "$port" --nocluster --disablephonehome --rootdir "$run_dir/payara" > "$run_dir/backend.log" 2>&1 &
    BENCH_BACKEND_PID=$!
    trap 'kill $BENCH_BACKEND_PID 2>/dev/null; wait $BENCH_BACKEND_PID 2>/dev/null || true' EXIT
    for second in $(seq 1 180); do
        curl -s "${BENCH_URL}health/ready" | grep -q '"name":"database","status":"UP"' && break
        kill -0 "$BENCH_BACKEND_PID" 2>/dev/null || { tail -n 30 "$run_dir/backend.log"; fail "backend exited"; }
        [ "$second" -eq 180 ] && fail "backend not ready within 180 s"
        sleep 1
    done
    echo "Backend ready on port $port (database $db). CPU: $(nproc) cores; backend, PostgreSQL and the load share them."
}
