# Shared by scripts/run and scripts/test: checks for the tools the project needs, and PostgreSQL.

PG_HOST=127.0.0.1
PG_PORT=5432

fail() {
    echo "error: $*" >&2
    exit 1
}

require_build_tools() {
    command -v java >/dev/null || fail "Java 17 is not installed. On Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless"
    command -v mvn >/dev/null || fail "Maven is not installed. On Debian/Ubuntu: sudo apt-get install -y maven"
    local major
    major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    [ "$major" = "17" ] || fail "Java 17 is required (Payara Micro 6 misbehaves on newer Java); 'java' is version $major. Set JAVA_HOME/PATH to a JDK 17."
}

# Each TOOL:PACKAGE must be on PATH; the message names the Debian/Ubuntu package that has it.
require_tools() {  # TOOL:PACKAGE...
    local entry
    for entry in "$@"; do
        command -v "${entry%%:*}" >/dev/null || fail "${entry%%:*} is not installed. On Debian/Ubuntu: sudo apt-get install -y ${entry#*:}"
    done
}

postgres_is_up() {
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null
}

# Starts the machine's PostgreSQL cluster when it is down; says exactly what to do when there is none.
ensure_postgres() {
    command -v pg_isready >/dev/null || fail "PostgreSQL is not installed. On Debian/Ubuntu: sudo apt-get install -y postgresql (then run this again)"
    postgres_is_up && return 0
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || fail "PostgreSQL client tools exist but no server cluster does. On Debian/Ubuntu: sudo apt-get install -y postgresql"
    echo "PostgreSQL on $PG_HOST:$PG_PORT is down; starting cluster $version/main ..." >&2
    if [ "$(id -u)" -eq 0 ]; then
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
    else
        sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start \
            || fail "could not start PostgreSQL; run: sudo pg_ctlcluster $version main start"
    fi
    for _ in $(seq 1 30); do
        postgres_is_up && return 0
        sleep 1
    done
    fail "PostgreSQL did not come up on $PG_HOST:$PG_PORT within 30 s (see /var/log/postgresql/)"
}

# The browser tests (DashboardIT) drive Debian's Chromium through its chromedriver; without them they skip.
ensure_chromium() {
    [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Chromium is missing, so the browser tests will be skipped. To run them: sudo apt-get update && sudo apt-get install -y chromium chromium-driver" >&2
        return 0
    fi
    echo "Installing Chromium and chromedriver for the browser tests ..." >&2
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver \
        || echo "Could not install Chromium; the browser tests will be skipped." >&2
}

# The runnable agent jar (agent/target also holds its -tests.jar, which the webapp's ITs use).
agent_jar() {
    ls "$PWD"/agent/target/trulience-agent-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -n 1
}

# PrometheusIT lints a real scrape with promtool (Debian's prometheus package); without it that one test skips.
ensure_promtool() {
    command -v promtool >/dev/null && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "promtool is missing, so PrometheusIT's lint of a scrape will be skipped. To run it: sudo apt-get install -y prometheus" >&2
        return 0
    fi
    echo "Installing Prometheus (for promtool) for PrometheusIT ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus \
        || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus; } \
        || echo "Could not install prometheus; PrometheusIT's promtool test will be skipped." >&2
}

# Payara Micro gets the application's pool the way a full server does: the driver as a server library and the pool
# plus resource jdbc/trulience created by post-boot asadmin commands, which read TRULIENCE_DB_* from the environment
# (export them first: see micro_db_defaults). The pre-boot commands set up the HTTP listener before it opens: no h2c,
# idle connections closed after 30 s (server-config/README.md).
MICRO_POOL_ARGS=(--addlibs webapp/target/postgresql.jar --prebootcommandfile server-config/payara-micro-http.asadmin
    --postbootcommandfile server-config/payara-micro-pool.asadmin)

# The defaults README.md documents, for the post-boot commands' ${ENV=...} references (an unset one stays literal).
micro_db_defaults() {
    export TRULIENCE_DB_URL=${TRULIENCE_DB_URL:-jdbc:postgresql://$PG_HOST:$PG_PORT/trulience}
    export TRULIENCE_DB_USER=${TRULIENCE_DB_USER:-postgres}
    export TRULIENCE_DB_PASSWORD=${TRULIENCE_DB_PASSWORD:-unused-with-trust-auth}
}
