using System.Text.Json;
using Gateway.Domain.Keys;
using static Gateway.Domain.Tests.Keys.Given;

namespace Gateway.Domain.Tests.Keys;

/// <summary>Marten stores events with System.Text.Json; the "cleared" versus "unchanged" distinction must survive it.</summary>
public class KeyEventSerializationTests
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    static T RoundTrip<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Options), Options)!;

    [Fact]
    public void an_update_keeps_cleared_and_unchanged_fields_apart()
    {
        var update = new KeyUpdated(KeyId, Later, Admin)
        {
            MaxBudget = new(null),
            RpmLimit = new(42),
            Models = new(["gpt-4o"]),
            ExpiresAt = new(null),
        };

        var back = RoundTrip(update);

        Assert.Equal(new Change<decimal?>(null), back.MaxBudget);
        Assert.Equal(new Change<long?>(42), back.RpmLimit);
        Assert.Equal(["gpt-4o"], back.Models!.Value);
        Assert.Equal(new Change<DateTimeOffset?>(null), back.ExpiresAt);
        Assert.Null(back.SoftBudget);
        Assert.Null(back.Tags);
        Assert.Equal(Later, back.At);
    }

    [Fact]
    public void an_issued_key_keeps_its_metadata_and_model_budgets()
    {
        var issued = Issued() with
        {
            Metadata = new Dictionary<string, JsonElement> { ["owner"] = JsonDocument.Parse("{\"team\":\"ops\"}").RootElement },
            ModelMaxBudget = new Dictionary<string, ModelBudget> { ["gpt-4o"] = new(2.5m, "1d") },
            ModelRpmLimit = new Dictionary<string, long> { ["gpt-4o"] = 7 },
        };

        var back = RoundTrip(issued);

        Assert.Equal("ops", back.Metadata["owner"].GetProperty("team").GetString());
        Assert.Equal(new ModelBudget(2.5m, "1d"), back.ModelMaxBudget["gpt-4o"]);
        Assert.Equal(7, back.ModelRpmLimit["gpt-4o"]);
        Assert.Equal(Hash, back.KeyHash);
    }

    [Fact]
    public void a_key_snapshot_survives_a_round_trip()
    {
        var key = Key(issued => issued with { MaxBudget = 3m, BudgetDuration = "1mo", Blocked = true });

        var back = RoundTrip(key);

        Assert.Equal(key.Id, back.Id);
        Assert.Equal(3m, back.MaxBudget);
        Assert.Equal("1mo", back.BudgetDuration);
        Assert.Equal(IssuedAt, back.BudgetWindowAnchor);
        Assert.True(back.Blocked);
    }
}
