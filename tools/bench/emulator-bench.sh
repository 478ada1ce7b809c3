#!/usr/bin/env bash
# emulator-bench.sh: times hooks run through the emulator (`mlobs charm run`): the Native AOT sample
# charm, and an unmodified Python ops charm when python3 can import ops. Prints the median, p90,
# min and max of dispatch_seconds (the charm process alone) and the hook-tool calls per hook.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tools/bench/emulator-bench.sh [--runs N] [--event EVENT] [--no-publish] [--drift-monitor] [--compare-exec] [--help]

Publishes tests/SampleCharm and tools/MlObs.JujuC (Native AOT) into artifacts/bench/, builds the
mlobs CLI once, then runs `mlobs charm run CHARM --event EVENT` N times per charm from the same
input state and reads dispatch_seconds and hook_tool_calls from each OUT.json.

  --runs N       runs per charm (default 20, 5..200)
  --event EVENT  the hook to run (default config-changed)
  --no-publish   reuse what is already in artifacts/bench/
  --drift-monitor  also pack charms/drift-monitor-k8s (mlobs charm pack) and time config-changed with its
                 three COS relations joined (metrics-endpoint, grafana-dashboard, logging), as issue 8's
                 benchmark asks: the unit first runs pebble-ready, relation-created, -joined and -changed of
                 each relation and one config-changed, and every timed run starts from that settled state
                 (a deployed unit whose config-changed finds its databags already written)
  --compare-exec time each C# charm twice per run, taking turns: hook tools as calls on the agent's
                 socket from the charm process (MlObs.Ops' default) and as mlobs-jujuc processes
                 (MLOBS_HOOK_TOOLS=exec); one row per way, so the two compare within one run
  --help         this text

The Python charm (tests/MlObs.Ops.Tests/ProcessLevel/PythonOpsCharm) runs only when python3 can
import ops (put it on PYTHONPATH); its containers need root for the mount namespace. Timings are
wall clock on this machine. A C# charm makes its hook-tool calls itself on the agent's socket
(Juju's Jujuc.Main protocol, one connection per hook); with MLOBS_HOOK_TOOLS=exec, and for the
Python charm, every call is an mlobs-jujuc process talking to the emulator, as Juju's jujuc does.
hook_tool_calls counts the calls the emulator answered, whichever way they came.
USAGE
}

die() { echo "emulator-bench: $*" >&2; exit 2; }

runs=20
event=config-changed
publish=1
drift=0
compare=0
while (($# > 0)); do
    case $1 in
        --runs) [[ $# -ge 2 ]] || die "--runs needs a number"; runs=$2; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --event) [[ $# -ge 2 ]] || die "--event needs a name"; event=$2; shift 2 ;;
        --event=*) event=${1#*=}; shift ;;
        --no-publish) publish=0; shift ;;
        --drift-monitor) drift=1; shift ;;
        --compare-exec) compare=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $runs =~ ^[0-9]+$ ]] && ((runs >= 5 && runs <= 200)) || die "--runs must be 5..200, got '$runs'"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench="$repo/artifacts/bench"
mkdir -p "$bench"
if ((publish)); then
    echo "publishing the sample charm and mlobs-jujuc into artifacts/bench ..." >&2
    dotnet publish "$repo/tests/SampleCharm/SampleCharm.csproj" -c Release -r linux-x64 -o "$bench/publish" >"$bench/publish.log" 2>&1 \
        || { cat "$bench/publish.log" >&2; die "publishing the sample charm failed"; }
    dotnet publish "$repo/tools/MlObs.JujuC/MlObs.JujuC.csproj" -c Release -r linux-x64 -o "$bench/jujuc" >"$bench/jujuc.log" 2>&1 \
        || { cat "$bench/jujuc.log" >&2; die "publishing mlobs-jujuc failed"; }
fi
[[ -x $bench/publish/sample-charm && -x $bench/jujuc/mlobs-jujuc ]] || die "nothing published in artifacts/bench; run without --no-publish"
dotnet build "$repo/tools/MlObs.Cli/MlObs.Cli.csproj" -c Release -v quiet -nologo >"$bench/cli.log" 2>&1 \
    || { cat "$bench/cli.log" >&2; die "building mlobs failed"; }
mlobs_dll="$repo/tools/MlObs.Cli/bin/Release/net10.0/mlobs.dll"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/aot"
cp "$bench/publish/sample-charm" "$work/aot/dispatch"
cp "$repo/tests/SampleCharm/charmcraft.yaml" "$work/aot/"
cp -r "$repo/tests/MlObs.Ops.Tests/ProcessLevel/PythonOpsCharm" "$work/python"
chmod +x "$work/python/dispatch"
cat >"$work/state.json" <<'JSON'
{"leader": true, "config": {"port": 8080},
 "relations": [{"id": 1, "endpoint": "db", "remote_app_name": "pg", "remote_units_data": {"0": {}},
                "remote_app_data": {"endpoint": "pg:5432"}}]}
JSON

