#!/usr/bin/env bash
# Real-GPU check of the agent's NVML binding: run from the repository root on a machine with an
# NVIDIA GPU and driver, with the agent jar built (mvn -q -pl agent -am package). Prints the
# agent's --once frame and nvidia-smi's view of the same GPUs, to compare by eye:
# vram_used_mb/vram_total_mb ~ memory.used/memory.total (MiB), temperature, utilization,
# power_draw_watts ~ power.draw (rounded to whole W), fan_speed_percent ~ fan.speed ([N/A] -> null).
set -u
java=${JAVA:-java}
jar=$(ls agent/target/trulience-agent-*.jar 2>/dev/null | head -n 1)
if [[ -z $jar ]]; then
    echo "No agent jar under agent/target: build it first with 'mvn -q -pl agent -am package'." >&2
    exit 1
fi

echo "=== java"
"$java" -version 2>&1 | head -n 1
echo
echo "=== trulience-agent --once ($jar; stdout = the frame, stderr = logs)"
env -u SIMULATE_GPUS -u NVML_LIBRARY "$java" -jar "$jar" --once 2>&1
echo "exit code: $?"
echo
echo "=== nvidia-smi --query-gpu=index,name,memory.used,memory.total,temperature.gpu,utilization.gpu,power.draw,power.limit,fan.speed --format=csv"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=index,name,memory.used,memory.total,temperature.gpu,utilization.gpu,power.draw,power.limit,fan.speed --format=csv
    echo "exit code: $?"
    nvidia-smi --query-gpu=driver_version,uuid --format=csv,noheader 2>/dev/null | sed 's/^/driver, uuid: /'
else
    echo "nvidia-smi is not installed on this machine (no comparison possible)."
fi
exit 0
