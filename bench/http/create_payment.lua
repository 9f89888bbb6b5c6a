-- create_payment.lua -- wrk scenario "create-payment" of bench/run_api_bench.sh (issue #4).
--
-- Every request is POST /api/v1/payments with a test-mode key and a new Idempotency-Key,
-- so each one creates a payment (sandbox connector, card 4242..., automatic capture):
--
--   wrk -t1 -c16 -d20s --latency -s bench/http/create_payment.lua http://127.0.0.1:PORT \
--       -- API_KEY [RUN_TAG] [AMOUNT]
--
-- Idempotency-Key = <16 random hex digits>-<RUN_TAG>-<thread>-<counter>: unique by the
-- suffix (RUN_TAG, default the clock, keeps keys apart across wrk runs against the same
-- database), and random in front like the UUIDs real clients send, so the keys land at
-- random places in the idempotency_keys primary key, as pgbench's random keys do.
--
-- Anything but 201 counts as an error; done() prints one line the script parses:
--   payd-bench: requests=N expected=N unexpected=N statuses=201:N,... p50_us=X p99_us=Y
-- plus the first unexpected response (status and up to 300 bytes of its body).
-- A run with unexpected > 0 (or wrk socket errors) is invalid.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

-- Globals: done() reads them from each thread with thread:get().
statuses = {}     -- HTTP status -> count
unexpected = 0    -- responses other than 201
first_bad = nil   -- the first of them, for the report

local key, tag, amount, headers, body
local counter = 0

function init(args)
  key = args[1] or os.getenv("PAYD_BENCH_KEY")
  if key == nil or key == "" then
    error("create_payment.lua: pass the API key after --, or set PAYD_BENCH_KEY")
  end
  tag = args[2] or tostring(os.time())
  math.randomseed(os.time() * 1000 + (tid or 0))
  amount = args[3] or "1000"
  body = '{"amount":' .. amount .. ',"currency":"USD","payment_method":"4242424242424242"}'
  headers = {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = string.format("%08x%08x-", math.random(0, 0x7fffffff),
    math.random(0, 0x7fffffff)) .. tag .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/payments", headers, body)
end

function response(status, hdrs, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 then
    unexpected = unexpected + 1
    if first_bad == nil then
      first_bad = status .. " " .. string.sub(resp_body or "", 1, 300)
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
