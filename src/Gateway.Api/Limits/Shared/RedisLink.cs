using System.Collections.Concurrent;
using Gateway.Api.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Api.Limits.Shared;

/// <summary>
/// This node's connection to the shared Redis, and whether to use it. Redis is never in the way of a call: while it is
/// away (not reached yet, gone, too slow), <see cref="Up"/> is false and the limits are this node's own, as without Redis
/// (fail open: logged once when it goes, once when it is back). The settlements it missed meanwhile are kept (bounded)
/// and replayed before it is used again, so the spend of calls served while it was away reaches it too.
/// A timer renews this node's heartbeat, which keeps its holds alive in Redis; a node that stops renewing it (it died,
/// or lost Redis) holds nothing there once the heartbeat expires.
/// </summary>
public sealed partial class RedisLink(RedisSettings settings, string databaseName, GatewayNode node, ILogger<RedisLink> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long a heartbeat lives: a dead node's holds are given back within this.</summary>
    public static readonly TimeSpan HeartbeatLifetime = TimeSpan.FromSeconds(10);

    static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);

    /// <summary>Settlements kept while Redis is away; past this the oldest are dropped (and counted).</summary>
    public const int MaxMissed = 100_000;

    readonly ConcurrentQueue<Func<IDatabase, Task>> _missed = new();
    readonly CancellationTokenSource _stopping = new();
    ConnectionMultiplexer? _redis;
    Task? _loop;
    volatile bool _up;
    int _missedCount;
    long _droppedMissed;
    int _failureLogged;
    int _disposed;

    /// <summary>
    /// Every key of this deployment starts with this: a hash tag (one slot), named after the database the nodes share,
    /// so gateways on another database can share the Redis without sharing budgets.
    /// </summary>
    public string Prefix { get; } = "{llm-gateway:" + databaseName + "}:";

    public string NodeId { get; } = node.Id.ToString("N");

    public string HeartbeatMilliseconds { get; } = ((long)HeartbeatLifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether calls use Redis now.</summary>
    public bool Up => _up;

    public IDatabase Database => _redis!.GetDatabase();

    public RedisSettings Settings => settings;

    /// <summary>Settlements not yet replayed (tests).</summary>
    public int Missed => Volatile.Read(ref _missedCount);

    public long DroppedMissed => Interlocked.Read(ref _droppedMissed);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Registered as a service and as a hosted service, so disposed twice; the second does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await StopAsync(CancellationToken.None);
        if (_redis is not null)
            await _redis.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>A call's script failed: limits are this node's own until the timer reaches Redis again.</summary>
    public void Failed(Exception exception)
    {
        if (!_up)
            return;
        _up = false;
        if (Interlocked.Exchange(ref _failureLogged, 1) == 0)
            LogAway(logger, settings.Endpoint, exception.GetType().Name, exception.Message);
    }

    /// <summary>
    /// Runs a script that must reach Redis sooner or later (a settlement, a release), without the call waiting for it:
    /// now when Redis is up; kept for replay when it is away, or when this run fails.
    /// </summary>
    public void Settle(string script, RedisValue[] args)
    {
        if (_up)
            _ = SettleNowAsync(script, args);
        else
            Keep(db => db.ScriptEvaluateAsync(script, null, args));
    }

    async Task SettleNowAsync(string script, RedisValue[] args)
    {
        try
        {
            await Database.ScriptEvaluateAsync(script, null, args);
        }
        catch (Exception ex)
        {
            Failed(ex);
            Keep(db => db.ScriptEvaluateAsync(script, null, args));
        }
    }

    /// <summary>Keeps a settlement Redis missed, to replay when it is back.</summary>
    void Keep(Func<IDatabase, Task> settle)
    {
        _missed.Enqueue(settle);
        if (Interlocked.Increment(ref _missedCount) <= MaxMissed)
            return;
        if (_missed.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _missedCount);
            if (Interlocked.Increment(ref _droppedMissed) == 1)
                LogMissedDropped(logger, MaxMissed);
        }
    }

    async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                _redis ??= await ConnectionMultiplexer.ConnectAsync(settings.Options());
                var db = _redis.GetDatabase();
                await db.StringSetAsync(Prefix + "node:" + NodeId, "1", HeartbeatLifetime);
                var replayed = await ReplayAsync(db);
                if (!_up)
                {
                    _up = true;
                    if (Interlocked.Exchange(ref _failureLogged, 0) == 1)
                        LogBack(logger, settings.Endpoint, replayed);
                    else
                        LogSharing(logger, settings.Endpoint);
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _up = false;
                if (Interlocked.Exchange(ref _failureLogged, 1) == 0)
                    LogAway(logger, settings.Endpoint, ex.GetType().Name, ex.Message);
            }
            try
            {
                await Task.Delay(Beat, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Replays what Redis missed, oldest first, before calls use it again; on later beats, what calls that began while
    /// it was away settled after it came back. A replay whose answer was lost may count twice: more spend, never less.
    /// </summary>
    async Task<int> ReplayAsync(IDatabase db)
    {
        var replayed = 0;
        while (_missed.TryPeek(out var settle))
        {
            await settle(db);
            _missed.TryDequeue(out _);
            Interlocked.Decrement(ref _missedCount);
            replayed++;
        }
        return replayed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Budgets and rate limits are shared with the other gateways through Redis at {Endpoint}")]
    static partial void LogSharing(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis at {Endpoint} cannot be reached ({Error}: {Message}); until it is back, budgets and rate limits count this node's calls (and what it hears of the others') only")]
    static partial void LogAway(ILogger logger, string endpoint, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis at {Endpoint} is reachable again; replayed {Replayed} settlements it missed, and budgets and rate limits are shared again")]
    static partial void LogBack(ILogger logger, string endpoint, int replayed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis has been away so long that more than {Max} settlements waited for it; the oldest are dropped, so Redis will count less than was spent until its budgets are seeded again")]
    static partial void LogMissedDropped(ILogger logger, int max);
}
