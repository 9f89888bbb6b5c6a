-- get_payment.lua -- wrk scenario "get-payment" of bench/run_api_bench.sh (issue #4).
--
-- GET /api/v1/payments/{id} with a test-mode key, cycling over payment ids created
-- beforehand (one id per line in IDS_FILE); each wrk thread starts at a different place:
--
--   wrk -t1 -c16 -d20s --latency -s bench/http/get_payment.lua http://127.0.0.1:PORT \
--       -- API_KEY IDS_FILE
--
-- Anything but 200 counts as an error; done() prints one line the script parses:
--   payd-bench: requests=N expected=N unexpected=N statuses=200:N,... p50_us=X p99_us=Y
-- plus the first unexpected response. A run with unexpected > 0 is invalid.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

-- Globals: done() reads them from each thread with thread:get().
statuses = {}     -- HTTP status -> count
unexpected = 0    -- responses other than 200
first_bad = nil   -- the first of them, for the report

local ids = {}
local at = 0
local headers

function init(args)
  local key = args[1] or os.getenv("PAYD_BENCH_KEY")
  local path = args[2] or os.getenv("PAYD_BENCH_IDS")
  if key == nil or key == "" or path == nil then
    error("get_payment.lua: pass API_KEY and IDS_FILE after --")
  end
  for line in io.lines(path) do
    if line ~= "" then table.insert(ids, "/api/v1/payments/" .. line) end
  end
  if #ids == 0 then error("get_payment.lua: no ids in " .. path) end
  at = ((tid or 1) - 1) * 97 % #ids
  headers = { ["Authorization"] = "Bearer " .. key }
end

function request()
  at = at % #ids + 1
  return wrk.format("GET", ids[at], headers)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_bad == nil then
      first_bad = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  local merged = {}
  local first = nil
  for _, t in ipairs(threads) do
    bad = bad + (t:get("unexpected") or 0)
    if first == nil then first = t:get("first_bad") end
    for code, n in pairs(t:get("statuses") or {}) do
      merged[code] = (merged[code] or 0) + n
      total = total + n
    end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, code .. ":" .. n) end
  table.sort(parts)
  io.write(string.format(
    "payd-bench: requests=%d expected=%d unexpected=%d statuses=%s p50_us=%.1f p99_us=%.1f " ..
    "socket_errors=%d\n",
    total, total - bad, bad, table.concat(parts, ","),
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  if first ~= nil then
    io.write("payd-bench: first unexpected response: " .. first .. "\n")
  end
end