# bench_charm NAME DIR [STATE] [MODES]: times the hook RUNS times for each MLOBS_HOOK_TOOLS mode in
# MODES (default: the charm's own default), the modes taking turns run by run.
bench_charm() {
    local name=$1 dir=$2 state=${3:-$work/state.json} modes=${4:-default}
    local mode calls=0 tools=
    for mode in $modes; do : >"$work/times.$mode"; done
    for ((i = 0; i < runs; i++)); do
        for mode in $modes; do
            local env_mode=()
            [[ $mode == default ]] || env_mode=(--env "MLOBS_HOOK_TOOLS=$mode")
            dotnet "$mlobs_dll" charm run "$dir" --event "$event" --state "$state" --out "$work/out.json" \
                --hook-tool-client "$bench/jujuc/mlobs-jujuc" --env "PYTHONPATH=${PYTHONPATH:-}" "${env_mode[@]}" 2>"$work/err" \
                || { cat "$work/err" >&2; die "$name: mlobs charm run failed"; }
            read -r seconds calls tools < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["hook_tool_calls"]; print(d["dispatch_seconds"], len(c), ",".join(x["tool"] for x in c))' "$work/out.json")
            echo "$seconds" >>"$work/times.$mode"
        done
    done
    for mode in $modes; do
        local label=$name
        [[ $mode == default ]] || label="$name, MLOBS_HOOK_TOOLS=$mode"
        sort -g "$work/times.$mode" | awk -v name="$label" -v calls="$calls" -v event="$event" '
            { t[NR] = $1 * 1000 }
            END {
                n = NR; p90 = int(n * 0.9 + 0.5); if (p90 < 1) p90 = 1;
                med = (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2;
                printf "%-22s %s: runs %d, median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms, %d hook-tool calls\n",
                    name, event, n, med, t[p90], t[1], t[n], calls
            }'
    done
    echo "  hook tools: $tools"
}

# Runs one hook of the drift charm from $work/drift-state.json and makes its output the next input.
drift_step() {
    dotnet "$mlobs_dll" charm run "$work/drift" --event "$1" "${@:2}" --state "$work/drift-state.json" \
        --out "$work/drift-next.json" --hook-tool-client "$bench/jujuc/mlobs-jujuc" 2>"$work/err" >/dev/null \
        || { cat "$work/err" >&2; die "drift-monitor-k8s: $1 failed"; }
    # The output is the state after the hook plus the run's records, which a state input ignores.
    mv "$work/drift-next.json" "$work/drift-state.json"
}

csharp_modes=default
((compare)) && csharp_modes="socket exec"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_charm "sample-k8s (C#, AOT)" "$work/aot" "$work/state.json" "$csharp_modes"
if ((drift)); then
    if ((publish)) || [[ ! -f $bench/drift/drift-monitor-k8s_amd64.charm ]]; then
        echo "packing charms/drift-monitor-k8s into artifacts/bench/drift ..." >&2
        dotnet "$mlobs_dll" charm pack "$repo/charms/drift-monitor-k8s" -o "$bench/drift" >"$bench/drift.log" 2>&1 \
            || { cat "$bench/drift.log" >&2; die "packing drift-monitor-k8s failed"; }
    fi
    mkdir -p "$work/drift" "$work/drift-etc"
    (cd "$work/drift" && unzip -q "$bench/drift/drift-monitor-k8s_amd64.charm")
    cat >"$work/drift-state.json" <<JSON
{"leader": true,
 "containers": [{"name": "drift-monitor", "can_connect": true,
                 "mounts": {"config": {"location": "/etc/drift-monitor", "source": "$work/drift-etc"}}}],
 "relations": [
   {"id": 1, "endpoint": "metrics-endpoint", "remote_app_name": "opentelemetry-collector-k8s", "remote_units_data": {"0": {}}},
   {"id": 2, "endpoint": "grafana-dashboard", "remote_app_name": "opentelemetry-collector-k8s", "remote_units_data": {"0": {}}},
   {"id": 3, "endpoint": "logging", "remote_app_name": "opentelemetry-collector-k8s",
    "remote_units_data": {"0": {"endpoint": "{\\"url\\": \\"http://otelcol-0.otelcol-endpoints.kubeflow.svc.cluster.local:3500/loki/api/v1/push\\"}"}}}]}
JSON
    # Join the three relations as Juju would and settle with one config-changed: the databags the
    # charm writes and its stored state then exist, as on a deployed unit.
    drift_step drift-monitor-pebble-ready
    for relation in 1:metrics-endpoint 2:grafana-dashboard 3:logging; do
        drift_step "${relation#*:}-relation-created" --relation-id "${relation%%:*}"
        for hook in joined changed; do
            drift_step "${relation#*:}-relation-$hook" --relation-id "${relation%%:*}" --remote-unit opentelemetry-collector-k8s/0
        done
    done
    drift_step config-changed
    bench_charm "drift-monitor-k8s (C#, AOT, 3 COS relations)" "$work/drift" "$work/drift-state.json" "$csharp_modes"
fi
if python3 -c 'import ops' 2>/dev/null; then
    bench_charm "py-demo-k8s (ops $(python3 -c 'import ops; print(ops.__version__)'))" "$work/python"
else
    echo "py-demo-k8s: skipped, python3 cannot import ops (put ops on PYTHONPATH)" >&2
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
