using IntegrationHub.Benchmarks;

// dotnet run -c Release --project tests/IntegrationHub.Benchmarks [-- --quick] [--cpu-time] [--json FILE] [BenchmarkDotNet options, e.g. --filter '*Answer*']
return HotPaths.Run(args);
