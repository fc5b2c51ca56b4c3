using IntegrationHub.Soak;

// ./hub soak N: N applications across the 19 online items, through random department faults and one hub restart.
if (SoakOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

using var interruption = new Interruption();
var report = await SoakRun.RunAsync(options, interruption.Token);
return report?.Clean == true ? 0 : 1;
