#!/usr/bin/env bash
# Benchmark of the prediction service on this machine: builds Release, measures in-process latency,
# starts the service, drives it with wrk (multipart POST of a 128x128 JPEG, 100 connections; then
# whole 400x300 photos to /api/detect) and then Locust (100 users), and prints throughput, latency
# percentiles, errors and peak memory.
#
#   bash bench/run.sh                 # defaults: models/facemask-v2, 3 wrk runs of 30 s per load, Locust 60 s
#   RUNS=5 DURATION=20 bash bench/run.sh
#   PACES="1000:88" RUNS=1 DURATION=20 ONLY_PREDICT=1 bash bench/run.sh   # one paced load, no detection or Locust
#   PHOTO=/path/to/street.jpg RUNS=5 DURATION=20 ONLY_DETECT=1 bash bench/run.sh   # /api/detect alone, on a photo of your own
#
# Every wrk load prints its summary and a per-stage table (bench/stages.py) from the service's
# facemask_request_stage_seconds histograms. Then (PROFILE=0 to skip) two more paced ~1,000/s loads
# look at the runtime: dotnet-counters for thread-pool queueing, GC pauses, lock contention and
# allocation (bench/counters.py), and a dotnet-trace thread-time trace for where the threads' running
# time goes (bench/trace_top.py); the trace's sampling slows the service, so that load's own figures
# are not quoted. Both tools are pinned in .config/dotnet-tools.json.
#
# Rate limiting is switched off for the run: all traffic comes from one address.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${MODEL:-models/facemask-v2}
PORT=${PORT:-5080}
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-100}
LOCUST_USERS=${LOCUST_USERS:-100}
LOCUST_SECONDS=${LOCUST_SECONDS:-60}
OUT=bench/out
WORK=$(mktemp -d)
trap 'kill ${SERVICE_PID:-} ${SAMPLER_PID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need locust python3-locust
dotnet tool restore >/dev/null

echo "== build (Release)"
dotnet publish FaceMask.Api -c Release -o "$OUT/api" -v quiet -nologo >/dev/null
dotnet publish FaceMask.Training -c Release -o "$OUT/cli" -v quiet -nologo >/dev/null
CLI="dotnet $OUT/cli/FaceMask.Training.dll"

echo "== images"
$CLI generate --out "$WORK/images" --per-class 30 --size 128 --seed 7 --scenes 20 --scenes-out "$WORK/photos" --scene-size 400x300 >/dev/null
IMAGE=$(find "$WORK/images/with_mask" -name '*.jpg' | sort | head -1)
PHOTO=${PHOTO:-$(find "$WORK/photos" -name '*.jpg' | sort | head -1)} # a drawn scene unless PHOTO names a real one
PHOTO_FACES=$($CLI detect --model "$MODEL" "$PHOTO" | python3 -c "import json, sys; print(len(json.loads(sys.stdin.readline())['faces']))")
echo "detection: wrk posts $PHOTO ($PHOTO_FACES faces found)"
echo "pool: $(find "$WORK/images" -name '*.jpg' | wc -l) generated 128x128 JPEG faces; wrk posts $IMAGE ($(stat -c %s "$IMAGE") bytes)"

echo "== in-process latency (decode + preprocess + forward)"
$CLI benchmark --model "$MODEL" --image "$IMAGE" --iterations 5000 --photo "$PHOTO"

echo "== service"
ASPNETCORE_ENVIRONMENT=Production Model__Path="$PWD/$MODEL" RateLimiting__Enabled=false Logging__LogLevel__Default=Warning \
  dotnet "$OUT/api/FaceMask.Api.dll" --urls "http://127.0.0.1:$PORT" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { cat "$WORK/service.log"; exit 1; }
echo "ready: $(curl -s "http://127.0.0.1:$PORT/api/health")"

# Peak resident memory of the service while it is under load.
( peak=0; while kill -0 "$SERVICE_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVICE_PID/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$WORK/peak_rss_kb"
    sleep 0.2; done ) &
SAMPLER_PID=$!

export FACEMASK_BENCH_IMAGE="$IMAGE"
echo "== wrk warm-up (10 s: the JIT tiers up)"
wrk -t2 -c"$CONNECTIONS" -d10s -s bench/predict.lua "http://127.0.0.1:$PORT" >/dev/null
summarize() {
  python3 - "$1" "$2" <<'PY'
import statistics, sys
runs = [dict(kv.split("=") for kv in line.split()[1:]) for line in open(sys.argv[1])]
median = lambda key: statistics.median(float(r[key]) for r in runs)
print(f"wrk {sys.argv[2]}, median of {len(runs)} runs: {median('rps'):.0f} requests/s, p50 {median('p50_ms'):.2f} ms, "
      f"p90 {median('p90_ms'):.2f} ms, p99 {median('p99_ms'):.2f} ms, errors {sum(int(r['errors']) for r in runs)} "
      f"of {sum(int(r['requests']) for r in runs)} requests")
PY
}
median_mean() { python3 -c "import statistics, sys; print(statistics.median(float(l.split('mean_ms=')[1].split()[0]) for l in open(sys.argv[1])))" "$1"; }

# One wrk run of $1 seconds (extra arguments: environment for the Lua script, e.g. FACEMASK_BENCH_DELAY_MS=88); prints its BENCH line.
wrk_run() {
  local seconds=$1; shift
  env "$@" wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s bench/predict.lua "http://127.0.0.1:$PORT" | grep '^BENCH'
}

