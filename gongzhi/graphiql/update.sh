#!/usr/bin/env bash
# Copies GraphiQL's browser files (the seven strawberry's page loads from unpkg) from their npm
# packages into this folder, so /graphql's playground works offline. Run it to update them,
# then record the versions in VENDORED.md (they must match strawberry's page: the page checks
# each file's integrity hash).
#   bash gongzhi/graphiql/update.sh
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
take() { # package version file-in-package name-here
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  local tgz
  tgz=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" && tar -xzf "$tgz" -C "$work/x"
  cp "$work/x/package/$3" "$4"
  for licence in LICENSE LICENSE.md; do
    [ -f "$work/x/package/$licence" ] && cp "$work/x/package/$licence" "LICENSE-${1//\//-}" && break
  done
  rm -rf "$work/x" "$tgz"
}
take react 18.2.0 umd/react.production.min.js react.production.min.js
take react-dom 18.2.0 umd/react-dom.production.min.js react-dom.production.min.js
take js-cookie 3.0.5 dist/js.cookie.min.js js.cookie.min.js
take graphiql 3.8.3 graphiql.min.css graphiql.min.css
take graphiql 3.8.3 graphiql.min.js graphiql.min.js
take @graphiql/plugin-explorer 1.0.2 dist/style.css plugin-explorer.css
take @graphiql/plugin-explorer 1.0.2 dist/index.umd.js plugin-explorer.umd.js
echo "GraphiQL files copied"
