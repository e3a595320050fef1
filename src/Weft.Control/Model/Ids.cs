using System.Security.Cryptography;

namespace Weft.Control.Model;

/// <summary>Docker-style identifiers: 32 random bytes as 64 lowercase hex characters.</summary>
public static class Ids
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The 12-character short form Docker prints.</summary>
    public static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
