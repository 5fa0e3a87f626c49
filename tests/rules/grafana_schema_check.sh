#!/usr/bin/env bash
# Type-checks the dashboard `slokit rules --grafana` writes against the Dashboard type of
# @grafana/schema, Grafana's own definition of the current dashboard JSON model, with TypeScript:
# unknown keys, missing required keys and wrong types all fail. Needs node and the npm registry;
# exits 77 (ctest: skipped) when they are unavailable.
#   grafana_schema_check.sh SLOKIT SPEC [CACHE_DIR]
set -euo pipefail
slokit=$1
spec=$2
cache=${3:-$(dirname "$slokit")/grafana-schema-check}
command -v npm >/dev/null || { echo "npm not found: skipped"; exit 77; }
mkdir -p "$cache"
cd "$cache"
if [ ! -x node_modules/.bin/tsc ] || [ ! -f node_modules/@grafana/schema/package.json ]; then
  if ! timeout 300 npm install --no-audit --no-fund --no-save typescript@5.9.3 @grafana/schema@13.2.3 >npm.log 2>&1; then
    cat npm.log
    echo "npm install failed (no registry?): skipped"
    exit 77
  fi
fi
"$slokit" rules "$spec" --grafana -o dashboard.json
# JSON spells TypeScript enum members by their values; write them as members so that the check
# covers everything (a failing enum would otherwise hide other errors in the same object).
{
  echo "import { type Dashboard, ThresholdsMode, MappingType } from '@grafana/schema';"
  printf 'export const dashboard: Dashboard = '
  sed -e 's/"mode": "absolute"/"mode": ThresholdsMode.Absolute/' -e 's/"type": "value"/"type": MappingType.ValueToText/' \
    dashboard.json
  echo ';'
} >check.ts
cat >tsconfig.json <<'JSON'
{"compilerOptions": {"strict": true, "noEmit": true, "module": "esnext", "moduleResolution": "bundler",
                     "target": "es2020", "skipLibCheck": true},
 "files": ["check.ts"]}
JSON
errors=$(node_modules/.bin/tsc -p . 2>&1 || true)
if [ -n "$errors" ]; then
  echo "the dashboard does not fit @grafana/schema's Dashboard type:"
  echo "$errors"
  exit 1
fi
echo "dashboard.json fits @grafana/schema $(node -p "require('@grafana/schema/package.json').version")'s Dashboard type"
