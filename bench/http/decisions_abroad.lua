-- wrk script: POST /v1/decisions sending a random subject's device id to the push SDK abroad
-- (all allowed): each is recorded as a provision and the subject counted abroad once a year.
local token = os.getenv("GEBAO_TOKEN")
local n = tonumber(os.getenv("GEBAO_SUBJECTS") or "1000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  local body = '{"subject":"s' .. math.random(0, n - 1) .. '","purpose":"push","fields":["device_id"],"recipient":"push-sdk"}'
  return wrk.format(nil, nil, nil, body)
end
