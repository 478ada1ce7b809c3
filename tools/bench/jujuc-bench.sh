#!/usr/bin/env bash
# jujuc-bench.sh: times one hook-tool call (`config-get --format=json`) through mlobs-jujuc and a
# HookToolServer, against `/bin/true` and the shell fake tool of tools/fake-hook-tools (and,
# optionally, a baseline mlobs-jujuc). Prints the median, p90, min and max of each in ms. See --help.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tools/bench/jujuc-bench.sh [--runs N] [--warmup N] [--no-publish] [--baseline BINARY] [--help]

Publishes tools/MlObs.JujuC Native AOT into artifacts/bench/jujuc, starts a HookToolServer (a
throw-away file-based `dotnet run` app in a temp dir that references src/MlObs.Ops.Testing) on a
unix socket, links config-get to mlobs-jujuc and to tools/fake-hook-tools/fake-hook-tool, and
times N sequential calls of each, plus `/bin/true`, from this bash loop with $EPOCHREALTIME.
Every call runs under `env -i` with only the variables the tool needs. The programs take turns,
one call each per round, so a burst of load from elsewhere slows all of them alike.

  --runs N       timed calls per program (default 50, 20..1000)
  --warmup N     untimed calls per program first (default 5, 0..100)
  --no-publish   reuse artifacts/bench/jujuc/mlobs-jujuc
  --baseline BINARY
                 also time this mlobs-jujuc (say, one published from an older commit) against
                 the same server, for a before/after in one run
  --help         this text
USAGE
}

die() {
    echo "jujuc-bench: $*" >&2
    exit 2
}

