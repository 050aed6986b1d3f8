# Shared by scripts/verify-*: real agent processes (the shaded agent jar with SIMULATE_GPUS) against the real
# backend (scripts/lib/bench.sh), and the count check of what the agents collected against gpu_metrics.
# Source after common.sh and bench.sh. Everything lives under $VERIFY_DIR (agent-N/run-M.log, agent-N/run-M.json,
# agent-N/outbox); a script may set VERIFY_DIR, VERIFY_GPUS and VERIFY_AGENT_ENV after sourcing this.
#
# What an agent collected comes from the agent itself: its run record (run.json in its outbox, agent/README.md,
# "Accounting"), written at start and again at a normal stop (SIGTERM), which stop_agent keeps as run-M.json. A
# run ended with kill -9 keeps its start record: its batches are its first seq up to the highest <seq>.json left
# in its outbox, which kill_agent adds to the record (valid while the backend is unreachable, so the newest batch
# cannot have been acknowledged and removed).

VERIFY_DIR=.run/verify
VERIFY_GPUS=8
# The service's flags (agent/README.md).
VERIFY_AGENT_JAVA_OPTS=(-Xms4m -Xmx32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC
    -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=32m -Xss256k
    -XX:-UsePerfData)
VERIFY_AGENT_ENV=()  # NAME=value settings for every agent, e.g. METRICS_INTERVAL_SECS=1
VERIFY_AGENTS=0
VERIFY_OTHER_PIDS=()  # helper processes (probes) to stop at the end
declare -a VERIFY_WORKER_IDS VERIFY_TOKENS VERIFY_AGENT_PIDS VERIFY_AGENT_RUNS VERIFY_AGENT_URLS

# Builds the WAR and the agent, creates a fresh database, starts the backend on PORT; everything started is
# stopped on exit.
verify_setup() {  # PORT
    verify_prepare
    start_backend_process "$1"
    echo "Backend ready on port $1 (database $BENCH_DATABASE); $(nproc) CPU cores shared by everything."
}

# verify_setup without starting the backend. DATABASE defaults to trulience_verify; TRULIENCE_TEST_DB_SUFFIX is
# appended.
verify_prepare() {  # [DATABASE]
    BENCH_RUN_DIR=$VERIFY_DIR
    rm -rf "$VERIFY_DIR"
    mkdir -p "$VERIFY_DIR"
    trap verify_cleanup EXIT
    require_build_tools
    require_tools curl:curl jq:jq psql:postgresql-client createdb:postgresql-client dropdb:postgresql-client ss:iproute2
    ensure_postgres
    if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then  # a measurement under /work/bin/quiet: the build ran before it
        [ -f webapp/target/trulience.war ] && agent_jar >/dev/null || fail "BENCH_SKIP_BUILD=1 but nothing is built"
    else
        echo "Building (log: $VERIFY_DIR/build.log) ..."
        { bench_build && mvn -B -q --no-transfer-progress -pl agent -am -DskipTests package; } > "$VERIFY_DIR/build.log" 2>&1 \
            || { tail -n 40 "$VERIFY_DIR/build.log"; fail "the build failed"; }
    fi
    VERIFY_AGENT_JAR=$(agent_jar)
    bench_fresh_database "${1:-trulience_verify}${TRULIENCE_TEST_DB_SUFFIX:+_$TRULIENCE_TEST_DB_SUFFIX}"
}

verify_cleanup() {  # every step may fail (the process is gone already): none may stop the others
    local i pid
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        if [ -n "${VERIFY_AGENT_PIDS[i]:-}" ]; then
            kill "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
            kill -CONT "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true  # a paused agent acts on the TERM only once resumed
            wait "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
        fi
    done
    stop_every_backend_process
    for pid in ${VERIFY_RELAY_PID:-} "${VERIFY_OTHER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# A TCP relay (the test suite's TcpProxy) on PORT in front of PostgreSQL; the backend started afterwards uses it.
start_postgres_relay() {  # PORT
    local line
    coproc VERIFY_RELAY { exec java -Xmx64m -cp "$BENCH_CLASSPATH" com.trulience.bench.PostgresRelay --port "$1" --target-port "$PG_PORT"; }
    read -r -t 60 -u "${VERIFY_RELAY[0]}" line || fail "the relay did not start"
    echo "PostgreSQL relay: $line -> $PG_HOST:$PG_PORT"
    BENCH_BACKEND_JDBC_URL="jdbc:postgresql://127.0.0.1:$1/$BENCH_DATABASE"
}

relay() {  # cut | restore: waits until done
    local answer
    echo "$1" >&"${VERIFY_RELAY[1]}"
    read -r -t 30 -u "${VERIFY_RELAY[0]}" answer || fail "the relay did not answer '$1'"
    case $1 in cut) [ "$answer" = cut ] ;; restore) [ "$answer" = restored ] ;; esac || fail "relay: $answer"
}

