#!/usr/bin/env bash
# Everything NetDsl measures on a lent GPU, in as few device calls as possible (device time is scarce). Run on the
# device machine from the repository root after scripts/publish-for-gpu.sh built publish/gpu here and the device
# tool carried it (carry: ["publish/gpu"]). Results go to $OUT (default ./gpu-results), to be committed under
# bench/results/ with the device name.
#   bench/gpu-session.sh check    gpucheck: every zoo network's NVRTC compile (cold, cached) + one step vs the CPU
#   bench/gpu-session.sh train    LeNet-5 on Fashion-MNIST, 10 epochs, --device cuda (the ≥ 90 % goal)
#   bench/gpu-session.sh bench    netdsl vs PyTorch eager and torch.compile, same GPU, same run
#   bench/gpu-session.sh all      the three in one device call, each under its own time limit, going on past failures
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-results}
mkdir -p "$OUT" /tmp/netdsl
[ -x /tmp/netdsl/NetDsl.Cli ] || tar -xJf publish/gpu/netdsl.tar.xz -C /tmp/netdsl
netdsl() { /tmp/netdsl/NetDsl.Cli "$@"; }
DATA=publish/gpu/fashion-mnist
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$OUT/device.txt" || true

case "${1:-}" in
  check)
    netdsl gpucheck --out "$OUT/gpucheck.md" 2>&1 | tee "$OUT/gpucheck.log" ;;
  train)
    netdsl train lenet5 --device cuda --data "$DATA" --epochs "${EPOCHS:-10}" 2>&1 | tee "$OUT/train-lenet5-cuda.log" ;;
  bench)
    {
      netdsl bench lenet5 --device cuda --data "$DATA" --batch 64 --steps 900
      netdsl bench resnet50 --device cuda --batch 32 --steps 30 --warmup 5
      python3 bench/pytorch_gpu.py --networks lenet5:64,resnet50:32
    } 2>&1 | tee "$OUT/bench.log" ;;
  all)
    # One device call for the whole session (machine starts cost minutes of the budget): each part is bounded so the
    # later ones still run, and a failing part does not stop the others; the exit status is the worst of them.
    status=0
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >> "$OUT/device.txt" 2>&1 || true
    for part in check train bench; do
      limit=$(case $part in check) echo "${CHECK_LIMIT:-240}";; train) echo "${TRAIN_LIMIT:-100}";; bench) echo "${BENCH_LIMIT:-150}";; esac)
      start=$(date +%s)
      timeout "$limit" "$0" "$part" || { rc=$?; echo "$part: exit $rc (limit ${limit}s)" >> "$OUT/parts.txt"; status=$rc; }
      echo "$part: $(( $(date +%s) - start )) s" >> "$OUT/parts.txt"
    done
    exit $status ;;
  *)
    echo "usage: bench/gpu-session.sh check|train|bench|all" >&2; exit 2 ;;
esac
