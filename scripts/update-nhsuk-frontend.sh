#!/usr/bin/env bash
# Vendor the compiled NHS.UK frontend from npm into engage/static (no Node build step).
#   scripts/update-nhsuk-frontend.sh 10.6.1
# Keep the version in step with engage.NHSUK_FRONTEND_VERSION and with the
# nhsuk-frontend-jinja release that pairs with it (tests/test_static.py checks both).
set -euo pipefail
version="${1:?usage: $0 VERSION}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@${version}" >/dev/null && tar xzf "nhsuk-frontend-${version}.tgz")
dist="$work/package/dist/nhsuk"
static="$root/engage/static"
rm -rf "$static/nhsuk" "$static/images"
mkdir -p "$static/nhsuk" "$static/images"
cp "$dist/nhsuk-frontend.min.css" "$dist/nhsuk-frontend.min.js" "$static/nhsuk/"
# The stylesheet refers to /assets/images/..., which is where Flask serves engage/static/images.
cp -r "$dist/assets/images/." "$static/images/"
cp "$dist/assets/manifest.json" "$static/manifest.json"
cp "$work/package/LICENSE"* "$static/nhsuk/" 2>/dev/null || true
echo "$version" > "$static/nhsuk/VERSION"
echo "Vendored nhsuk-frontend $version into engage/static"
