using System.Globalization;
using ScottPlot;

namespace IntegrationHub.Bench;

/// <summary>The run's charts as PNG files (ScottPlot 5): throughput and latency percentiles against clients, the pipeline's latency, the drain.</summary>
internal static class BenchCharts
{
    private const int Width = 1150;
    private const int Height = 560;

    private static readonly Color Kestrel = Colors.Gray;
    private static readonly Color Azurite = Colors.SteelBlue;
    private static readonly Color Hub = Colors.OrangeRed;

    public static IReadOnlyList<string> Write(BenchResults results, string directory)
    {
        var written = new List<string>();
        if (results.Floors is { } floors && results.Intake is { Count: > 0 } intake)
        {
            written.Add(Throughput(floors, intake, Path.Combine(directory, "throughput.png")));
            written.Add(Latency(floors, intake, Path.Combine(directory, "latency.png")));
        }

        if (results.Pipeline is { Count: > 0 } pipeline)
        {
            written.Add(Pipeline(pipeline, Path.Combine(directory, "pipeline.png")));
        }

        if (results.Drain is { Progress.Count: > 0 } drain)
        {
            written.Add(Drain(drain, results.Floors?.AzuriteAt(results.Options.TargetClients)?.Result.Rate, Path.Combine(directory, "drain.png")));
        }

        return written;
    }

    public static string Throughput(FloorResults floors, IReadOnlyList<Step> intake, string path)
    {
        var plot = new Plot();
        var clients = intake.Select(s => s.Result.Clients).ToArray();
        Series(plot, clients, floors.Kestrel, s => s.Result.Rate, Kestrel, LinePattern.Solid, "Kestrel floor (bare HTTP)");
        Series(plot, clients, floors.Azurite, s => s.Result.Rate, Azurite, LinePattern.Solid, "Azurite floor (transaction of 2 rows + queue message)");
        Series(plot, clients, intake, s => s.Result.Rate, Hub, LinePattern.Solid, "hub intake (accepted)");
        if (floors.Wrk.Count > 0)
        {
            var points = floors.Wrk.Where(w => clients.Contains(w.Clients)).ToList();
            var marks = plot.Add.ScatterPoints(points.Select(w => (double)Array.IndexOf(clients, w.Clients)).ToArray(), points.Select(w => Math.Log10(w.Rate)).ToArray());
            marks.Color = Kestrel;
            marks.MarkerShape = MarkerShape.OpenDiamond;
            marks.MarkerSize = 10;
            marks.LegendText = "Kestrel floor measured by wrk";
        }

        Finish(plot, clients, "Throughput against concurrency", "requests / s (log)");
        plot.SavePng(path, Width, Height);
        return path;
    }

    public static string Latency(FloorResults floors, IReadOnlyList<Step> intake, string path)
    {
        var plot = new Plot();
        var clients = intake.Select(s => s.Result.Clients).ToArray();
        foreach (var (name, pattern) in new[] { ("p50", LinePattern.Solid), ("p95", LinePattern.Dashed), ("p99", LinePattern.Dotted) })
        {
            Series(plot, clients, floors.Kestrel, s => s.Result.Latency[name], Kestrel, pattern, $"Kestrel floor {name}");
            Series(plot, clients, floors.Azurite, s => s.Result.Latency[name], Azurite, pattern, $"Azurite floor {name}");
            Series(plot, clients, intake, s => s.Result.Latency[name], Hub, pattern, $"hub intake {name}");
        }

        Finish(plot, clients, "Latency percentiles against concurrency", "milliseconds (log)");
        plot.SavePng(path, Width, Height);
        return path;
    }

    public static string Pipeline(IReadOnlyList<PipelineResults> pipeline, string path)
    {
        var plot = new Plot();
        Color[] colors = [Colors.OrangeRed, Colors.SeaGreen, Colors.MediumPurple];
        for (var i = 0; i < pipeline.Count; i++)
        {
            var p = pipeline[i];
            var label = p.Item[..2] switch { "GA" => "public security", "FG" => "housing", _ => "social security" };
            Cdf(plot, p.ReceivedSeconds, colors[i % colors.Length], LinePattern.Dashed, $"{p.Item} ({label}): department received");
            Cdf(plot, p.ToldSeconds, colors[i % colors.Length], LinePattern.Solid, $"{p.Item} ({label}): platform told the final status");
        }

        plot.Title("Submission to department and to final (cumulative share of applications)");
        plot.XLabel("seconds after submission (log)");
        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.YLabel("share of applications");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    public static string Drain(DrainResults drain, double? floorRate, string path)
    {
        var plot = new Plot();
        var xs = drain.Progress.Select(p => p.Seconds).Prepend(0).ToArray();
        var ys = drain.Progress.Select(p => (double)p.Final).Prepend(0).ToArray();
        var line = plot.Add.ScatterLine(xs, ys);
        line.Color = Hub;
        line.LineWidth = 2;
        line.LegendText = $"final, as the platform is told ({drain.Accepted:N0} queued, {Percent(drain)} of calls answered 503)";
        if (floorRate is > 0 and var rate)
        {
            var end = Math.Min(xs[^1], drain.Accepted / (rate / 5));
            var target = plot.Add.ScatterLine(new[] { 0, end }, new[] { 0, end * rate / 5 });
            target.Color = Azurite;
            target.LinePattern = LinePattern.Dashed;
            target.LegendText = string.Create(CultureInfo.InvariantCulture, $"target pace: 1/5 of the Azurite floor ({rate / 5:0}/s)");
        }

        plot.Title("Drain of queued applications");
        plot.XLabel("seconds since the hub came up");
        plot.YLabel("applications final");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Percent(DrainResults drain)
    {
        var injected = drain.Faults.Where(f => f.Key.StartsWith("503", StringComparison.Ordinal)).Sum(f => f.Value);
        return drain.DepartmentCalls > 0 ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * injected / drain.DepartmentCalls:0}%") : "—";
    }

    private static void Series(Plot plot, int[] clients, IReadOnlyList<Step> steps, Func<Step, double> value, Color color, LinePattern pattern, string label)
    {
        var points = steps.Where(s => clients.Contains(s.Result.Clients) && value(s) > 0).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(points.Select(s => (double)Array.IndexOf(clients, s.Result.Clients)).ToArray(), points.Select(s => Math.Log10(value(s))).ToArray());
        scatter.Color = color;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
        scatter.LegendText = label;
    }

    private static void Cdf(Plot plot, IReadOnlyList<double> seconds, Color color, LinePattern pattern, string label)
    {
        if (seconds.Count == 0)
        {
            return;
        }

        var sorted = seconds.Select(s => Math.Log10(Math.Max(s, 0.001))).Order().ToArray();
        var line = plot.Add.ScatterLine(sorted, sorted.Select((_, i) => (i + 1) / (double)sorted.Length).ToArray());
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.LegendText = label;
    }

    /// <summary>Ticks for an axis whose values were plotted as log10: at the powers of ten, labelled with the values themselves.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("#,0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>Clients as evenly spaced categories; the values were plotted as log10, so the axis labels give them back.</summary>
    private static void Finish(Plot plot, int[] clients, string title, string yLabel)
    {
        plot.Axes.Bottom.SetTicks(clients.Select((_, i) => (double)i).ToArray(), clients.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel("concurrent clients");
        plot.YLabel(yLabel);
        // Outside the data: on a log axis the floors fill the top of the plot, where a legend inside would cover them.
        plot.ShowLegend(Edge.Right);
        plot.Axes.Margins(0.08, 0.12);
    }
}
