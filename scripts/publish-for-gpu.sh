#!/usr/bin/env bash
# Packs what the GPU machine needs into publish/gpu (ignored by git), to carry with the device tool: that machine has
# no .NET and no network. A self-contained, trimmed netdsl (compressed) plus Fashion-MNIST stay under the 64 MiB
# carry limit. On the device, from the repository root:
#   mkdir -p /tmp/netdsl && tar -xJf publish/gpu/netdsl.tar.xz -C /tmp/netdsl
#   /tmp/netdsl/NetDsl.Cli gpucheck --out $OUT/gpucheck.md
#   /tmp/netdsl/NetDsl.Cli train lenet5 --device cuda --data publish/gpu/fashion-mnist
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf publish/netdsl publish/gpu
dotnet publish src/NetDsl.Cli -c Release -r linux-x64 -o publish/netdsl -nologo -v quiet
mkdir -p publish/gpu/fashion-mnist
tar -cJf publish/gpu/netdsl.tar.xz -C publish/netdsl .
cp /usr/share/datasets/fashion-mnist/*-ubyte.gz publish/gpu/fashion-mnist/
du -sh publish/gpu
