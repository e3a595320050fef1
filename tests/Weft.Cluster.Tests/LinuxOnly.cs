// Weft runs on Linux; these tests check Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
