-- Replays a case's requests for wrk, in the order bench/load.py wrote them,
-- starting again from the first when the file runs out.
--
--   wrk -t1 -c8 -d20s --timeout 30s -s bench/wrk.lua http://127.0.0.1:PORT -- FILE
--
-- FILE has one request a line: method, path, body and cookie, tab-separated,
-- "-" for none. The summary is printed as one line of JSON after "BENCH-JSON ".

local requests = {}
local index = 0
local threads = {}
-- Globals, so that done() can read them from each thread's state.
unexpected = 0

function setup(thread)
  threads[#threads + 1] = thread
end

local function field(value)
  if value == "-" then return nil end
  return value
end

function init(args)
  for line in io.lines(args[1]) do
    local method, target, body, cookie = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    local headers = {["Host"] = "127.0.0.1"}
    if field(body) then headers["Content-Type"] = "application/json" end
    if field(cookie) then headers["Cookie"] = cookie end
    requests[#requests + 1] = wrk.format(method, target, headers, field(body))
  end
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  -- wrk counts only 4xx and 5xx as errors; a redirect is a wrong answer here too.
  if status ~= 200 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, '
    .. '"timeout": %d, "not_200": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, wrong))
end
