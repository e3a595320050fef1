namespace Weft.Control.Errors;

/// <summary>The request clashes with existing state (name in use, overlapping subnet, address taken, still in use, …).</summary>
public sealed class WeftConflictException(string message, Exception? inner = null) : WeftException(message, inner);
