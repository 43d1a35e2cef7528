-- wrk script: POST the seed's small payload (309 bytes) to /save-metrics with the API key.
-- Each request comes from a different phone (X-Forwarded-For), as the WAF's per-IP rate rule
-- expects of real traffic.
local f = io.open(os.getenv("PAYLOAD"), "rb")
local body = f:read("*a")
f:close()
local key = os.getenv("API_KEY")
local counter = 0

request = function()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["x-api-key"] = key,
    ["User-Agent"] = "CovidShield/1.4.5 CFNetwork",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", counter % 250,
                                        math.floor(counter / 250) % 250,
                                        math.floor(counter / 62500) % 250),
  }
  return wrk.format("POST", "/save-metrics", headers, body)
end

-- wrk counts answers >= 400 in summary.errors.status (threads' own counters are not visible here).
done = function(summary, latency, requests)
  io.write(string.format("non_200_responses=%d\n", summary.errors.status))
end
