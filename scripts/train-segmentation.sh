#!/usr/bin/env bash
# Trains ShapesUNet, the zoo's segmentation network, on synthetic shapes with the CLI's defaults for them and prints
# the held-out mean IoU after every epoch. Needs no download: the images are generated as training goes.
# Extra arguments go to `netdsl train`, e.g. --epochs 3 --out shapes.safetensors.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet run --project src/NetDsl.Cli -c Release -- train shapesunet "$@"
