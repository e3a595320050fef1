using Weft.Cni;

// weft-cni: see CniPlugin. The runtime runs it once per command; it talks to weftd over the socket of the configuration.
return await CniPlugin.RunAsync(Environment.GetEnvironmentVariable, Console.In, Console.Out, socket => new WeftdBackend(socket), CancellationToken.None);
