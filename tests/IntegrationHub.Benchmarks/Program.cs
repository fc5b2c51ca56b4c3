using BenchmarkDotNet.Running;
using IntegrationHub.Benchmarks;

// dotnet run -c Release --project tests/IntegrationHub.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(IntakeBenchmarks).Assembly).Run(args);
