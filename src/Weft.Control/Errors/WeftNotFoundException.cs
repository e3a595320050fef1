namespace Weft.Control.Errors;

/// <summary>The named object (network, container, lease, …) does not exist.</summary>
public sealed class WeftNotFoundException(string message, Exception? inner = null) : WeftException(message, inner);
