#!/usr/bin/env bash
# Start-up and warm-up of the service, JIT-only against ReadyToRun, with tiered PGO on (the .NET
# default) and off, and without tiered compilation. Each variant starts the published service in Production mode ROUNDS times,
# taking turns with the others, and measures from a cold process:
#   ready     process start to the first 200 from /health/ready (the model loaded)
#   first     the first POST /api/predict (curl's total time)
#   cold      wrk paced to ~1,000 requests/s offered for COLD_SECONDS, straight after the first request
#   warm      the same load again for WARM_SECONDS, once the JIT has had its turn
# and prints the median of each. The figures behind README's "Start-up" table:
#
#   bash bench/startup.sh
#   ROUNDS=5 bash bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${MODEL:-models/facemask-v2}
PORT=${PORT:-5081}
ROUNDS=${ROUNDS:-3}
COLD_SECONDS=${COLD_SECONDS:-10}
WARM_SECONDS=${WARM_SECONDS:-10}
OUT=bench/out
WORK=$(mktemp -d)
trap 'kill ${SERVICE_PID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

echo "== build (Release: JIT only, and ReadyToRun)"
dotnet publish FaceMask.Api -c Release -o "$OUT/api" -v quiet -nologo >/dev/null
dotnet publish FaceMask.Api -c Release -p:PublishReadyToRun=true -o "$OUT/api-r2r" -v quiet -nologo >/dev/null
dotnet publish FaceMask.Training -c Release -o "$OUT/cli" -v quiet -nologo >/dev/null
echo "FaceMask.Api.dll: $(stat -c %s "$OUT/api/FaceMask.Api.dll") bytes JIT only, $(stat -c %s "$OUT/api-r2r/FaceMask.Api.dll") bytes ReadyToRun;" \
  "published folders $(du -sm "$OUT/api" | cut -f1) MB and $(du -sm "$OUT/api-r2r" | cut -f1) MB"

dotnet "$OUT/cli/FaceMask.Training.dll" generate --out "$WORK/images" --per-class 1 --size 128 --seed 7 >/dev/null
export FACEMASK_BENCH_IMAGE
FACEMASK_BENCH_IMAGE=$(find "$WORK/images/with_mask" -name '*.jpg' | sort | head -1)

now_ms() { date +%s%3N; }
paced() { # seconds -> "p50 p99 rps"
  FACEMASK_BENCH_DELAY_MS=88 wrk -t2 -c100 -d"$1s" --timeout 10s -s bench/predict.lua "http://127.0.0.1:$PORT" \
    | awk '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["p50_ms"], v["p99_ms"], v["rps"], v["errors"] }'
}

# variant name, published folder, extra environment
VARIANTS=("jit|$OUT/api|" "jit, tiered PGO off|$OUT/api|DOTNET_TieredPGO=0" "jit, no tiering|$OUT/api|DOTNET_TieredCompilation=0"
  "ReadyToRun|$OUT/api-r2r|" "ReadyToRun, PGO off|$OUT/api-r2r|DOTNET_TieredPGO=0")
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    IFS='|' read -r name folder extra <<<"$variant"
    start=$(now_ms)
    env $extra ASPNETCORE_ENVIRONMENT=Production Model__Path="$PWD/$MODEL" RateLimiting__Enabled=false Logging__LogLevel__Default=Warning \
      dotnet "$folder/FaceMask.Api.dll" --urls "http://127.0.0.1:$PORT" >"$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
    until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; do
      kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
      sleep 0.02
    done
    ready=$(( $(now_ms) - start ))
    first=$(curl -s -o /dev/null -w '%{time_total}' -F "file=@$FACEMASK_BENCH_IMAGE" "http://127.0.0.1:$PORT/api/predict")
    cold=$(paced "$COLD_SECONDS")
    warm=$(paced "$WARM_SECONDS")
    echo "$name|$ready|$first|$cold|$warm" | tee -a "$WORK/rounds.txt" | awk -F'|' '{ printf "round: %-20s ready %5d ms, first %.1f ms, cold (p50 p99 rps errors) %s, warm %s\n", $1, $2, $3 * 1000, $4, $5 }'
    kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
  done
done

python3 - "$WORK/rounds.txt" "$ROUNDS" "$COLD_SECONDS" "$WARM_SECONDS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, ready, first, cold, warm = line.strip().split("|")
    rows.setdefault(name, []).append((float(ready), float(first) * 1000, *map(float, cold.split()), *map(float, warm.split())))
print(f"\nmedians of {sys.argv[2]} starts; cold = the first {sys.argv[3]} s paced to ~1,000 requests/s, warm = the next {sys.argv[4]} s")
print(f"{'variant':<22}{'ready ms':>10}{'first ms':>10}{'cold p50':>10}{'cold p99':>10}{'cold rps':>10}{'warm p50':>10}{'warm p99':>10}{'warm rps':>10}{'errors':>8}")
for name, runs in rows.items():
    m = lambda i: statistics.median(r[i] for r in runs)
    errors = sum(r[5] + r[9] for r in runs)
    print(f"{name:<22}{m(0):>10.0f}{m(1):>10.1f}{m(2):>10.2f}{m(3):>10.2f}{m(4):>10.0f}{m(6):>10.2f}{m(7):>10.2f}{m(8):>10.0f}{errors:>8.0f}")
PY
