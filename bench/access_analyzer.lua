-- Sends one pre-signed Access Analyzer request (bench/access_analyzer_signed.py) over
-- wrk's static path. Environment: BENCH_REQUEST (the signed file), BENCH_HOST.
local f = assert(io.open(os.getenv("BENCH_REQUEST"), "r"))
local path = f:read("*l")
local date = f:read("*l")
local authorization = f:read("*l")
local body = f:read("*l")
f:close()
wrk.method = "POST"
wrk.path = path
wrk.body = body
wrk.headers["Host"] = os.getenv("BENCH_HOST")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Amz-Date"] = date
wrk.headers["Authorization"] = authorization
