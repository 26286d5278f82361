-- wrk script: POST /v1/decisions for random registered subjects (all allowed).
local token = os.getenv("GEBAO_TOKEN")
local n = tonumber(os.getenv("GEBAO_SUBJECTS") or "1000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  local body = '{"subject":"s' .. math.random(0, n - 1) .. '","purpose":"recommend","fields":["browsing","device_id"]}'
  return wrk.format(nil, nil, nil, body)
end
