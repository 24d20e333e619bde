#!/usr/bin/env bash
# Everything NetDsl measures on a lent GPU, in as few device calls as possible (device time is scarce). Run on the
# device machine from the repository root after scripts/publish-for-gpu.sh built publish/gpu here and the device
# tool carried it (carry: ["publish/gpu"]). Results go to $OUT (default ./gpu-results), to be committed under
# bench/results/ with the device name.
#   bench/gpu-session.sh check    gpucheck: every zoo network's NVRTC compile (cold, cached) + one step vs the CPU
#   bench/gpu-session.sh train    LeNet-5 on Fashion-MNIST, 10 epochs, --device cuda (the ≥ 90 % goal)
#   bench/gpu-session.sh bench    netdsl vs PyTorch eager and torch.compile, same GPU, same run
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
  *)
    echo "usage: bench/gpu-session.sh check|train|bench" >&2; exit 2 ;;
esac
