-- wrk script: POST one image to /api/predict (or FACEMASK_BENCH_PATH, e.g. /api/detect) as
-- multipart/form-data (field "file"). The image path comes from the FACEMASK_BENCH_IMAGE environment variable.
local path = os.getenv("FACEMASK_BENCH_IMAGE")
local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
local image = file:read("*a")
file:close()

local boundary = "----facemask-bench-boundary"
wrk.method = "POST"
wrk.path = os.getenv("FACEMASK_BENCH_PATH") or "/api/predict"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"file\"; filename=\"face.jpg\"\r\n"
  .. "Content-Type: image/jpeg\r\n\r\n"
  .. image .. "\r\n"
  .. "--" .. boundary .. "--\r\n"

-- Optional pacing: FACEMASK_BENCH_DELAY_MS makes each connection wait that long between requests,
-- so 100 connections offer about 100 / (delay + latency) requests per second instead of all they can.
local pause = tonumber(os.getenv("FACEMASK_BENCH_DELAY_MS") or "")
if pause then
  delay = function() return pause end
end

-- Non-2xx answers count as errors (summary.errors.status).
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_s=%.2f rps=%.1f mean_ms=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