now() { date +%s.%N; }

sql() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$BENCH_DATABASE" -tAq -c "$1"; }

# Polls COMMAND once a second until it succeeds; fails the script after SECONDS.
wait_for() {  # DESCRIPTION SECONDS COMMAND...
    local description=$1 seconds=$2 waited
    shift 2
    for waited in $(seq 0 "$seconds"); do
        "$@" && return 0
        [ "$waited" -lt "$seconds" ] && sleep 1
    done
    fail "timed out after $seconds s waiting for: $description"
}

# Registers worker I (verify-I) through the admin API of BENCH_URL.
register_worker() {  # I
    local response
    response=$(curl -sf --max-time 10 -u "admin:$BENCH_ADMIN_PASSWORD" -H 'Content-Type: application/json' \
        -d "{\"name\":\"verify-$1\"}" "${BENCH_URL}api/v1/admin/workers") || fail "registering worker $1 failed"
    VERIFY_WORKER_IDS[$1]=$(jq -r .id <<<"$response")
    VERIFY_TOKENS[$1]=$(jq -r .token <<<"$response")
    [ "$1" -le "$VERIFY_AGENTS" ] || VERIFY_AGENTS=$1
}

# Registers COUNT workers and starts an agent for each; waits until the backend has every one online.
start_agents() {  # COUNT
    local i
    for i in $(seq 1 "$1"); do
        register_worker "$i"
        start_agent "$i"
    done
    wait_for "every agent connected" 180 every_worker_online
}

every_worker_online() {
    local IFS=,
    [ "$(sql "SELECT count(*) FROM workers WHERE online AND id IN (${VERIFY_WORKER_IDS[*]})")" -eq "$VERIFY_AGENTS" ]
}

# Starts agent I (again, on the same outbox) against VERIFY_AGENT_URLS[I] (default: BENCH_URL's /ws/metrics); each
# run logs to its own file. Started once its run record says so.
start_agent() {  # I
    local i=$1 dir="$VERIFY_DIR/agent-$1"
    VERIFY_AGENT_RUNS[i]=$(( ${VERIFY_AGENT_RUNS[i]:-0} + 1 ))
    mkdir -p "$dir"
    rm -f "$dir/outbox/run.json"
    # env -i: no setting of this shell (a stray BUFFER_DIR, NVML_LIBRARY) reaches the agent. exec all the way
    # down: $! is the agent's JVM.
    (cd "$dir" && exec env -i PATH="$PATH" HOME="$HOME" BACKEND_WS_URL="${VERIFY_AGENT_URLS[i]:-${BENCH_URL/http/ws}ws/metrics}" \
        WORKER_ID="${VERIFY_WORKER_IDS[i]}" AGENT_TOKEN="${VERIFY_TOKENS[i]}" SIMULATE_GPUS="$VERIFY_GPUS" \
        BUFFER_DIR="$PWD/outbox" ALLOWED_SERVICES=none "${VERIFY_AGENT_ENV[@]}" \
        java "${VERIFY_AGENT_JAVA_OPTS[@]}" -jar "$VERIFY_AGENT_JAR" 2> "run-${VERIFY_AGENT_RUNS[i]}.log") &
    VERIFY_AGENT_PIDS[i]=$!
    wait_for "agent $i started" 60 agent_record_says "$i" running
}

agent_log() {  # I: the log of its current run
    echo "$VERIFY_DIR/agent-$1/run-${VERIFY_AGENT_RUNS[$1]}.log"
}

# True when agent I's run record is its current process's and in STATE (running | stopped).
agent_record_says() {  # I STATE
    jq -e --argjson pid "${VERIFY_AGENT_PIDS[$1]}" --arg state "$2" '.pid == $pid and .state == $state' \
        "$VERIFY_DIR/agent-$1/outbox/run.json" >/dev/null 2>&1
}

agent_record() {  # I FIELD: a field of agent I's run record (run.json in its outbox)
    jq -r ".$2" "$VERIFY_DIR/agent-$1/outbox/run.json"
}

every_agent_logged() {  # TEXT
    local i
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        grep -qF "$1" "$(agent_log "$i")" || return 1
    done
}

every_agent_alive() {
    local i
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        kill -0 "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || { echo "agent $i is not running" >&2; return 1; }
    done
}

outbox_seqs() {  # I: the seqs in agent I's outbox, ascending
    find "$VERIFY_DIR/agent-$1/outbox" -maxdepth 1 -name '[0-9]*.json' -printf '%f\n' | sed 's/\.json$//; s/^0*//' | sort -n
}

