using System.Net;
using Gateway.Domain.Limits;

namespace Gateway.Domain.Tests.Limits;

public sealed class FailedAttemptsTests
{
    // 10:00:15 UTC: a quarter into a one-minute window.
    readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 10, 0, 15, TimeSpan.Zero));

    FailedAttempts<string> Attempts(int attempts = 3, int maxTracked = 1000) =>
        new(new FailedAttemptLimit(attempts, TimeSpan.FromMinutes(1), maxTracked), _clock);

    [Fact]
    public void a_client_is_refused_once_it_has_used_its_attempts_and_until_the_window_ends()
    {
        var attempts = Attempts();

        Assert.False(attempts.Record("a"));
        Assert.False(attempts.Record("a"));
        Assert.False(attempts.IsRefused("a", out _));
        Assert.True(attempts.Record("a")); // the last one: the caller may say so once

        Assert.True(attempts.IsRefused("a", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(45), retryAfter);
        Assert.False(attempts.Record("a"));

        _clock.Advance(TimeSpan.FromSeconds(44));
        Assert.True(attempts.IsRefused("a", out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(attempts.IsRefused("a", out _));
        Assert.False(attempts.Record("a")); // counting starts again
        Assert.False(attempts.IsRefused("a", out _));
    }

    [Fact]
    public void other_clients_are_not_held_back_by_one_that_fails()
    {
        var attempts = Attempts();
        for (var i = 0; i < 10; i++)
            attempts.Record("guesser");

        Assert.True(attempts.IsRefused("guesser", out _));
        Assert.False(attempts.IsRefused("someone else", out _));
    }

    [Fact]
    public void a_limit_of_zero_attempts_refuses_no_one()
    {
        var attempts = Attempts(attempts: 0);
        for (var i = 0; i < 100; i++)
            attempts.Record("a");

        Assert.False(attempts.IsRefused("a", out _));
        Assert.Equal(0, attempts.Tracked);
    }

    [Fact]
    public void a_flood_from_many_addresses_takes_bounded_memory_and_is_dropped_when_the_window_ends()
    {
        var attempts = new FailedAttempts<UInt128>(new FailedAttemptLimit(3, TimeSpan.FromMinutes(1), MaxTracked: 1_000), _clock);
        var random = new Random(7);
        var bytes = new byte[4];
        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(bytes);
            attempts.Record(ClientAddress.KeyOf(new IPAddress(bytes)));
        }

        Assert.Equal(1_000, attempts.Tracked);
        Assert.True(attempts.Untracked >= 98_000, $"{attempts.Untracked} failures went uncounted");

        _clock.Advance(TimeSpan.FromMinutes(1));
        attempts.Record(ClientAddress.KeyOf(IPAddress.Parse("192.0.2.1")));
        Assert.Equal(1, attempts.Tracked);
    }

    [Fact]
    public void an_ipv6_host_counts_as_its_whole_64_network_and_never_as_an_ipv4_address()
    {
        Assert.Equal(ClientAddress.KeyOf(IPAddress.Parse("2001:db8:1:2::1")), ClientAddress.KeyOf(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(ClientAddress.KeyOf(IPAddress.Parse("2001:db8:1:2::1")), ClientAddress.KeyOf(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal(ClientAddress.KeyOf(IPAddress.Parse("192.0.2.7")), ClientAddress.KeyOf(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(ClientAddress.KeyOf(IPAddress.Parse("0.0.0.1")), ClientAddress.KeyOf(IPAddress.Parse("::1")));
        Assert.Equal(ClientAddress.Unknown, ClientAddress.KeyOf(null));
    }
}
