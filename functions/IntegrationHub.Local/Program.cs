using IntegrationHub.Local;

var app = LocalHub.Build(args);
await app.StartAsync();
LocalHub.PrintWelcome(app, Console.Out, terminal: !Console.IsOutputRedirected);
await app.WaitForShutdownAsync();
