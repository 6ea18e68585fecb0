-- wrk: POST the complaint form, a new form (new idempotency token) each time, so every request files a complaint.
-- BENCH_CSRF_COOKIE and BENCH_CSRF_TOKEN come from one GET of the form (bench/web.py does it).
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local csrf = os.getenv("BENCH_CSRF_TOKEN")
-- BENCH_TOKEN_PREFIX keeps the forms of different runs on one database apart (an unseeded math.random gives
-- every run the same numbers, and a token seen before files no new complaint).
local run = os.getenv("BENCH_TOKEN_PREFIX") or ""
local counter = 0
math.randomseed(os.time())

function setup(thread)
  thread:set("prefix", run .. tostring(math.random(100000000, 999999999)))
end

function request()
  counter = counter + 1
  local token = "bench" .. prefix .. "x" .. counter .. "xxxxxxxxxxxxxxxx"
  local body = "csrfmiddlewaretoken=" .. csrf .. "&token=" .. token ..
    "&name=%E5%8E%8B%E6%B5%8B&phone=13812345678&email=&category=service&capacity=self" ..
    "&description=" .. "bench+submission+" .. counter .. "+the+counter+was+closed+during+its+published+hours." ..
    "&consent=on&website="
  return wrk.format("POST", "/complaints/new/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["Referer"] = "http://127.0.0.1/complaints/new/",
  }, body)
end
