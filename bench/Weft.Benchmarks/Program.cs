using BenchmarkDotNet.Running;

// Runs the micro-benchmarks: `dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
