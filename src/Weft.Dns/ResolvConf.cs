using System.Globalization;
using System.Net;
using System.Text;

namespace Weft.Dns;

/// <summary>
/// The resolver configuration file (resolv.conf(5)): read the host's to find the upstream
/// resolvers, write the container's to point it at the embedded server.
/// Parsing follows glibc: a line starting with '#' or ';' is a comment; "nameserver ADDR";
/// "search D1 D2..." and "domain D" (the last of the two wins); "options O1 O2...".
/// Unknown keywords and unparsable addresses are ignored, as the C library does.
/// </summary>
public sealed class ResolvConf(IReadOnlyList<IPAddress> nameservers, IReadOnlyList<string> search, IReadOnlyList<string> options)
{
    public IReadOnlyList<IPAddress> Nameservers { get; } = nameservers;
    public IReadOnlyList<string> Search { get; } = search;
    public IReadOnlyList<string> Options { get; } = options;

    /// <summary>The address the agent binds the embedded server to in every container.</summary>
    public static readonly IPAddress EmbeddedServerAddress = IPAddress.Parse("127.0.0.11");

    public const string HostPath = "/etc/resolv.conf";

    public static ResolvConf Parse(string text)
    {
        var nameservers = new List<IPAddress>();
        IReadOnlyList<string> search = [];
        var options = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "nameserver" when words.Length >= 2:
                    if (IPAddress.TryParse(words[1], out var address))
                        nameservers.Add(address);
                    break;
                case "search":
                    search = words.Skip(1).TakeWhile(IsNotComment).Select(d => d.TrimEnd('.')).Where(d => d.Length > 0).ToArray();
                    break;
                case "domain" when words.Length >= 2:
                    search = [words[1].TrimEnd('.')];
                    break;
                case "options":
                    options.AddRange(words.Skip(1).TakeWhile(IsNotComment));
                    break;
            }
        }
        return new ResolvConf(nameservers, search, options);
    }

    /// <summary>Reads and parses a file (the host's /etc/resolv.conf by default); a missing file is an empty configuration.</summary>
    public static ResolvConf Load(string path = HostPath)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ResolvConf([], [], []);
        }
    }

    /// <summary>
    /// The nameservers a container's embedded server can forward to, port 53. Loopback resolvers (e.g. systemd-resolved's
    /// 127.0.0.53) are kept: weftd forwards from its own, the host's, namespace, where they answer (Docker skips them
    /// because its older resolver forwarded from inside the container). Only the embedded server's own address is left out,
    /// so a host whose resolv.conf names 127.0.0.11 cannot make the server forward to itself.
    /// </summary>
    public IReadOnlyList<IPEndPoint> UpstreamEndpoints() =>
        Nameservers.Where(a => !a.Equals(EmbeddedServerAddress)).Select(a => new IPEndPoint(a, 53)).ToArray();

    /// <summary>A value of "options NAME:VALUE" (e.g. ndots), or null.</summary>
    public int? OptionValue(string name)
    {
        var prefix = name + ":";
        var last = Options.LastOrDefault(o => o.StartsWith(prefix, StringComparison.Ordinal));
        return last is not null && int.TryParse(last.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : null;
    }

    /// <summary>The configuration a container gets: the embedded server only, ndots:0, and the given search domains.</summary>
    public static ResolvConf ForContainer(IEnumerable<string>? searchDomains = null) =>
        new([EmbeddedServerAddress], searchDomains?.ToArray() ?? [], ["ndots:0"]);

    /// <summary>The file text, one keyword per line.</summary>
    public string Format()
    {
        var text = new StringBuilder("# written by weft: the embedded DNS resolver of this container\n");
        foreach (var nameserver in Nameservers)
            text.Append("nameserver ").Append(nameserver).Append('\n');
        if (Search.Count > 0)
            text.Append("search ").AppendJoin(' ', Search).Append('\n');
        if (Options.Count > 0)
            text.Append("options ").AppendJoin(' ', Options).Append('\n');
        return text.ToString();
    }

    private static bool IsNotComment(string word) => word[0] is not ('#' or ';');
}
