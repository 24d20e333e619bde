#!/usr/bin/env bash
# Cold NVRTC compiles of whole GPU programs on this machine, no GPU: `netdsl kernels` for the networks of issue 8's
# table, with both NVRTCs that scripts/get-nvrtc.sh fetches, then the whole zoo for sm_90. Prints markdown tables;
# "before" is the figure measured with NVRTC 11.8 before one kernel per distinct body (issue 8), on this machine kind.
#   bench/nvrtc-compile.sh [> bench/results/nvrtc-compile.md]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/get-nvrtc.sh all > /dev/null
dotnet build src/NetDsl.Cli -c Release -nologo -v quiet > /dev/null
cli=src/NetDsl.Cli/bin/Release/net10.0/NetDsl.Cli.dll

# The summary line: "NET sm_XX: K kernels, max registers R, spill bytes S, compile T s" -> "K|R|S|T"
summary() { # nvrtc-folder network arch
  NETDSL_NVRTC="$PWD/.nvrtc/$1/$(ls ".nvrtc/$1" | grep -E '^libnvrtc\.so\.[0-9.]+$' | head -1)" \
    dotnet "$cli" kernels "$2" --arch "$3" 2>&1 | tail -1 |
    sed -nE 's/.*: ([0-9]+) kernels, max registers ([0-9]+), spill bytes ([0-9]+), compile ([0-9.]+) s$/\1|\2|\3|\4/p'
}

echo "# Cold compiles of whole GPU programs with NVRTC ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F))"
echo
echo "| network | arch | before: cold compile, s (11.8) | max registers | spill stores, B | after: kernels | max registers | spill bytes | cold compile, s (11.8) | cold compile, s (12.4) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
while read -r network arch before registers spills; do
  IFS='|' read -r k r s t118 <<< "$(summary 11.8 "$network" "$arch")"
  IFS='|' read -r _ _ _ t124 <<< "$(summary 12.4 "$network" "$arch")"
  echo "| $network | $arch | $before | $registers | $spills | $k | $r | $s | $t118 | $t124 |"
done <<'TABLE'
lenet5 sm_90 — — —
vgg16 sm_80 38.6 255 5,288
vgg19 sm_80 54.1 255 6,656
resnet18 sm_80 69.8 255 8,036
resnet50 sm_80 161.4 255 54,228
resnet50 sm_90 169.0 255 54,228
resnet101 sm_80 224.1 255 111,212
resnet101 sm_90 332.1 255 111,212
resnet152 sm_80 325 255 —
TABLE

echo
echo "## The whole zoo, sm_90, NVRTC 12.4 (before: about 37 CPU-minutes per architecture)"
echo
total=0 kernels=0 spills=0
for network in alexnet alexnet2012 alexnetgap fashionvgg googlenet googlenetgap lenet5 lenet5classic nin resnet101 resnet110 \
               resnet152 resnet18 resnet20 resnet20gray resnet32 resnet34 resnet44 resnet50 resnet56 vgg11 vgg11bn vgg11lrn \
               vgg13 vgg13bn vgg16 vgg16bn vgg16c vgg16gap vgg19 vgg19bn zfnet; do
  IFS='|' read -r k _ s t <<< "$(summary 12.4 "$network" sm_90)"
  total=$(awk "BEGIN { print $total + $t }") kernels=$((kernels + k)) spills=$((spills + s))
done
echo "32 networks: $kernels kernels, spill bytes $spills, cold compiles adding up to $total s"
