using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/NetDsl.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
