-- wrk: the tracking look-up of one existing complaint (number and phone from BENCH_TRACKING / BENCH_PHONE).
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local csrf = os.getenv("BENCH_CSRF_TOKEN")
local body = "csrfmiddlewaretoken=" .. csrf .. "&tracking_number=" .. os.getenv("BENCH_TRACKING") ..
  "&phone=" .. os.getenv("BENCH_PHONE")

function request()
  return wrk.format("POST", "/complaints/track/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["Referer"] = "http://127.0.0.1/complaints/track/",
  }, body)
end
