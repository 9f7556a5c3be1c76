using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gateway.Api.Hosting;

/// <summary>
/// The master key generated for a default run (no key configured), kept in <c>&lt;root&gt;/master_key</c>
/// so that restarts keep the same key.
/// </summary>
public static class MasterKeyFile
{
    public const string FileName = "master_key";

    /// <summary>
    /// Reads the stored key, or creates one ("sk-" + 32 random bytes, base64url) readable only by
    /// the owner. <paramref name="created"/> tells the caller to show the new key once.
    /// </summary>
    public static string LoadOrCreate(string rootDirectory, out bool created)
    {
        var path = Path.Combine(rootDirectory, FileName);
        if (TryRead(path) is { } existing)
        {
            created = false;
            return existing;
        }

        var blank = File.Exists(path); // left empty by hand: replace it
        Directory.CreateDirectory(rootDirectory);
        var key = "sk-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        try
        {
            // Created with mode 0600 from the start, so the key is never readable by others, not even briefly.
            if (blank)
                File.Delete(path);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var file = new FileStream(path, options);
            using var writer = new StreamWriter(file);
            writer.Write(key + "\n");
        }
        catch (IOException) when (TryRead(path) is not null)
        {
            // Another gateway started from the same directory wrote its key first: use that one.
            created = false;
            return TryRead(path)!;
        }

        created = true;
        return key;
    }

    /// <summary>The stored key, or null when there is no file or it is blank.</summary>
    static string? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        var text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }
}
