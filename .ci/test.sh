#!/usr/bin/env bash
# The test command: installs what the tests need when missing (Debian packages), then runs every test.
# Usage: bash .ci/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# promtool and prometheus: the /metrics tests validate the exposition and scrape the running portal.
{ [ -x /usr/bin/promtool ] && [ -x /usr/bin/prometheus ]; } || need+=(prometheus)
# The Python client's tests (clients/python) run on Debian's python with pytest; its example uses scikit-learn and
# its wheel is built with setuptools.
/usr/bin/python3 -c 'import pytest, sklearn, setuptools' >/dev/null 2>&1 || need+=(python3-pytest python3-sklearn python3-setuptools)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

results=$(mktemp -d)
status=0
dotnet build Portal.sln -c Release -nologo -v quiet || exit 1

# The PostgreSQL pass: Portal.Web.Tests' API, ingestion, job and fuzz tests once more with PORTAL_TEST_PROVIDER=postgres
# (a throw-away cluster, one database per test host; docs/postgresql.md), in the background while the SQLite pass of the
# same project runs. Tests about SQLite itself carry the trait Database=SqliteOnly.
pg_pid=""
start_postgres_pass() {
  local filter="" scope
  for scope in Ingestion. Fuzz. Jobs. Experiments. Alerting. Fairness. Streaming. Dashboards. Identity. Realtime. Data.ProviderDifferenceTests; do
    filter+="${filter:+|}FullyQualifiedName~Portal.Web.Tests.$scope"
  done
  PORTAL_TEST_PROVIDER=postgres dotnet test "$1" -c Release --no-build -nologo --filter "($filter)&Database!=SqliteOnly" \
    --logger "trx;LogFileName=Portal.Web.Tests.postgres.trx" --results-directory "$results" "${@:2}" >"$results/postgres.log" 2>&1 &
  pg_pid=$!
}

for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  [ "$name" != Portal.Web.Tests ] || start_postgres_pass "$project" "$@"
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results" "$@"; then
    status=1
  fi
done

# The Python client, against stubs and against the portal just built (tests/portal_process.py starts it).
echo "== clients/python"
if ! /usr/bin/python3 -m pytest clients/python -q -p no:cacheprovider --junitxml="$results/python.xml"; then
  status=1
fi

if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || status=1
  echo "== Portal.Web.Tests on PostgreSQL"
  cat "$results/postgres.log"
fi

# One closing line for the whole run, summed over the TRX files and the pytest JUnit file.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  nx=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  # The TRX logger counts xunit's skipped tests in neither notExecuted nor executed: take them as total - executed.
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  [ "${nx:-0}" -gt 0 ] || nx=$(( ${t:-0} - ${x:-0} ))
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${nx:-0}))
done
if [ -f "$results/python.xml" ]; then
  # <testsuite ... errors="0" failures="0" skipped="1" tests="28" ...>: passed = tests - failures - errors - skipped.
  read -r t f e s < <(/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot(); s = r if r.tag == "testsuite" else r.find("testsuite")
print(*(int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")))' "$results/python.xml")
  passed=$((passed + t - f - e - s)); failed=$((failed + f + e)); skipped=$((skipped + s))
else
  status=1
fi
rm -rf "$results"
[ "$passed" -gt 0 ] || { echo "No test ran."; status=1; }
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
