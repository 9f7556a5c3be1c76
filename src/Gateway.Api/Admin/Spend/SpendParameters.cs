using System.Globalization;
using Gateway.Api.Errors;
using Gateway.Domain.Keys;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Admin.Spend;

/// <summary>
/// The query parameters the spend routes share, read as LiteLLM reads them: dates as <c>YYYY-MM-DD</c> (also ISO 8601
/// timestamps), keys as plaintext or hash, pages from 1. A value that does not parse is a 400 naming the parameter.
/// </summary>
internal static class SpendParameters
{
    const string DateShape = "expected a date as YYYY-MM-DD or an ISO 8601 timestamp";

    /// <summary>
    /// A time range [from, to): a bare date starts at 00:00 UTC, and as the end it covers that whole day, so
    /// <c>start_date=end_date=2025-01-02</c> is that one day; a timestamp is taken as given (UTC when it has no offset).
    /// </summary>
    public static ApiError? Range(IQueryCollection query, out DateTimeOffset? from, out DateTimeOffset? to)
    {
        to = null;
        if (!TryInstant(query["start_date"], out from, out _))
            return ApiError.InvalidField("start_date", DateShape);
        if (!TryInstant(query["end_date"], out var end, out var wholeDay))
            return ApiError.InvalidField("end_date", DateShape);
        to = end is { } e ? After(e, wholeDay ? TimeSpan.FromDays(1) : TimeSpan.FromTicks(1)) : null;
        return null;
    }

    /// <summary>The end of a range; 9999-12-31 as an end date means "until the end of time", not an overflow.</summary>
    static DateTimeOffset After(DateTimeOffset end, TimeSpan span) =>
        end > DateTimeOffset.MaxValue - span ? DateTimeOffset.MaxValue : end + span;

    /// <summary>Reports answer per day; a longer range than this is surely a typo, and would only make a huge answer.</summary>
    public const int MaxDays = 3660;

    /// <summary>
    /// The required day range of the daily reports, both ends included (a timestamp counts as its UTC day). LiteLLM
    /// compares its end date as midnight, which leaves out that day; here the end day is reported whole.
    /// </summary>
    public static ApiError? Days(IQueryCollection query, out DateOnly from, out DateOnly to)
    {
        from = to = default;
        foreach (var name in (ReadOnlySpan<string>)["start_date", "end_date"])
        {
            if (string.IsNullOrEmpty(query[name]))
                return ApiError.MissingField(name, "a date as YYYY-MM-DD");
            if (!TryInstant(query[name], out var at, out _))
                return ApiError.InvalidField(name, DateShape);
            var day = DateOnly.FromDateTime(at!.Value.UtcDateTime);
            if (name == "start_date") from = day; else to = day;
        }
        return CheckSpan(from, to);
    }

    /// <summary>The days a time range [from, to) touches, for reports that count whole days.</summary>
    public static ApiError? DaysOf(DateTimeOffset from, DateTimeOffset to, out DateOnly first, out DateOnly last)
    {
        first = DateOnly.FromDateTime(from.UtcDateTime);
        last = DateOnly.FromDateTime(to.AddTicks(-1).UtcDateTime);
        return CheckSpan(first, last);
    }

    static ApiError? CheckSpan(DateOnly from, DateOnly to) =>
        to < from ? ApiError.InvalidField("end_date", "must not be before start_date")
        : to.DayNumber - from.DayNumber >= MaxDays ? ApiError.InvalidField("end_date", $"a report covers at most {MaxDays} days")
        : null;

    /// <summary><c>true</c> or <c>false</c> (any case), or <paramref name="fallback"/> when absent.</summary>
    public static ApiError? Flag(IQueryCollection query, string name, bool fallback, out bool value)
    {
        var text = query[name].ToString();
        value = fallback;
        if (text.Length == 0)
            return null;
        return bool.TryParse(text, out value) ? null : ApiError.InvalidField(name, "expected true or false");
    }

    /// <summary>A whole number from 1 to <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static ApiError? Whole(IQueryCollection query, string name, int fallback, int max, out int value)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return null;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max
            ? null
            : ApiError.InvalidField(name, $"expected a whole number from 1 to {max}");
    }

    /// <summary>The text of a parameter, or null when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>LiteLLM's api_key filters take a key or its hash; logs store the hash. A 64-hex value is a hash.</summary>
    public static string KeyHashOf(string keyOrHash) =>
        keyOrHash.Length == 64 && keyOrHash.All(char.IsAsciiHexDigit) ? keyOrHash.ToLowerInvariant() : KeyPlaintext.Hash(keyOrHash);

    static bool TryInstant(string? text, out DateTimeOffset? value, out bool wholeDay)
    {
        value = null;
        wholeDay = false;
        if (string.IsNullOrEmpty(text))
            return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            value = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            wholeDay = true;
            return true;
        }
        // ISO 8601 with 'T' or LiteLLM's UI form "YYYY-MM-DD HH:MM:SS"; nothing looser (no culture-dependent forms).
        if (text.Length >= 16 && text[4] == '-' && text[7] == '-' && text[10] is 'T' or ' '
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            value = at;
            return true;
        }
        return false;
    }
}
