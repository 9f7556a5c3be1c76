using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Gateway.Portal.KeyRing;

/// <summary>
/// Data Protection's key ring in the gateway's database: a row per key element (a key, or a key's revocation), in the
/// gateway's schema. Data Protection asks synchronously and seldom (at start-up, then about once a day, or when it
/// meets a key it does not know yet), so this talks to PostgreSQL with Npgsql's synchronous calls rather than
/// blocking on asynchronous ones.
/// </summary>
public sealed class KeyRingTable(IDocumentStore store) : IXmlRepository
{
    public const string TableName = "portal_key_ring";

    string Qualified => $"{store.Options.DatabaseSchemaName}.{TableName}";

    public static Table Definition(string schema)
    {
        var table = new Table($"{schema}.{TableName}");
        table.AddColumn<string>("name").AsPrimaryKey();
        table.AddColumn("xml", "text").NotNull();
        table.AddColumn("stored_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        return table;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"select xml from {Qualified} order by stored_at, name", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = Open();
        // Names are Data Protection's "key-{id}": two nodes never store the same one, but a retry must not fail.
        using var command = new NpgsqlCommand($"insert into {Qualified} (name, xml) values ($1, $2) on conflict (name) do nothing", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    NpgsqlConnection Open()
    {
        var connection = store.Storage.Database.CreateConnection();
        connection.Open();
        return connection;
    }
}
