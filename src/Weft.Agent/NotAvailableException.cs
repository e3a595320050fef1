namespace Weft.Agent;

/// <summary>An API the agent does not serve yet; answered with 501 and this message (never a fake success).</summary>
public sealed class NotAvailableException(string message) : Exception(message);
