namespace Gateway.Api.Config;

/// <summary>"Did you mean model_list?" for a mistyped key.</summary>
internal static class ConfigKeySuggestion
{
    /// <summary>The candidate closest to <paramref name="key"/> if it is within a typo's reach, else null.</summary>
    public static string? Closest(string key, IEnumerable<string> candidates)
    {
        // Short keys need a tighter bound or everything matches everything.
        var reach = key.Length <= 4 ? 1 : 2;
        return candidates
            .Select(c => (Candidate: c, Distance: Distance(key.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= reach)
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }

    // Edit distance counting a swap of neighbours as one edit (optimal string alignment),
    // since "model_lsit" is one slip of the fingers, not two.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
