namespace Weft.Control.Errors;

/// <summary>The request itself is malformed (bad CIDR, unknown option, unsupported driver, …).</summary>
public sealed class WeftInvalidArgumentException(string message, Exception? inner = null) : WeftException(message, inner);
