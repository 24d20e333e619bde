#!/usr/bin/env bash
# Fetches NVRTC, builds everything and runs the test projects one after another, each with its duration and its test
# host's peak resident memory; ends with one line "N passed, N failed" summed over all of them.
# Needs the .NET SDK, g++, and the network once (NVRTC from Debian); tests use committed fixtures, never the data set.
set -uo pipefail
cd "$(dirname "$0")/.."

# A test host above this peak fails the run: CI machines have 8 GB to spare, and past it a loaded one kills the host.
memory_budget_kb=$((8 * 1024 * 1024))

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

abort() { echo "$1" >&2; echo "0 passed, 0 failed"; exit 1; }

# The real-NVRTC tests compile every network: without a compiler they would prove nothing.
bash scripts/get-nvrtc.sh all ||
  abort "scripts/get-nvrtc.sh could not fetch NVRTC into .nvrtc/ (output above), and the NVRTC tests need it: check access to deb.debian.org"
dotnet build NetDsl.sln -c Release -warnaserror -nologo -v quiet || abort "build failed"

# Largest VmHWM (kB) among the test hosts of test project $1 of this checkout; 0 while there is none.
host_peak() {
  local peak=0 hwm cmdline
  for cmdline in $(grep -lzF "$PWD/tests/$1/bin/" /proc/[0-9]*/cmdline 2>/dev/null); do
    grep -qzF testhost "$cmdline" 2>/dev/null || continue
    hwm=$(awk '/^VmHWM:/ { print $2 }' "${cmdline%cmdline}status" 2>/dev/null)
    [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
  done
  echo "$peak"
}

status=0 summary=()
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj) start=$SECONDS peak=0
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do   # VmHWM only grows: sample until the host is gone
    sample=$(host_peak "$name")
    [ "$sample" -gt "$peak" ] && peak=$sample
    sleep 1
  done
  wait "$pid" || status=1
  memory="test host peak RSS $((peak / 1024)) MB"
  [ "$peak" -gt 0 ] || memory="test host peak RSS not measured (no test host of $PWD seen in /proc)"
  summary+=("$(printf '%s: %dm%02ds, %s' "$name" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) "$memory")")
  if [ "$peak" -gt "$memory_budget_kb" ]; then
    echo "$name: the test host reached $((peak / 1024)) MB resident, above the $((memory_budget_kb / 1024)) MB budget" >&2
    status=1
  fi
done
printf '%s\n' "${summary[@]}"

passed=0 failed=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")
  f=$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) files=$((files + 1))
done

# A run that executed no test, or fewer result files than test projects, is a failure too.
projects=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$passed" -eq 0 ] || [ "$files" -lt "$projects" ]; then echo "expected results from $projects test projects, got $files" >&2; status=1; fi
echo "$passed passed, $failed failed"
exit $status
