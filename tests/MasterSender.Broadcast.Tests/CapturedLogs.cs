using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MasterSender.Broadcast.Tests;

/// <summary>Keeps every log message, so a test can see that a failure was reported rather than swallowed.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public bool Contains(string text) => _messages.Any(message => message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Capture(_messages);

    public void Dispose()
    {
    }

    private sealed class Capture(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
