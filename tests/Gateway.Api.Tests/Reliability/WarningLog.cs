using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Tests.Reliability;

/// <summary>One log entry: when, how severe, from where, and its message.</summary>
public sealed record LogEntry(DateTime At, LogLevel Level, string Category, string Message, string? Exception);

/// <summary>
/// The entries a gateway writes at Warning and above, under the gateway's own filters (unlike <see cref="CapturedLogs"/>,
/// which opens everything): what an operator's log would show.
/// </summary>
public sealed class WarningLog : ILoggerProvider
{
    readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose() { }

    sealed class Logger(string category, WarningLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                log._entries.Enqueue(new LogEntry(DateTime.UtcNow, logLevel, category, formatter(state, exception),
                    exception is null ? null : $"{exception.GetType().Name}: {exception.Message}"));
        }
    }
}
