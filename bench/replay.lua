-- Replays pre-signed Query API requests (lines of bench/signed.py) with wrk.
--
-- Environment:
--   BENCH_REQUESTS  file of signed requests (one per line)
--   BENCH_HOST      the Host header the requests were signed for
--   BENCH_THREADS   wrk's -t (each thread takes every BENCH_THREADS-th line)
--   BENCH_MODE      "cycle" (default): loop over the thread's requests forever;
--                   "once": send each request once, then stop the thread (bulk loads)
--   BENCH_DONE_DIR  in "once" mode, each thread leaves a file here when it is done, so
--                   the caller can end wrk (SIGINT) without waiting for -d
--
-- A single request is served through wrk's static path (no Lua per request).

local path = os.getenv("BENCH_REQUESTS")
local host = os.getenv("BENCH_HOST")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local mode = os.getenv("BENCH_MODE") or "cycle"
local done_dir = os.getenv("BENCH_DONE_DIR")

local function headers(date, authorization, token)
   local h = {
      ["Host"] = host,
      ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
      ["X-Amz-Date"] = date,
      ["Authorization"] = authorization,
   }
   if token ~= nil and token ~= "" then
      h["X-Amz-Security-Token"] = token
   end
   return h
end

-- A line is date, authorization and body, and the session token of temporary
-- credentials when they signed it, separated by tabs.
local function parse(line)
   local date, authorization, body, token = line:match("^([^\t]+)\t([^\t]+)\t([^\t]*)\t?(.*)$")
   return date, authorization, body, token
end

local function count_lines()
   local n = 0
   for _ in io.lines(path) do n = n + 1 end
   return n
end

local single = count_lines() == 1
local next_thread = 0

function setup(thread)
   thread:set("tid", next_thread)
   next_thread = next_thread + 1
end

if single then
   for line in io.lines(path) do
      local date, authorization, body, token = parse(line)
      wrk.method = "POST"
      wrk.path = "/"
      wrk.headers = headers(date, authorization, token)
      wrk.body = body
   end
else
   local reqs = {}
   local i = 0

   function init(args)
      local n = 0
      for line in io.lines(path) do
         if n % nthreads == tid then
            local date, authorization, body, token = parse(line)
            reqs[#reqs + 1] = wrk.format("POST", "/", headers(date, authorization, token), body)
         end
         n = n + 1
      end
   end

   local claimed = 0

   function request()
      -- wrk calls request() once on the first thread before the run, to check the
      -- request's shape; in "once" mode that call must not use up a request. Run-time
      -- calls in "once" mode always follow a delay() that claimed one.
      if mode == "once" and claimed == 0 then
         return reqs[1]
      end
      i = i + 1
      if i > #reqs then
         if mode == "once" then
            i = #reqs
         else
            i = 1
         end
      end
      return reqs[i]
   end

   if mode == "once" then
      -- Once every request is out, connections resend the last one only every few
      -- seconds (a harmless duplicate), so the answers counted below are the thread's
      -- own requests, and a request lost with a dropped connection cannot stall the load.
      -- delay() runs before each request() of a connection, so it is where a
      -- connection claims one of the remaining requests.
      function delay()
         if claimed < #reqs then
            claimed = claimed + 1
            return 0
         end
         return 2000
      end

      local answered = 0
      function response(status, headers, body)
         answered = answered + 1
         if answered >= #reqs then
            if done_dir then
               local f = io.open(done_dir .. "/" .. tid, "w")
               if f then f:close() end
            end
            wrk.thread:stop()
         end
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH {\"requests\": %d, \"duration_us\": %d, \"rps\": %.1f, \"status_errors\": %d, " ..
      "\"socket_errors\": %d, \"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
