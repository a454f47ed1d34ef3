-- wrk script for bench/run.py: one URL per run (given on the command line).
-- Prints one line "BENCH-RESULT {...}" (JSON) with throughput, latency
-- percentiles in milliseconds and error counts; bench/run.py parses it.
-- No response() callback: wrk then skips handing every body to Lua, and counts
-- non-2xx/3xx statuses itself (summary.errors.status).
--
-- Requests say "Accept-Encoding: gzip", as every browser does (the page cache
-- and WhiteNoise then send compressed bodies); BENCH_ACCEPT_ENCODING overrides
-- it, an empty value sends no such header.

--
-- Each request asks for "Connection: close" unless BENCH_KEEPALIVE=1: with
-- keep-alive, wrk opens its connections once and the gunicorn workers split
-- them at random (8:0 or 4:4), which alone moved the same page — /healthz
-- included — between ~500 and ~1,500 req/s from one run to the next. A new
-- connection per request is spread over the workers by the kernel, as a load
-- balancer's requests would be; every page, the trivial view included, pays
-- the same loopback connect.

if os.getenv("BENCH_KEEPALIVE") ~= "1" then wrk.headers["Connection"] = "close" end

local encoding = os.getenv("BENCH_ACCEPT_ENCODING")
if encoding == nil then encoding = "gzip" end
if encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_s": %.2f, "rps": %.1f, "bytes": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"latency_ms": {"mean": %.2f, "p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    e.status, e.connect + e.read + e.write + e.timeout, e.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
