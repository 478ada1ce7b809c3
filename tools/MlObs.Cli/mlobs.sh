#!/bin/sh
# mlobs.sh: runs the mlobs command from source (Release build) from any directory; arguments are
# passed on unchanged. It resolves its own symlinks, so a link to it elsewhere (e.g. ./mlobs at
# the repository root) works too.
set -eu
project_dir=$(dirname -- "$(readlink -f -- "$0")")
# Build quietly (errors only, on stderr) so that the command's own stdout stays clean, then run the built program.
dotnet build "$project_dir" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet "$project_dir/bin/Release/net10.0/mlobs.dll" "$@"
