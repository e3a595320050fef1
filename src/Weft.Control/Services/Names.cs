using System.Text.RegularExpressions;
using Weft.Control.Errors;

namespace Weft.Control.Services;

/// <summary>Docker's rule for network and container names (they also become store keys, so no '/').</summary>
public static partial class Names
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$")]
    private static partial Regex Valid();

    /// <summary>Whether <paramref name="name"/> follows the rule (for names another runtime chose, used only when they do).</summary>
    public static bool IsValid(string name) => Valid().IsMatch(name);

    /// <summary>Throws <see cref="WeftInvalidArgumentException"/> unless <paramref name="name"/> is a valid <paramref name="kind"/> name.</summary>
    public static void Validate(string name, string kind)
    {
        if (!Valid().IsMatch(name))
        {
            throw new WeftInvalidArgumentException(
                $"invalid {kind} name '{name}': use up to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }
}
