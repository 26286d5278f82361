-- wrk script: POST /v1/consents, grants and withdrawals for random registered subjects.
-- Every 2xx answer is a record committed to the ledger (group commit, fsync per batch).
local token = os.getenv("GEBAO_TOKEN")
local n = tonumber(os.getenv("GEBAO_SUBJECTS") or "1000")
local actions = { "grant", "withdraw" }
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  local body = '{"subject":"s' .. math.random(0, n - 1) .. '","scope":{"kind":"purpose","purpose":"push"},"action":"'
    .. actions[math.random(1, 2)] .. '","channel":"app"}'
  return wrk.format(nil, nil, nil, body)
end
