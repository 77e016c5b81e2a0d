#!/usr/bin/env bash
# Makes sure `kubectl` (with its built-in kustomize) is on PATH for the deployment tests:
# already there -> install Debian's kubernetes-client (root only) -> stop with a message.
# k8s/ uses only kustomize features that Debian's kubectl (1.20, kustomize v2) has.
set -uo pipefail
log() { printf '[infra] %s\n' "$*" >&2; }
command -v kubectl >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "kubectl is missing: installing Debian's kubernetes-client"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client >&2 &&
    command -v kubectl >/dev/null 2>&1 && exit 0
fi
log "kubectl is missing and could not be installed: install kubectl (Debian: apt-get install kubernetes-client)"
exit 1
