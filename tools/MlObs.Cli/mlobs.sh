#!/bin/sh
# mlobs.sh: runs the mlobs command from source (Release build) from any directory; arguments are
# passed on unchanged. It resolves its own symlinks, so a link to it elsewhere (e.g. ./mlobs at
# the repository root) works too.
set -eu
project_dir=$(dirname -- "$(readlink -f -- "$0")")
exec dotnet run --project "$project_dir" -c Release -- "$@"
