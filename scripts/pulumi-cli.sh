#!/usr/bin/env bash
# `npm run -s pulumi-cli`: makes a working Pulumi CLI available and prints, as its LAST line, the folder that
# holds `pulumi` with a Node.js language host (`pulumi-language-nodejs`) and the dynamic-provider plugin
# (`pulumi-resource-pulumi-nodejs`) beside it. Put that folder first on PATH to run the stack programs.
#
# - A `pulumi` on PATH at least $PULUMI_CLI_MIN_VERSION is used as it is (its own install has both plugins).
# - Otherwise the pinned CLI is built with Go (tools/pulumi-cli) into a per-machine cache outside the repo,
#   ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cloudflare-workers/pulumi-<version>/ (PULUMI_CLI_CACHE overrides),
#   once per machine (about 10-20 min on 2 cores); every later call, from any clone, answers at once.
# - Neither Go nor a CLI: one line on stderr, exit 1.
# PULUMI_CLI_BUILD=1 skips the PATH lookup (always the pinned, cached build); PULUMI_CLI_NO_BUILD=1 never
# builds (exit 1 when neither PATH nor the cache has a CLI: the demo uses it to fall back to the harness).
set -euo pipefail

PINNED_VERSION=3.274.1
MIN_VERSION=${PULUMI_CLI_MIN_VERSION:-3.150.0}
repo=$(cd "$(dirname "$0")/.." && pwd)
tools="$repo/tools/pulumi-cli"
cache=${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cloudflare-workers}/pulumi-$PINNED_VERSION

say() { echo "pulumi-cli: $*" >&2; }

# version_at_least A B: A >= B, both "x.y.z" (a leading v and a -suffix ignored).
version_at_least() {
  local a b
  a=$(echo "${1#v}" | sed 's/[-+].*//')
  b=$(echo "${2#v}" | sed 's/[-+].*//')
  [ "$(printf '%s\n%s\n' "$a" "$b" | sort -V | head -n1)" = "$b" ]
}

if [ "${PULUMI_CLI_BUILD:-}" != 1 ] && path_cli=$(command -v pulumi 2>/dev/null) && [ "$(dirname "$path_cli")" != "$cache" ]; then
  found=$("$path_cli" version 2>/dev/null || true)
  if [ -n "$found" ] && version_at_least "$found" "$MIN_VERSION"; then
    say "using $path_cli ($found)"
    dirname "$path_cli"
    exit 0
  fi
  say "ignoring $path_cli (${found:-no version}): older than $MIN_VERSION"
fi

# The two plugins are small files of ours, refreshed on every call (cheap) so a changed host reaches the cache.
install_plugins() {
  local dir=$1
  cmp -s "$tools/language-host.js" "$dir/language-host.js" 2>/dev/null || cp "$tools/language-host.js" "$dir/language-host.js"
  # Both run on the project's Node (node_modules/node, Node 24) when the project folder or one above it has it,
  # else on the `node` of PATH; the provider host is the @pulumi/pulumi found the same way (Node's lookup).
  # The CLI starts plugins in the project folder.
  local find='NODE=node; PROVIDER=./node_modules/@pulumi/pulumi/cmd/dynamic-provider; d=$PWD; found_node=; found_sdk=
while :; do
  if [ -z "$found_node" ] && [ -x "$d/node_modules/node/bin/node" ]; then NODE="$d/node_modules/node/bin/node"; found_node=1; fi
  if [ -z "$found_sdk" ] && [ -d "$d/node_modules/@pulumi/pulumi/cmd/dynamic-provider" ]; then PROVIDER="$d/node_modules/@pulumi/pulumi/cmd/dynamic-provider"; found_sdk=1; fi
  [ "$d" = / ] && break
  d=$(dirname "$d")
done'
  printf '#!/bin/sh\n# Pulumi Node.js language host (tools/pulumi-cli/language-host.js).\n%s\nexec "$NODE" "$(dirname "$0")/language-host.js" "$@"\n' \
    "$find" >"$dir/pulumi-language-nodejs.tmp"
  printf '#!/bin/sh\n# Dynamic-provider plugin: the provider host that @pulumi/pulumi ships, run with the project'"'"'s Node.\n%s\nexec "$NODE" "$PROVIDER" "$@"\n' \
    "$find" >"$dir/pulumi-resource-pulumi-nodejs.tmp"
  chmod +x "$dir/pulumi-language-nodejs.tmp" "$dir/pulumi-resource-pulumi-nodejs.tmp"
  mv -f "$dir/pulumi-language-nodejs.tmp" "$dir/pulumi-language-nodejs"
  mv -f "$dir/pulumi-resource-pulumi-nodejs.tmp" "$dir/pulumi-resource-pulumi-nodejs"
}

built_ok() { [ -x "$cache/pulumi" ] && [ "$("$cache/pulumi" version 2>/dev/null)" = "v$PINNED_VERSION" ]; }

mkdir -p "$cache"
exec 9>"$cache/.lock"
if ! flock -n 9; then
  say "another build of the Pulumi CLI is running; waiting for it ($cache/build.log)"
  flock 9
fi

if ! built_ok; then
  if [ "${PULUMI_CLI_NO_BUILD:-}" = 1 ]; then
    say "no pulumi >= $MIN_VERSION on PATH and v$PINNED_VERSION not built yet (\`npm run -s pulumi-cli\` builds it)"
    exit 1
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "no pulumi >= $MIN_VERSION on PATH and no Go to build v$PINNED_VERSION (install Go 1.26+ or the Pulumi CLI)"
    exit 1
  fi
  log="$cache/build.log"
  say "building Pulumi CLI v$PINNED_VERSION with $(go version | awk '{print $3}') into $cache (once per machine, 10-20 min on 2 cores; log: $log)"
  start=$(date +%s)
  if ! (cd "$tools" && GOFLAGS="-mod=mod -buildvcs=false" go build -o "$cache/pulumi.tmp" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PINNED_VERSION" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >"$log" 2>&1; then
    say "go build failed; last lines of $log:"
    tail -n 15 "$log" >&2
    exit 1
  fi
  mv -f "$cache/pulumi.tmp" "$cache/pulumi"
  say "built in $(( $(date +%s) - start ))s"
  built_ok || { say "$cache/pulumi does not report v$PINNED_VERSION"; exit 1; }
fi
install_plugins "$cache"
echo "$cache"
