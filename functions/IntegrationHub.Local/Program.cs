using IntegrationHub.Local;

// ./hub seed N: a whole city's applications straight into the storage the hub is configured with, then exit.
if (args is ["seed", .. var seed])
{
    return await CitySeed.RunAsync(seed, []);
}

var app = LocalHub.Build(args);
await app.StartAsync();
LocalHub.PrintWelcome(app, Console.Out, terminal: !Console.IsOutputRedirected);
await app.WaitForShutdownAsync();
return 0;
