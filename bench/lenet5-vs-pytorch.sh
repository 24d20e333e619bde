#!/usr/bin/env bash
# LeNet-5 training throughput, NetDsl vs PyTorch CPU, measured in the same run on the same machine and data.
# Rounds alternate the two so that background load hits both alike; PyTorch is given its best thread count
# (on small convolutions one thread often beats two). Prints images/s per run and the ratio of the best runs.
#   bench/lenet5-vs-pytorch.sh [--batch 64] [--steps 300] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
batch=64 steps=300 rounds=3 warmup=100
while [ $# -gt 0 ]; do case "$1" in --batch) batch=$2; shift 2;; --steps) steps=$2; shift 2;; --rounds) rounds=$2; shift 2;; *) echo "unknown $1" >&2; exit 2;; esac; done

dotnet build src/NetDsl.Cli -c Release -nologo -v quiet >/dev/null
netdsl=(dotnet src/NetDsl.Cli/bin/Release/net10.0/NetDsl.Cli.dll)
best() { sed -nE 's/.*images_per_s=([0-9.]+).*/\1/p' | sort -g | tail -n 1; }

ours="" theirs=""
for round in $(seq "$rounds"); do
  ours+=$("${netdsl[@]}" bench lenet5 --batch "$batch" --steps "$steps" --warmup "$warmup" | tee /dev/stderr)$'\n'
  for threads in 1 2; do
    theirs+=$(/usr/bin/python3 bench/pytorch_lenet5.py throughput --batch "$batch" --steps "$steps" --warmup "$warmup" --threads "$threads" | tee /dev/stderr)$'\n'
  done
done
a=$(best <<<"$ours") b=$(best <<<"$theirs")
echo "best: netdsl $a images/s, pytorch $b images/s; ratio netdsl/pytorch = $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
