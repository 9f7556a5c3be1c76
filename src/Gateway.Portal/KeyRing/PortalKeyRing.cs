using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Portal.KeyRing;

/// <summary>
/// The keys that seal the portal's sign-in cookie and antiforgery tokens (ASP.NET Core Data Protection), shared by every
/// gateway on one database: kept in PostgreSQL (<see cref="KeyRingTable"/>), encrypted with a key derived from the
/// master key (<see cref="KeyRingEncryptor"/>), under one application name. Without this each node made its own key
/// ring on its own disk, and someone signed in on node A was sent to sign in again by node B.
/// </summary>
public static class PortalKeyRing
{
    /// <summary>Data Protection isolates applications by name; every node must give the same one (not its content path).</summary>
    public const string ApplicationName = "llm-gateway-portal";

    /// <param name="masterKey">The gateway's master key, which every node of one deployment shares.</param>
    public static IServiceCollection AddPortalKeyRing(this IServiceCollection services, string masterKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(masterKey);
        services.AddSingleton(KeyRingSecret.From(masterKey));
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new KeyRingTable(sp.GetRequiredService<IDocumentStore>());
            options.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<KeyRingSecret>());
        }));
        // Marten creates the table with the rest of the schema (ApplyAllDatabaseChangesOnStartup), once for all nodes.
        services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.Add(KeyRingTable.Definition(options.DatabaseSchemaName)));
        return services;
    }
}

/// <summary>The AES-256 key that encrypts the key ring at rest: HKDF-SHA256 of the master key, so only the gateways can read it.</summary>
public sealed class KeyRingSecret
{
    static readonly byte[] Salt = Encoding.UTF8.GetBytes("llm-gateway portal key ring");
    static readonly byte[] Info = Encoding.UTF8.GetBytes("aes-256-gcm v1");

    KeyRingSecret(byte[] key) => Key = key;

    internal byte[] Key { get; }

    public static KeyRingSecret From(string masterKey) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(masterKey), 32, Salt, Info));
}
