using System.Text;

namespace Weft.Linux;

/// <summary>Validation of network interface names against the kernel's rules (IFNAMSIZ 16 including the NUL).</summary>
public static class InterfaceName
{
    public const int MaxBytes = 15;

    /// <summary>Throws <see cref="ArgumentException"/> naming the interface when the kernel would refuse the name.</summary>
    public static void Validate(string name, string role = "interface")
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes == 0)
            throw new ArgumentException($"{role} name is empty", nameof(name));
        if (bytes > MaxBytes)
            throw new ArgumentException($"{role} name '{name}' is {bytes} bytes; the kernel allows at most {MaxBytes}", nameof(name));
        if (name is "." or ".." || name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c)))
            throw new ArgumentException($"{role} name '{name}' contains a character the kernel refuses ('/', ':' or whitespace)", nameof(name));
    }
}
