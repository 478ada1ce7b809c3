#!/bin/sh
# mlobs.sh: runs the mlobs command from source (Release build) from any directory; arguments are
# passed on unchanged. It resolves its own symlinks, so a link to it elsewhere (e.g. ./mlobs at
# the repository root) works too.
set -eu
project_dir=$(dirname -- "$(readlink -f -- "$0")")
# Build silently (the build's output is shown, on stderr, only when it fails), so that stdout and stderr are the
# command's own, then run the built program.
log=$(mktemp)
if ! dotnet build "$project_dir" -c Release --nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"
exec dotnet "$project_dir/bin/Release/net10.0/mlobs.dll" "$@"