outbox_size() {  # I
    outbox_seqs "$1" | wc -l
}

# True when every agent's outbox holds at most MAX batches (the newest may be on its way).
every_outbox_at_most() {  # MAX
    local i
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        [ "$(outbox_size "$i")" -le "$1" ] || return 1
    done
}

# kill -9 of agent I; keeps its start record with the highest seq left in its outbox (see the top of this file).
kill_agent() {  # I
    local i=$1 highest
    kill -9 "${VERIFY_AGENT_PIDS[i]}"
    wait "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
    agent_record_says "$i" running || fail "agent $i left no start record"
    VERIFY_AGENT_PIDS[i]=
    highest=$(outbox_seqs "$i" | tail -n 1)
    jq --argjson highest "${highest:-0}" '. + {state: "killed", highest_seq_left: $highest}' \
        "$VERIFY_DIR/agent-$i/outbox/run.json" > "$VERIFY_DIR/agent-$i/run-${VERIFY_AGENT_RUNS[i]}.json"
}

# SIGTERM, as a service manager stops it; keeps its stop record as run-M.json.
stop_agent() {  # I
    local i=$1
    kill "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true  # stop_agents may have signalled it already
    kill -CONT "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
    wait "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
    agent_record_says "$i" stopped || fail "agent $i wrote no stop record: $(tail -n 5 "$(agent_log "$i")")"
    VERIFY_AGENT_PIDS[i]=
    cp "$VERIFY_DIR/agent-$i/outbox/run.json" "$VERIFY_DIR/agent-$i/run-${VERIFY_AGENT_RUNS[i]}.json"
}

stop_agents() {  # every agent still running
    local i
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        [ -z "${VERIFY_AGENT_PIDS[i]:-}" ] || kill "${VERIFY_AGENT_PIDS[i]}" 2>/dev/null || true
    done
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        [ -z "${VERIFY_AGENT_PIDS[i]:-}" ] || stop_agent "$i"
    done
}

# Epoch seconds of the first line of agent I's current run that contains TEXT and was logged at or after EPOCH;
# nothing when there is none. (When the agent reconnected is an event of its log, not of its run record.)
first_logged_after() {  # I TEXT EPOCH
    local since
    since=$(date -u -d "@$3" +%Y-%m-%dT%H:%M:%S.%3NZ)
    awk -v since="$since" -v text="$2" '$1 >= since && index($0, text) { print $1; exit }' "$(agent_log "$1")" \
        | xargs -r -I{} date -u -d {} +%s.%N
}

every_agent_logged_after() {  # TEXT EPOCH
    local i
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        [ -n "$(first_logged_after "$i" "$1" "$2")" ] || return 1
    done
}

# Sum of FIELD over every run record the agents left (after stop_agents).
runs_total() {  # FIELD
    jq -s "map(.$1 // 0) | add // 0" "$VERIFY_DIR"/agent-*/run-*.json
}

# The end of every script: waits until the agents have sent what they hold, stops them, and runs count_check.
drain_stop_and_count() {
    wait_for "every outbox sent (at most the newest batch pending)" 180 every_outbox_at_most 1
    stop_agents
    count_check
}

# Sleeps SECONDS, failing early when an agent dies meanwhile.
sleep_checking_agents() {  # SECONDS
    local until
    until=$(( $(date +%s) + $1 ))
    while [ "$(date +%s)" -lt "$until" ]; do
        every_agent_alive || fail "an agent died; see $VERIFY_DIR/agent-*/run-*.log"
        sleep $(( until - $(date +%s) < 10 ? until - $(date +%s) : 10 ))
    done
}

# How many of the batches in agent I's outbox have no row in gpu_metrics (the agent sends them at its next start).
unstored_outbox_batches() {  # I
    local seq timestamp rows unstored=0
    for seq in $(outbox_seqs "$1"); do
        timestamp=$(jq -r .timestamp "$(printf '%s/agent-%s/outbox/%019d.json' "$VERIFY_DIR" "$1" "$seq")")
        rows=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$BENCH_DATABASE" -At -v worker="${VERIFY_WORKER_IDS[$1]}" \
            -v at="$timestamp" <<<"SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = :worker AND recorded_at = :'at'")
        if [ "$rows" -eq 0 ]; then unstored=$(( unstored + 1 )); fi
    done
    echo "$unstored"
}

