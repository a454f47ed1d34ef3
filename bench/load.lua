-- wrk script for bench/load_test.sh: cycles through the paths given after "--",
-- counts every response that is not 2xx/3xx (by status) and prints a summary
-- line "LOAD-RESULT {...}" as JSON for the shell script to check.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  if #paths == 0 then paths = { "/" } end
  idx = math.random(#paths)
  bad = 0
  bad_statuses = ""
end

function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx])
end

function response(status, headers, body)
  if status < 200 or status >= 400 then
    bad = bad + 1
    if #bad_statuses < 200 then
      -- wrk pipelines per connection, so the path is not known here; keep the status.
      bad_statuses = bad_statuses .. status .. " "
    end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  local examples = ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    examples = examples .. thread:get("bad_statuses")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    'LOAD-RESULT {"requests": %d, "duration_s": %.1f, "rps": %.1f, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"latency_ms": {"mean": %.1f, "p50": %.1f, "p90": %.1f, "p99": %.1f, "max": %.1f}, ' ..
    '"bad_examples": "%s"}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    total_bad, socket_errors, e.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    examples:gsub('"', "'")))
end
