-- wrk script for bench/survey_responses.py. Run with as many threads as connections, so each
-- thread is one resident on one keep-alive connection and its requests go strictly in turn.
--
--   wrk -t16 -c16 -d5s -s bench/survey_load.lua URL -- OUT_FILE journey STEPS_FILE
--       walk the steps (METHOD PATH [BODY] lines; {csrf} is the token from the first page,
--       a line ending in " REF" is the confirmation page, whose reference number is collected)
--   wrk ... -- OUT_FILE post PATH BODY
--       GET PATH once for a session and token, then POST BODY to it again and again (the floor)
--   wrk ... -- OUT_FILE submit SESSIONS_FILE PATH THREADS BODY
--       each POST of BODY to PATH uses the next unused "cookie token" line (one ready draft each)
-- done() writes every thread's "ok N", "failed N" and "ref R" lines, then the totals, to OUT_FILE.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local mode, steps, sessions, post_path, post_body
local step, cookie, token, cursor, stride = 1, nil, nil, 0, 1
-- Globals, so done() can read them from each thread.
ok, failed, refs, out = 0, 0, {}, nil

local function lines(path)
  local result = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(result, line) end
  end
  return result
end

function init(args)
  out, mode = args[1], args[2]
  if mode == "journey" then
    steps = {}
    for _, line in ipairs(lines(args[3])) do
      local ref = line:sub(-4) == " REF"
      if ref then line = line:sub(1, -5) end
      local method, path, body = line:match("^(%S+) (%S+) ?(.*)$")
      table.insert(steps, { method = method, path = path, body = body, ref = ref })
    end
  elseif mode == "post" then
    post_path, post_body = args[3], args[4]
    steps = { { method = "GET", path = post_path }, { method = "POST", path = post_path, body = post_body } }
  elseif mode == "submit" then
    sessions = lines(args[3])
    post_path, stride, post_body = args[4], tonumber(args[5]), args[6]
    cursor = id
  end
end

local function form(path, body)
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if cookie then headers["Cookie"] = cookie end
  return wrk.format("POST", path, headers, (body:gsub("{csrf}", token or "")))
end

function request()
  if mode == "submit" then
    local line = sessions[cursor]
    if not line then
      -- Out of ready drafts: a harmless GET keeps wrk going without storing anything.
      return wrk.format("GET", "/healthz")
    end
    cookie, token = line:match("^(%S+) (%S+)$")
    return form(post_path, post_body)
  end
  local s = steps[step]
  if s.method == "POST" then return form(s.path, s.body) end
  return wrk.format("GET", s.path, cookie and { Cookie = cookie } or {})
end

local function restart()
  step, cookie, token = 1, nil, nil
end

function response(status, headers, body)
  if mode == "submit" then
    if sessions[cursor] then
      if status == 303 or status == 302 then ok = ok + 1 else failed = failed + 1 end
      cursor = cursor + stride
    end
    return
  end
  local s = steps[step]
  local set = headers["Set-Cookie"]
  if set then cookie = set:match("^([^;]+)") end
  local good = (s.method == "GET" and status == 200) or (s.method == "POST" and (status == 303 or status == 302))
  if not good then
    failed = failed + 1
    restart()
    return
  end
  if not token and s.method == "GET" then
    token = body:match('name="csrf_token" type="hidden" value="([^"]+)"')
  end
  if s.ref then
    local ref = body:match("Your reference number<br><strong>([%w%-]+)</strong>")
    if ref then table.insert(refs, ref) else failed = failed + 1 end
  end
  if mode == "post" then
    if s.method == "POST" then ok = ok + 1 end
    step = 2
    return
  end
  step = step + 1
  if step > #steps then
    ok = ok + 1
    restart()
  end
end

function done(summary, latency, requests)
  local fh = io.open(threads[1]:get("out"), "w")
  for _, thread in ipairs(threads) do
    fh:write("ok ", thread:get("ok"), "\n")
    fh:write("failed ", thread:get("failed"), "\n")
    for _, ref in ipairs(thread:get("refs")) do fh:write("ref ", ref, "\n") end
  end
  fh:write("requests ", summary.requests, "\n")
  fh:write("errors ", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, "\n")
  fh:write("seconds ", summary.duration / 1e6, "\n")
  for _, p in ipairs({ 50, 95, 99 }) do
    fh:write("p", p, " ", latency:percentile(p) / 1000, "\n")
  end
  fh:close()
end