# One load: RUNS wrk runs, then the summary and where the requests' time went (bench/stages.py, from
# the service's own facemask_request_stage_seconds before and after).
load() { # name, description, extra environment for wrk (e.g. FACEMASK_BENCH_DELAY_MS=88)
  local name=$1 description=$2 pace=${3:-}
  echo "== wrk: $RUNS runs of ${DURATION}s, $CONNECTIONS connections, $description"
  curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/$name.before"
  for run in $(seq 1 "$RUNS"); do
    wrk_run "$DURATION" $pace | tee -a "$WORK/$name.txt"
  done
  curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/$name.after"
  summarize "$WORK/$name.txt" "$description"
  python3 bench/stages.py "$WORK/$name.before" "$WORK/$name.after" "$(median_mean "$WORK/$name.txt")"
}

if [ "${ONLY_DETECT:-0}" != 1 ]; then
# Paced: 100 connections each waiting between requests offer about 100 / (wait + latency) per
# second; the waits below offer about 600, 800 and 1,000 requests/s here (PACES to change them).
PACES=${PACES:-"600:150 800:115 1000:88"}
for pace in $PACES; do
  load "paced-${pace%%:*}" "paced to ~${pace%%:*} requests/s offered (each waits ${pace##*:} ms)" "FACEMASK_BENCH_DELAY_MS=${pace##*:}"
done
load saturated "saturated (as fast as $CONNECTIONS connections can go)"

if [ "${PROFILE:-1}" = 1 ]; then
  PROFILE_SECONDS=${PROFILE_SECONDS:-15}
  echo "== dotnet-counters: System.Runtime during ${PROFILE_SECONDS}s paced to ~1,000 requests/s offered"
  dotnet tool run dotnet-counters collect -p "$SERVICE_PID" --counters 'EventCounters\System.Runtime' --refresh-interval 1 \
    --format csv -o "$WORK/counters.csv" --duration "00:00:00:$PROFILE_SECONDS" >"$WORK/counters.log" 2>&1 &
  COUNTERS_PID=$!
  wrk_run "$PROFILE_SECONDS" FACEMASK_BENCH_DELAY_MS=88
  wait "$COUNTERS_PID" || { cat "$WORK/counters.log"; exit 1; }
  python3 bench/counters.py "$WORK/counters.csv"

  echo "== dotnet-trace: thread time during ${PROFILE_SECONDS}s paced to ~1,000 requests/s offered (sampling slows the service)"
  dotnet tool run dotnet-trace collect -p "$SERVICE_PID" --profile dotnet-sampled-thread-time --format Speedscope \
    -o "$WORK/trace.nettrace" --duration "00:00:00:$PROFILE_SECONDS" >"$WORK/trace.log" 2>&1 &
  TRACE_PID=$!
  wrk_run "$PROFILE_SECONDS" FACEMASK_BENCH_DELAY_MS=88
  wait "$TRACE_PID" || { cat "$WORK/trace.log"; exit 1; }
  python3 bench/trace_top.py "$WORK/trace.speedscope.json" 12
fi
fi # ONLY_DETECT

if [ "${ONLY_PREDICT:-0}" = 1 ]; then # quick iterations: the prediction loads alone
  echo "service peak RSS under load: $(( $(cat "$WORK/peak_rss_kb") / 1024 )) MB"
  exit 0
fi

DETECT_CONNECTIONS=${DETECT_CONNECTIONS:-8}
echo "== wrk: $RUNS runs of ${DURATION}s, $DETECT_CONNECTIONS connections, POST /api/detect (one photo, $PHOTO_FACES faces)"
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/detect.before"
for run in $(seq 1 "$RUNS"); do
  FACEMASK_BENCH_IMAGE="$PHOTO" FACEMASK_BENCH_PATH=/api/detect wrk -t2 -c"$DETECT_CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/predict.lua "http://127.0.0.1:$PORT" | grep '^BENCH' | tee -a "$WORK/wrk-detect.txt"
done
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/detect.after"
summarize "$WORK/wrk-detect.txt" "detect ($PHOTO_FACES faces per photo: faces/s = photos/s x $PHOTO_FACES)"
python3 bench/stages.py "$WORK/detect.before" "$WORK/detect.after" "$(median_mean "$WORK/wrk-detect.txt")"

if [ "${ONLY_DETECT:-0}" = 1 ]; then
  echo "service peak RSS under load: $(( $(cat "$WORK/peak_rss_kb") / 1024 )) MB"
  exit 0
fi

# Detection is left out here: photos keep both cores busy and would measure
# the queue behind it, not predictions; the wrk detect runs above measure it alone.
echo "== Locust: $LOCUST_USERS users, ${LOCUST_SECONDS}s, all tasks but detect"
FACEMASK_IMAGES="$WORK/images" FACEMASK_PHOTOS="$WORK/photos" locust -f locustfile.py --exclude-tags detect --headless -u "$LOCUST_USERS" -r 50 -t "${LOCUST_SECONDS}s" \
  --host "http://127.0.0.1:$PORT" --csv "$WORK/locust" --only-summary >/dev/null 2>"$WORK/locust.log" || true
python3 - "$WORK/locust_stats.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    print(f"locust {row['Name']:<20} requests {row['Request Count']:>7} failures {row['Failure Count']:>4} "
          f"rps {float(row['Requests/s']):7.1f} p50 {row['50%']:>4} ms p95 {row['95%']:>4} ms p99 {row['99%']:>4} ms")
PY

echo "== memory"
echo "service peak RSS under load: $(( $(cat "$WORK/peak_rss_kb") / 1024 )) MB"