# The one counting rule, in GPU samples, of agent I's runs: "collected dropped maybe". A stopped run says what it
# collected and dropped, and how many of the dropped it had sent (maybe stored: only the ack lost when the
# backend went); a killed run collected its first seq up to the highest batch it left.
agent_collected_and_dropped() {  # I
    jq -rs --argjson gpus "$VERIFY_GPUS" 'map(if .state == "stopped"
            then {c: .gpu_samples_collected, d: (.batches_dropped * $gpus), m: (.batches_dropped_after_sending * $gpus)}
            else {c: (([.highest_seq_left - .first_seq + 1, 0] | max) * $gpus), d: 0, m: 0} end)
        | "\(map(.c) | add) \(map(.d) | add) \(map(.m) | add)"' "$VERIFY_DIR/agent-$1"/run-*.json
}

# Accounts for every GPU sample the agents collected and compares with gpu_metrics (after stop_agents). Sets
# VERIFY_COLLECTED, VERIFY_DROPPED, VERIFY_LEFT, VERIFY_EXPECTED (= collected - dropped - left), VERIFY_STORED,
# VERIFY_DROPPED_STORED (rows of dropped batches that had been sent: stored, their ack lost; at most what the
# agents' records allow), VERIFY_MISSING, VERIFY_UNEXPECTED, VERIFY_DUPLICATED (all in rows, i.e. GPU samples)
# and prints them.
count_check() {
    local i runs collected dropped maybe left expected stored distinct extra
    declare -A stored_rows distinct_rows
    while read -r worker count unique; do
        stored_rows[$worker]=$count
        distinct_rows[$worker]=$unique
    done < <(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$BENCH_DATABASE" -At -F ' ' -c \
        "SELECT worker_id, COUNT(*), COUNT(DISTINCT (recorded_at, gpu_index)) FROM gpu_metrics GROUP BY worker_id")
    VERIFY_COLLECTED=0 VERIFY_DROPPED=0 VERIFY_LEFT=0 VERIFY_EXPECTED=0 VERIFY_STORED=0
    VERIFY_MISSING=0 VERIFY_UNEXPECTED=0 VERIFY_DUPLICATED=0 VERIFY_DROPPED_STORED=0
    for i in $(seq 1 "$VERIFY_AGENTS"); do
        runs=$(find "$VERIFY_DIR/agent-$i" -maxdepth 1 -name 'run-*.json' | wc -l)
        [ "$runs" -eq "${VERIFY_AGENT_RUNS[i]}" ] || fail "agent $i: $runs run records for ${VERIFY_AGENT_RUNS[i]} runs"
        read -r collected dropped maybe < <(agent_collected_and_dropped "$i")
        # The batches still in the outbox; one may be stored already, its ack cut off by the stop.
        left=$(( $(unstored_outbox_batches "$i") * VERIFY_GPUS ))
        expected=$(( collected - dropped - left ))
        stored=${stored_rows[${VERIFY_WORKER_IDS[i]}]:-0}
        distinct=${distinct_rows[${VERIFY_WORKER_IDS[i]}]:-0}
        VERIFY_COLLECTED=$(( VERIFY_COLLECTED + collected ))
        VERIFY_DROPPED=$(( VERIFY_DROPPED + dropped ))
        VERIFY_LEFT=$(( VERIFY_LEFT + left ))
        VERIFY_EXPECTED=$(( VERIFY_EXPECTED + expected ))
        VERIFY_STORED=$(( VERIFY_STORED + stored ))
        VERIFY_DUPLICATED=$(( VERIFY_DUPLICATED + stored - distinct ))
        extra=$(( distinct - expected ))
        if (( extra > 0 && extra <= maybe )); then
            VERIFY_DROPPED_STORED=$(( VERIFY_DROPPED_STORED + extra ))
        elif (( distinct != expected )); then
            echo "  agent $i (worker ${VERIFY_WORKER_IDS[i]}): expected $expected rows, $distinct distinct stored" >&2
            if (( distinct < expected )); then
                VERIFY_MISSING=$(( VERIFY_MISSING + expected - distinct ))
            else
                VERIFY_UNEXPECTED=$(( VERIFY_UNEXPECTED + distinct - expected ))
            fi
        fi
    done
    echo "Count check: $VERIFY_AGENTS agents collected $VERIFY_COLLECTED GPU samples; dropped by the agents $VERIFY_DROPPED;" \
        "left unsent in their outboxes at stop $VERIFY_LEFT; expected $VERIFY_EXPECTED rows; stored $VERIFY_STORED" \
        "($VERIFY_DROPPED_STORED of them dropped after sending, their ack lost);" \
        "missing $VERIFY_MISSING, unexpected $VERIFY_UNEXPECTED, duplicated $VERIFY_DUPLICATED"
}

count_check_passed() {
    [ "$VERIFY_MISSING" -eq 0 ] && [ "$VERIFY_UNEXPECTED" -eq 0 ] && [ "$VERIFY_DUPLICATED" -eq 0 ] && [ "$VERIFY_EXPECTED" -gt 0 ]
}
