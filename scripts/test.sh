#!/usr/bin/env bash
# Builds everything and runs every test project; ends with one line "N passed, N failed" summed over all of them.
# Needs only the .NET SDK: tests use committed fixtures, never the network, the data set or PyTorch.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build NetDsl.sln -c Release -warnaserror -nologo -v quiet || { echo "0 passed, 0 failed"; echo "build failed" >&2; exit 1; }
dotnet test NetDsl.sln -c Release --no-build --nologo --logger trx --results-directory "$results"
status=$?

passed=0 failed=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")
  f=$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) files=$((files + 1))
done

echo "$passed passed, $failed failed"
# A run that executed no test, or fewer result files than test projects, is a failure too.
projects=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$passed" -eq 0 ] || [ "$files" -lt "$projects" ]; then echo "expected results from $projects test projects, got $files" >&2; exit 1; fi
exit $status
