namespace Weft.Cli.Demo;

/// <summary>A demo step did not do what it should; the message names the step and says what went wrong.</summary>
internal sealed class DemoStepFailedException(string message) : Exception(message);
