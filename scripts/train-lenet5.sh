#!/usr/bin/env bash
# Trains LeNet-5 on Fashion-MNIST with the CLI's defaults. Installs Debian's dataset-fashion-mnist if it is missing.
# Extra arguments go to `netdsl train`, e.g. --epochs 5 --out lenet5.safetensors.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist
fi

dotnet run --project src/NetDsl.Cli -c Release -- train lenet5 "$@"
