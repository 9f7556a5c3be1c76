namespace Gateway.Portal.Components.Display;

/// <summary>
/// MudBlazor's chart axis ticks are whole numbers, so a chart of a few cents (or of a test's millionths of a dollar)
/// would show one flat line under a "$20" tick. Values are drawn in the largest unit in which the peak is at least 5.
/// </summary>
public readonly record struct SpendScale(double Factor, string Unit, int Ticks)
{
    static readonly (double Factor, string Unit)[] Units =
    [
        (1, "USD"),
        (100, "US cents"),
        (100_000, "thousandths of a cent"),
        (100_000_000, "millionths of a cent"),
    ];

    public static SpendScale For(double peak)
    {
        var (factor, unit) = Units.FirstOrDefault(u => peak * u.Factor >= 5, Units[^1]);
        return new SpendScale(factor, unit, NiceStep(peak * factor / 5));
    }

    public double[] Scale(IEnumerable<double> values)
    {
        var factor = Factor;
        return [.. values.Select(v => v * factor)];
    }

    /// <summary>1, 2 or 5 times a power of ten, at least 1.</summary>
    static int NiceStep(double rough)
    {
        if (rough <= 1 || double.IsNaN(rough))
            return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = rough / power <= 1 ? 1 : rough / power <= 2 ? 2 : rough / power <= 5 ? 5 : 10;
        return (int)Math.Min(int.MaxValue, step * power);
    }
}
