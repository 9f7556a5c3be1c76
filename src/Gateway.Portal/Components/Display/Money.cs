using System.Globalization;

namespace Gateway.Portal.Components.Display;

/// <summary>How the portal writes amounts of US dollars: cents, and more digits only for tiny amounts (token prices).</summary>
public static class Money
{
    public static string Format(decimal amount) =>
        amount != 0 && Math.Abs(amount) < 0.01m
            ? "$" + amount.ToString("0.00####", CultureInfo.InvariantCulture)
            : "$" + amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    public static string Format(decimal? amount, string none = "none") => amount is { } a ? Format(a) : none;

    /// <summary>
    /// Every digit the amount has, never rounded (at least cents): what an audit compares, to the last decimal.
    /// </summary>
    public static string Exact(decimal amount) =>
        (amount < 0 ? "-$" : "$") + Math.Abs(amount).ToString("#,0.00" + new string('#', 26), CultureInfo.InvariantCulture);
}
