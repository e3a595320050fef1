namespace Weft.Control.Errors;

/// <summary>
/// Base of the control plane's typed errors. The message is one line a person can act on:
/// what is wrong and what to do. The agent maps the subtype to an HTTP status
/// (<see cref="WeftNotFoundException"/> 404, <see cref="WeftConflictException"/> 409,
/// <see cref="WeftInvalidArgumentException"/> 400).
/// </summary>
public abstract class WeftException(string message, Exception? inner = null) : Exception(message, inner);
