#!/usr/bin/env bash
# dispatch-bench.sh: times one config-changed dispatch of the Native AOT sample charm, run as Juju
# runs it (env -i, Juju-like variables, cwd = charm dir) with the fake hook tools of
# tools/fake-hook-tools first on PATH. Prints runs, median, mean, p90, min and max in ms and the
# hook-tool calls of one dispatch. See --help.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tools/bench/dispatch-bench.sh [--warmup N] [--runs N] [--no-publish] [--help]

Publishes tests/SampleCharm Native AOT into artifacts/bench/publish, lays out a charm dir and the
fake hook tools in a temp dir, answers config-get with {"log-level":"info","port":8080}, and times
JUJU_DISPATCH_PATH=hooks/config-changed ./dispatch under env -i.

  --warmup N     untimed dispatches first (default 3, at most 1000)
  --runs N       timed dispatches (default 30, at least 20, at most 1000)
  --no-publish   reuse the binary already in artifacts/bench/publish
  --help         this text

Times are wall-clock per dispatch, measured with bash's $EPOCHREALTIME; they include starting
env(1) and every fake hook tool the charm calls (about 1 ms each). "floor" is the median of as
many runs of `env -i /bin/true`: what process start-up alone costs on this machine right now.
USAGE
}

die() {
    echo "dispatch-bench: $*" >&2
    exit 2
}

warmup=3
runs=30
publish=1
while (($# > 0)); do
    case $1 in
        --warmup) [[ $# -ge 2 ]] || die "--warmup needs a number"; warmup=$2; shift 2 ;;
        --warmup=*) warmup=${1#*=}; shift ;;
        --runs) [[ $# -ge 2 ]] || die "--runs needs a number"; runs=$2; shift 2 ;;
        --runs=*) runs=${1#*=}; shift ;;
        --no-publish) publish=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ $warmup =~ ^[0-9]+$ ]] && ((warmup <= 1000)) || die "--warmup must be 0..1000, got '$warmup'"
[[ $runs =~ ^[0-9]+$ ]] && ((runs >= 20 && runs <= 1000)) || die "--runs must be 20..1000, got '$runs'"

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
publish_dir="$repo_root/artifacts/bench/publish"
binary="$publish_dir/sample-charm"

if ((publish)); then
    echo "publishing tests/SampleCharm (Native AOT, linux-x64) into artifacts/bench/publish ..." >&2
    publish_log="$repo_root/artifacts/bench/publish.log"
    mkdir -p "$publish_dir"
    if ! dotnet publish "$repo_root/tests/SampleCharm/SampleCharm.csproj" -c Release -r linux-x64 \
        -o "$publish_dir" >"$publish_log" 2>&1; then
        cat "$publish_log" >&2
        die "dotnet publish failed (log: $publish_log)"
    fi
fi
[[ -x $binary ]] || die "no $binary; run without --no-publish"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlobs-dispatch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
tools="$work/tools"
charm="$work/charm"
juju="$work/juju"
sh "$repo_root/tools/fake-hook-tools/install.sh" "$tools"
mkdir -p "$charm" "$juju/responses"
cp "$binary" "$charm/dispatch"
chmod 755 "$charm/dispatch"
cp "$publish_dir/charmcraft.yaml" "$charm/"
printf '%s\n' '{"log-level":"info","port":8080}' >"$juju/responses/config-get"

# One dispatch; its stderr goes to a file so a failure can be shown.
dispatch() {
    env -i \
        PATH="$tools:/usr/bin:/bin" \
        FAKE_JUJU_DIR="$juju" \
        JUJU_DISPATCH_PATH=hooks/config-changed \
        JUJU_HOOK_NAME=config-changed \
        JUJU_UNIT_NAME=sample-k8s/0 \
        JUJU_MODEL_NAME=bench \
        JUJU_MODEL_UUID=9b2e6d4a-1c3f-4e5a-8b7c-0d1e2f3a4b5c \
        JUJU_VERSION=3.6.8 \
        JUJU_CHARM_DIR="$charm" \
        JUJU_CONTEXT_ID="sample-k8s/0-config-changed-$1" \
        ./dispatch >/dev/null 2>"$work/stderr"
}

cd "$charm"
for ((i = 1; i <= warmup; i++)); do
    dispatch "w$i" || die "warm-up dispatch $i failed (exit $?): $(<"$work/stderr")"
done

# Only the last timed run is logged, to count its hook-tool calls.
durations=()
for ((i = 1; i <= runs; i++)); do
    if ((i == runs)); then
        : >"$juju/calls.log"
    fi
    start=$EPOCHREALTIME
    dispatch "$i" || die "dispatch $i failed (exit $?): $(<"$work/stderr")"
    end=$EPOCHREALTIME
    # Microseconds as integers; the decimal separator follows the locale.
    durations+=($((10#${end//[.,]/} - 10#${start//[.,]/})))
done

# The floor on this machine right now: starting a do-nothing program the same way.
floor=()
for ((i = 1; i <= runs; i++)); do
    start=$EPOCHREALTIME
    env -i /bin/true
    end=$EPOCHREALTIME
    floor+=($((10#${end//[.,]/} - 10#${start//[.,]/})))
done
mapfile -t floor < <(printf '%s\n' "${floor[@]}" | sort -n)

mapfile -t sorted < <(printf '%s\n' "${durations[@]}" | sort -n)
sum=0
for d in "${sorted[@]}"; do
    sum=$((sum + d))
done
n=${#sorted[@]}
if ((n % 2)); then
    median=${sorted[n / 2]}
else
    median=$(((sorted[n / 2 - 1] + sorted[n / 2]) / 2))
fi
p90=${sorted[(9 * n + 9) / 10 - 1]} # nearest rank: the ceil(0.9 n)-th value
mean=$((sum / n))

ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# calls.log records end with \036; the first \037-separated field is the tool.
calls=()
if [[ -s "$juju/calls.log" ]]; then
    mapfile -d $'\036' -t records <"$juju/calls.log"
    for record in "${records[@]}"; do
        record=${record#$'\n'}
        [[ -n $record ]] && calls+=("${record%%$'\037'*}")
    done
fi
declare -A per_tool=()
for tool in ${calls[@]+"${calls[@]}"}; do
    per_tool[$tool]=$((${per_tool[$tool]:-0} + 1))
done
breakdown=""
for tool in $(printf '%s\n' "${!per_tool[@]}" | sort); do
    breakdown+="${breakdown:+, }$tool x${per_tool[$tool]}"
done

echo "config-changed dispatch of the Native AOT sample charm ($(stat -c %s "$binary") bytes)"
echo "runs:       $n (after $warmup warm-up)"
echo "median:     $(ms "$median") ms"
echo "mean:       $(ms "$mean") ms"
echo "p90:        $(ms "$p90") ms"
echo "min:        $(ms "${sorted[0]}") ms"
echo "max:        $(ms "${sorted[n - 1]}") ms"
echo "floor:      $(ms "${floor[n / 2]}") ms median of env -i /bin/true (machine noise)"
echo "hook-tool calls per dispatch: ${#calls[@]}${breakdown:+ ($breakdown)}"
