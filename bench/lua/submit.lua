-- wrk: file complaints as browsers do: GET the form (it gives the browser a one-time token), then POST it with
-- that token, so that every POST files a new complaint. Without a session id each pair is a first visit. Run with as many threads as connections
-- (-t16 -c16): each thread's one connection alternates GET and POST, so the latencies are of both.
-- BENCH_SESSIONS: "sessionid|csrftoken" pairs separated by ";", one per thread (bench/web.py form_sessions).
local sessions = {}
for pair in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^;]+") do
  table.insert(sessions, pair)
end
local made = 0
local threads = {}

function setup(thread)
  made = made + 1
  table.insert(threads, thread)
  thread:set("session", sessions[(made - 1) % #sessions + 1])
  thread:set("label", (os.getenv("BENCH_TOKEN_PREFIX") or "") .. "t" .. made)
end

local sid, csrf_cookie, csrf, token
local counter = 0
filed = 0

function init(args)
  sid, csrf_cookie = string.match(session, "([^|]*)|([^|]*)")
end

function request()
  local cookie = "csrftoken=" .. csrf_cookie
  if sid ~= "" then
    cookie = "sessionid=" .. sid .. "; " .. cookie
  end
  if token == nil then
    return wrk.format("GET", "/complaints/new/", {["Cookie"] = cookie, ["Accept-Encoding"] = "identity"})
  end
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. csrf .. "&token=" .. token ..
    "&name=%E5%8E%8B%E6%B5%8B&phone=13812345678&email=&category=service&capacity=self" ..
    "&description=bench+submission+" .. label .. "+" .. counter .. "+the+counter+was+closed+during+its+hours." ..
    "&consent=on&website="
  token = nil
  return wrk.format("POST", "/complaints/new/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Referer"] = "http://127.0.0.1/complaints/new/",
  }, body)
end

function response(status, headers, body)
  if status == 302 then
    filed = filed + 1
  end
  if token == nil and status == 200 then
    token = string.match(body, 'name="token" value="([^"]+)"')
    csrf = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
  end
end

-- How many POSTs filed a complaint (302), printed for bench/common.py to read.
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("filed")
  end
  io.write("complaints filed: " .. total .. "\n")
end
