namespace Weft.Cli;

/// <summary>Bad input caught by the CLI itself; printed as one line <c>Error: message</c>, exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
