#!/usr/bin/env bash
# Copies the display page's browser libraries from their npm packages into this folder, so the
# page needs no CDN at run time (street offices are often offline). Run it to update them, then
# record the versions in VENDORED.md and commit the files.
#   bash schema/stats/screen/vendor/update.sh
set -euo pipefail
cd "$(dirname "$0")"
ECHARTS=6.1.0
GRAPHQL_WS=6.4.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$ECHARTS" "graphql-ws@$GRAPHQL_WS" >/dev/null)
tar -xzf "$work/echarts-$ECHARTS.tgz" -C "$work" package/dist/echarts.min.js package/LICENSE
cp "$work/package/dist/echarts.min.js" echarts.min.js
cp "$work/package/LICENSE" LICENSE-echarts
rm -rf "$work/package"
tar -xzf "$work/graphql-ws-$GRAPHQL_WS.tgz" -C "$work" package/umd/graphql-ws.min.js package/LICENSE.md
cp "$work/package/umd/graphql-ws.min.js" graphql-ws.min.js
cp "$work/package/LICENSE.md" LICENSE-graphql-ws
echo "echarts $ECHARTS, graphql-ws $GRAPHQL_WS copied"
