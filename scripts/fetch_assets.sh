#!/usr/bin/env bash
# Fetch the offline GraphiQL explorer (pinned npm packages) into graphql_api/static/graphiql/vendor/,
# and the graphql-http audit's node dependencies into scripts/graphql-http-audit/node_modules/.
# Both folders are ignored by git. Idempotent: a stamp file names what is installed, so a second
# run only compares it. Without npm, prints why and exits 0: the explorer then falls back to the CDN.
# `--graphiql-only` skips the audit's dependencies (the Docker image needs only GraphiQL).
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=graphql_api/static/graphiql/vendor
AUDIT=scripts/graphql-http-audit

# GraphiQL 3.x is the last line that ships a UMD build usable from plain <script> tags
# (4.x and later are ESM-only and expect a bundler or an import map pointing at a CDN).
# The `integrity` values are the registry's sha512 of each tarball, checked after download.
PACKAGES=(
  "react@18.2.0 sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ=="
  "react-dom@18.2.0 sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g=="
  "graphiql@3.8.3 sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw=="
  "@graphiql/plugin-explorer@1.0.2 sha512-9j+kg2UjtLZD5EBmGjeWHkoVVxtbShYg2DzbUVebibnZYZM/iMBEF4vaccXJIAm5KaomIPLx0aoNs4LbODyc3Q=="
)
# tarball file -> file under vendor/
FILES=(
  "react-18.2.0.tgz package/umd/react.production.min.js react.production.min.js"
  "react-dom-18.2.0.tgz package/umd/react-dom.production.min.js react-dom.production.min.js"
  "graphiql-3.8.3.tgz package/graphiql.min.js graphiql.min.js"
  "graphiql-3.8.3.tgz package/graphiql.min.css graphiql.min.css"
  "graphiql-plugin-explorer-1.0.2.tgz package/dist/index.umd.js plugin-explorer.umd.js"
  "graphiql-plugin-explorer-1.0.2.tgz package/dist/style.css plugin-explorer.css"
)

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "assets: npm not found, skipping; /graphql will load GraphiQL from a CDN instead"
  exit 0
fi

wanted="$(printf '%s\n' "${PACKAGES[@]}")"
if [[ -f "$VENDOR/VERSIONS" && "$(cat "$VENDOR/VERSIONS")" == "$wanted" ]]; then
  echo "assets: GraphiQL already in $VENDOR"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  specs=()
  for entry in "${PACKAGES[@]}"; do specs+=("${entry%% *}"); done
  echo "assets: fetching ${specs[*]} from the npm registry"
  npm pack --silent --pack-destination "$work" "${specs[@]}" >/dev/null
  for entry in "${PACKAGES[@]}"; do
    spec="${entry%% *}" expected="${entry##* }"
    name="${spec%@*}" version="${spec##*@}"
    tarball="$work/$(echo "${name#@}" | tr / -)-$version.tgz"
    actual="$(node -e 'const c=require("crypto"),f=require("fs");
      process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
    if [[ "$actual" != "$expected" ]]; then
      echo "assets: $spec does not match its pinned integrity ($actual)" >&2
      exit 1
    fi
  done
  staging="$work/vendor"
  mkdir -p "$staging"
  for entry in "${FILES[@]}"; do
    read -r tarball member target <<<"$entry"
    tar -xzOf "$work/$tarball" "$member" >"$staging/$target"
  done
  printf '%s\n' "${PACKAGES[@]}" >"$staging/VERSIONS"
  # Swap in the finished folder so that a server never sees half a vendor/.
  rm -rf "$VENDOR"
  mv "$staging" "$VENDOR"
  echo "assets: GraphiQL installed in $VENDOR"
fi

if [[ "${1:-}" == "--graphiql-only" ]]; then
  exit 0
fi
if [[ -d "$AUDIT/node_modules" && "$AUDIT/node_modules/.package-lock.json" -nt "$AUDIT/package-lock.json" ]]; then
  echo "assets: graphql-http audit dependencies already installed"
else
  echo "assets: installing the graphql-http audit dependencies"
  npm ci --silent --no-audit --no-fund --prefix "$AUDIT"
fi
