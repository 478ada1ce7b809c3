#!/bin/sh
# install.sh DIR: creates DIR with one symlink per Juju hook tool name, each pointing at
# fake-hook-tool beside this script. Put DIR first on PATH and set FAKE_JUJU_DIR to use them.
set -eu

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    printf 'usage: %s DIR\n' "$0" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
target="$here/fake-hook-tool"
dest=$1

# Juju 3.6's tools less the legacy ones (unit-get, add-metric, k8s-*, pod-spec-*, payload-*);
# see ops-contract.md §3.3.
tools='relation-ids relation-list relation-get relation-set relation-model-get
config-get is-leader status-get status-set application-version-set juju-log
action-get action-set action-log action-fail network-get open-port close-port opened-ports
storage-list storage-get storage-add resource-get
secret-add secret-get secret-info-get secret-set secret-grant secret-revoke secret-remove secret-ids
state-get state-set state-delete goal-state credential-get leader-get leader-set juju-reboot'

mkdir -p "$dest"
for tool in $tools; do
    ln -sf "$target" "$dest/$tool"
done
