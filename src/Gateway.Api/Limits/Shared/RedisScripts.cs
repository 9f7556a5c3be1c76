namespace Gateway.Api.Limits.Shared;

/// <summary>
/// The Lua scripts that make each shared check one atomic round trip. Every key starts with the deployment's prefix,
/// which is a Redis hash tag, so all of them live in one slot (a script may touch keys it was not handed).
/// <list type="bullet">
/// <item><c>{p}node:{id}</c>: a node's heartbeat, set with an expiry by every script it runs and by its own timer.</item>
/// <item><c>{p}b:{scope}@{window}</c>: one budget in one window: <c>spent</c> and, per live node, <c>n:{node}</c> = what
/// its calls in flight hold. A node whose heartbeat has expired holds nothing: the next script to look drops its field,
/// so a node that died gives its holds back within a heartbeat's lifetime.</item>
/// <item><c>{p}m:{scope}:{minute}</c>: requests <c>r</c> and tokens <c>t</c> in one minute of Redis's clock.</item>
/// <item><c>{p}p:{scope}</c>: calls in flight per live node, for max_parallel_requests.</item>
/// </list>
/// Money is counted in whole nano-dollars: Lua's numbers are doubles, exact for whole numbers below 2^53 (about nine
/// million dollars per budget window). Whole numbers are written back with <c>%.0f</c>, as Lua would print 1e+15.
/// </summary>
internal static class RedisScripts
{
    const string Held = """
        local function int(x) return string.format('%.0f', x) end
        local function held(key, prefix)
          local fields = redis.call('HGETALL', key)
          local total = 0
          for j = 1, #fields, 2 do
            local field = fields[j]
            if string.sub(field, 1, 2) == 'n:' then
              if redis.call('EXISTS', prefix .. 'node:' .. string.sub(field, 3)) == 1 then
                total = total + tonumber(fields[j + 1])
              else
                redis.call('HDEL', key, field)
              end
            end
          end
          return total
        end
        local function release(key, field, amount)
          local h = tonumber(redis.call('HGET', key, field) or '0')
          if h > amount then
            redis.call('HSET', key, field, int(h - amount))
          elseif h > 0 then
            redis.call('HDEL', key, field)
          end
        end

        """;

    /// <summary>
    /// ARGV: prefix, node, heartbeat ms, amount, count, then per budget: account, max (-1: none), seed, ttl ms.
    /// A budget not yet in Redis starts from the seed (HSETNX: the first node to get there sets it, the others find
    /// it). Checks every budget before holding on any. Answers {0, 0}, or {the refusing budget (from 1), its spend}.
    /// </summary>
    public const string Reserve = Held + """
        local prefix, node = ARGV[1], ARGV[2]
        redis.call('SET', prefix .. 'node:' .. node, '1', 'PX', ARGV[3])
        local amount = tonumber(ARGV[4])
        local n = tonumber(ARGV[5])
        for i = 0, n - 1 do
          local b = 6 + i * 4
          local key = prefix .. 'b:' .. ARGV[b]
          redis.call('HSETNX', key, 'spent', ARGV[b + 2])
          redis.call('PEXPIRE', key, ARGV[b + 3])
          local max = tonumber(ARGV[b + 1])
          local spent = tonumber(redis.call('HGET', key, 'spent'))
          if max >= 0 and spent + held(key, prefix) + amount > max then
            return {i + 1, spent}
          end
        end
        for i = 0, n - 1 do
          redis.call('HINCRBY', prefix .. 'b:' .. ARGV[6 + i * 4], 'n:' .. node, ARGV[4])
        end
        return {0, 0}
        """;

    /// <summary>
    /// ARGV: prefix, node, held (0: the call held nothing here), cost, count, then per budget: account, ttl ms.
    /// Gives back the hold and adds the cost. An account that is gone (expired, Redis restarted) is left alone: the next
    /// reservation seeds it from a node's ledger, which has this cost.
    /// </summary>
    public const string Settle = Held + """
        local prefix, node = ARGV[1], ARGV[2]
        local amount = tonumber(ARGV[3])
        local n = tonumber(ARGV[5])
        for i = 0, n - 1 do
          local key = prefix .. 'b:' .. ARGV[6 + i * 2]
          if amount > 0 then
            release(key, 'n:' .. node, amount)
          end
          if redis.call('HEXISTS', key, 'spent') == 1 then
            redis.call('HINCRBY', key, 'spent', ARGV[4])
            redis.call('PEXPIRE', key, ARGV[7 + i * 2])
          end
        end
        return n
        """;

    /// <summary>
    /// ARGV: prefix, node, heartbeat ms, count, then per scope: scope, rpm, tpm, parallel (-1: none).
    /// Counts in Redis's own minute, so nodes whose clocks differ still share one. Answers {0, 0, minute} or
    /// {the refusing scope (from 1), 1 requests / 2 tokens / 3 parallel, when it resets (Unix seconds)}.
    /// </summary>
    public const string Acquire = Held + """
        local prefix, node = ARGV[1], ARGV[2]
        local now = tonumber(redis.call('TIME')[1])
        local minute = math.floor(now / 60)
        redis.call('SET', prefix .. 'node:' .. node, '1', 'PX', ARGV[3])
        local n = tonumber(ARGV[4])
        for i = 0, n - 1 do
          local b = 5 + i * 4
          local counts = redis.call('HMGET', prefix .. 'm:' .. ARGV[b] .. ':' .. minute, 'r', 't')
          local rpm, tpm, parallel = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
          if rpm >= 0 and tonumber(counts[1] or '0') >= rpm then return {i + 1, 1, (minute + 1) * 60} end
          if tpm >= 0 and tonumber(counts[2] or '0') >= tpm then return {i + 1, 2, (minute + 1) * 60} end
          if parallel >= 0 and held(prefix .. 'p:' .. ARGV[b], prefix) >= parallel then return {i + 1, 3, now + 1} end
        end
        for i = 0, n - 1 do
          local b = 5 + i * 4
          local key = prefix .. 'm:' .. ARGV[b] .. ':' .. minute
          redis.call('HINCRBY', key, 'r', 1)
          redis.call('PEXPIRE', key, 120000)
          if tonumber(ARGV[b + 3]) >= 0 then
            local p = prefix .. 'p:' .. ARGV[b]
            redis.call('HINCRBY', p, 'n:' .. node, 1)
            redis.call('PEXPIRE', p, 86400000)
          end
        end
        return {0, 0, minute}
        """;

    /// <summary>ARGV: prefix, node, tokens, count, then per scope: scope, 1 when it took a parallel slot. Tokens count in the minute the call ends.</summary>
    public const string Release = Held + """
        local prefix, node = ARGV[1], ARGV[2]
        local minute = math.floor(tonumber(redis.call('TIME')[1]) / 60)
        local tokens = tonumber(ARGV[3])
        local n = tonumber(ARGV[4])
        for i = 0, n - 1 do
          local b = 5 + i * 2
          if tokens > 0 then
            local key = prefix .. 'm:' .. ARGV[b] .. ':' .. minute
            redis.call('HINCRBY', key, 't', ARGV[3])
            redis.call('PEXPIRE', key, 120000)
          end
          if ARGV[b + 1] == '1' then
            release(prefix .. 'p:' .. ARGV[b], 'n:' .. node, 1)
          end
        end
        return n
        """;
}
