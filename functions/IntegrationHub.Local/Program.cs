using IntegrationHub.Local;

var app = LocalHub.Build(args);
await app.StartAsync();
LocalHub.PrintWelcome(app);
await app.WaitForShutdownAsync();