runs=50
warmup=5
publish=1
baseline=
while (($# > 0)); do
    case $1 in
        --runs) [[ $# -ge 2 ]] || die "--runs needs a number"; runs=$2; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --warmup) [[ $# -ge 2 ]] || die "--warmup needs a number"; warmup=$2; shift 2 ;;
        --warmup=*) warmup=${1#*=}; shift ;;
        --no-publish) publish=0; shift ;;
        --baseline) [[ $# -ge 2 ]] || die "--baseline needs a binary"; baseline=$2; shift 2 ;;
        --baseline=*) baseline=${1#*=}; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $runs =~ ^[0-9]+$ ]] && ((runs >= 20 && runs <= 1000)) || die "--runs must be 20..1000, got '$runs'"
[[ $warmup =~ ^[0-9]+$ ]] && ((warmup <= 100)) || die "--warmup must be 0..100, got '$warmup'"
if [[ -n $baseline ]]; then
    [[ -x $baseline ]] || die "--baseline $baseline is not an executable"
    baseline=$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
publish_dir="$repo_root/artifacts/bench/jujuc"
client="$publish_dir/mlobs-jujuc"
if ((publish)); then
    echo "publishing tools/MlObs.JujuC (Native AOT, linux-x64) into artifacts/bench/jujuc ..." >&2
    mkdir -p "$publish_dir"
    log="$publish_dir/publish.log"
    dotnet publish "$repo_root/tools/MlObs.JujuC/MlObs.JujuC.csproj" -c Release -r linux-x64 \
        -o "$publish_dir" -nodeReuse:false -p:UseSharedCompilation=false >"$log" 2>&1 ||
        { cat "$log" >&2; die "dotnet publish failed (log: $log)"; }
fi
[[ -x $client ]] || die "no $client; run without --no-publish"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlobs-jujuc-bench.XXXXXX")
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The server: a file-based app, so the benchmark needs no project of its own in the solution.
mkdir -p "$work/server"
cat >"$work/server/server.cs" <<CS
#:project $repo_root/src/MlObs.Ops.Testing/MlObs.Ops.Testing.csproj
using MlObs.Ops.Testing.HookTools;

var config = HookToolReply.Ok("{\"log-level\":\"info\",\"port\":8080}\n");
await using var server = HookToolServer.Start(
    (call, _) => Task.FromResult(call.Tool == "config-get" ? config : HookToolReply.Error("unknown command: " + call.Tool)),
    args[0]);
Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
CS
socket="$work/agent.socket"
echo "building and starting the HookToolServer ..." >&2
(cd "$work/server" && exec dotnet run server.cs -- "$socket" >"$work/server.log" 2>&1) &
server_pid=$!
for ((i = 0; i < 1200; i++)); do
    [[ -S $socket ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited"; }
    sleep 0.1
done
[[ -S $socket ]] || die "the server did not listen within 120 s"

mkdir -p "$work/jujuc" "$work/baseline" "$work/fakejuju/responses"
ln -s "$client" "$work/jujuc/config-get"
[[ -z $baseline ]] || ln -s "$baseline" "$work/baseline/config-get"
sh "$repo_root/tools/fake-hook-tools/install.sh" "$work/fake" >/dev/null
printf '%s\n' '{"log-level":"info","port":8080}' >"$work/fakejuju/responses/config-get"

run_client() {
    env -i JUJU_CONTEXT_ID=bench-0 JUJU_AGENT_SOCKET_NETWORK=unix JUJU_AGENT_SOCKET_ADDRESS="$socket" \
        "$work/$1/config-get" --format=json >"$work/out" 2>"$work/err"
}
run_jujuc() { run_client jujuc; }
run_baseline() { run_client baseline; }
run_fake() {
    env -i FAKE_JUJU_DIR="$work/fakejuju" "$work/fake/config-get" --format=json >"$work/out" 2>"$work/err"
}
run_true() {
    env -i /bin/true >"$work/out" 2>"$work/err"
}

ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# call NAME FUNCTION EXPECTED: one call, which must succeed and print EXPECTED.
call() {
    "$2" || die "$1 failed (exit $?): $(<"$work/err")"
    [[ $(<"$work/out") == "$3" ]] || die "$1 printed '$(<"$work/out")', expected '$3'"
}

# report NAME DURATION...: one line of statistics (durations in microseconds).
report() {
    local name=$1 sorted n median
    shift
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    n=${#sorted[@]}
    if ((n % 2)); then median=${sorted[n / 2]}; else median=$(((sorted[n / 2 - 1] + sorted[n / 2]) / 2)); fi
    printf '%-34s median %7s  p90 %7s  min %7s  max %7s ms\n' "$name" "$(ms "$median")" \
        "$(ms "${sorted[(9 * n + 9) / 10 - 1]}")" "$(ms "${sorted[0]}")" "$(ms "${sorted[n - 1]}")"
}

expected='{"log-level":"info","port":8080}'
names=("/bin/true (process floor)" "mlobs-jujuc -> HookToolServer")
functions=(run_true run_jujuc)
outputs=("" "$expected")
if [[ -n $baseline ]]; then
    names+=("baseline mlobs-jujuc (--baseline)")
    functions+=(run_baseline)
    outputs+=("$expected")
fi
names+=("fake-hook-tool (sh script)")
functions+=(run_fake)
outputs+=("$expected")

echo "config-get --format=json, $runs sequential calls each (after $warmup warm-up), env -i, taking turns"
echo "mlobs-jujuc: $(stat -c %s "$client") bytes"
[[ -z $baseline ]] || echo "baseline: $baseline, $(stat -c %s "$baseline") bytes"
for ((i = 0; i < warmup; i++)); do
    for p in "${!names[@]}"; do call "${names[p]}" "${functions[p]}" "${outputs[p]}"; done
done
declare -A durations=()
for ((i = 0; i < runs; i++)); do
    for p in "${!names[@]}"; do
        start=$EPOCHREALTIME
        "${functions[p]}" || die "${names[p]} failed (exit $?): $(<"$work/err")"
        end=$EPOCHREALTIME
        durations[$p]+=" $((10#${end//[.,]/} - 10#${start//[.,]/}))"
        [[ $(<"$work/out") == "${outputs[p]}" ]] || die "${names[p]} printed '$(<"$work/out")', expected '${outputs[p]}'"
    done
done
for p in "${!names[@]}"; do
    # shellcheck disable=SC2086 # the durations are a space-separated list of numbers
    report "${names[p]}" ${durations[$p]}
done
