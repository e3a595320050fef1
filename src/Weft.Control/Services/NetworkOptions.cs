using System.Globalization;
using System.Net;
using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Services;

/// <summary>
/// The driver options `--opt key=value` a network accepts, parsed and validated. Anything unknown is refused (naming the
/// option and listing the known ones) rather than silently ignored, so a typo like "encrypt" cannot leave a network open.
/// </summary>
public sealed record NetworkOptions(bool Encrypted, int? Vni, int? Mtu, TimeSpan? EncryptionRotation)
{
    public const string EncryptedKey = "encrypted";
    public const string VniKey = "vni";
    public const string MtuKey = "mtu";
    public const string EncryptionRotationKey = "encryption-rotation";
    public const string PeersKey = "peers";
    public const int MinMtu = 68;
    public const int MaxMtu = 65535;

    /// <summary>Why an encrypted network has no external peers.</summary>
    public const string ExternalPeersNeedPlain =
        "external VTEPs cannot be peers of an encrypted network: they cannot open Weft's sealed datagrams, and plaintext to them would defeat the encryption; use a plain network for them";

    public static IReadOnlyList<string> Known { get; } = [EncryptedKey, VniKey, MtuKey, EncryptionRotationKey, PeersKey];

    /// <summary>External VTEPs from "peers=IP[,IP…]", in the order given, duplicates collapsed; empty when not given.</summary>
    public IReadOnlyList<IPAddress> Peers { get; init; } = [];

    private const string PeersHint = "expected IPv4 addresses of VTEPs, comma-separated, like 192.0.2.10,192.0.2.11";

    public static NetworkOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        var encrypted = false;
        int? vni = null, mtu = null;
        TimeSpan? rotation = null;
        IReadOnlyList<IPAddress> peers = [];
        foreach (var (key, value) in options)
        {
            switch (key)
            {
                case EncryptedKey:
                    encrypted = ParseSwitch(key, value);
                    break;
                case VniKey:
                    if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                    {
                        throw Invalid(key, value, $"expected a number 1..{VniAllocator.Max}");
                    }

                    VniAllocator.Validate(v);
                    vni = (int)v;
                    break;
                case MtuKey:
                    if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m))
                    {
                        throw Invalid(key, value, $"expected a number {MinMtu}..{MaxMtu}");
                    }

                    mtu = m is >= MinMtu and <= MaxMtu
                        ? m
                        : throw new WeftInvalidArgumentException($"mtu {m} is out of range: use {MinMtu}..{MaxMtu}");
                    break;
                case EncryptionRotationKey:
                    rotation = GoDuration.TryParse(value, out var d) && d > TimeSpan.Zero
                        ? d
                        : throw Invalid(key, value, "expected a positive duration like 12h, 30m or 1h30m");
                    break;
                case PeersKey:
                    peers = ParsePeers(value);
                    break;
                default:
                    throw new WeftInvalidArgumentException($"unknown option '{key}': known options are {string.Join(", ", Known)}; pass one of them as --opt KEY[=VALUE] or leave it out");
            }
        }

        if (encrypted && peers.Count > 0)
        {
            throw new WeftInvalidArgumentException(ExternalPeersNeedPlain);
        }

        if (rotation is not null && !encrypted)
        {
            throw new WeftInvalidArgumentException($"option {EncryptionRotationKey} needs an encrypted network: add --opt {EncryptedKey}");
        }

        return new NetworkOptions(encrypted, vni, mtu, rotation) { Peers = peers };
    }

    /// <summary>"192.0.2.10,192.0.2.11": at least one address, each an external VTEP's (<see cref="ExternalPeerAddress"/>).</summary>
    private static List<IPAddress> ParsePeers(string value)
    {
        var peers = new List<IPAddress>();
        foreach (var item in value.Split(','))
        {
            var text = item.Trim();
            if (text.Length == 0)
            {
                throw Invalid(PeersKey, value, $"an address is missing between commas; {PeersHint}");
            }

            if (!ExternalPeerAddress.TryParse(text, out var address, out var problem))
            {
                throw Invalid(PeersKey, text, $"{problem}; {PeersHint}");
            }

            if (!peers.Contains(address)) peers.Add(address);
        }

        return peers;
    }

    /// <summary>A flag option: no value or "true" is on, "false" is off.</summary>
    private static bool ParseSwitch(string key, string value)
    {
        if (value.Length == 0 || value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return value.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? false
            : throw Invalid(key, value, "use 'true', 'false' or no value");
    }

    private static WeftInvalidArgumentException Invalid(string key, string value, string hint) =>
        new($"invalid value '{value}' for option {key}: {hint}");
}
