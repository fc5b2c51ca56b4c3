using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace IntegrationHub.Tests.Fixtures;

/// <summary>
/// Exporters in the hub's real OpenTelemetry pipeline that keep everything exported: each span as it is, each metric
/// point and log record as text written at export time (the SDK reuses those objects afterwards).
/// </summary>
public sealed class CapturedTelemetry
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public ConcurrentQueue<string> MetricPoints { get; } = new();

    public ConcurrentQueue<string> LogRecords { get; } = new();

    public BaseExporter<Activity> SpanExporter => new Exporter<Activity>(batch =>
    {
        foreach (var span in batch)
        {
            Spans.Enqueue(span);
        }
    });

    public BaseExporter<Metric> MetricExporter => new Exporter<Metric>(batch =>
    {
        foreach (var metric in batch)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var text = new StringBuilder($"{metric.MeterName} {metric.Name} [{metric.Unit}] {metric.Description}");
                foreach (var tag in point.Tags)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {tag.Key}={tag.Value}");
                }

                MetricPoints.Enqueue(text.ToString());
            }
        }
    });

    public BaseExporter<LogRecord> LogExporter => new Exporter<LogRecord>(batch =>
    {
        foreach (var record in batch)
        {
            var text = new StringBuilder($"{record.LogLevel} {record.CategoryName} {record.EventId} {record.Body} | {record.FormattedMessage}");
            foreach (var attribute in record.Attributes ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $" | {attribute.Key}={attribute.Value}");
            }

            record.ForEachScope((scope, builder) =>
            {
                foreach (var item in scope)
                {
                    builder.Append(CultureInfo.InvariantCulture, $" | scope {item.Key}={item.Value}");
                }
            }, text);
            text.Append(CultureInfo.InvariantCulture, $" | {record.Exception}");
            LogRecords.Enqueue(text.ToString());
        }
    });

    /// <summary>Everything a span exports, as text: name, status, tags, events with their tags, links, resource-free.</summary>
    public static string Describe(Activity span)
    {
        var text = new StringBuilder($"{span.Source.Name} {span.DisplayName} {span.OperationName} {span.Kind} {span.Status} {span.StatusDescription}");
        foreach (var tag in span.TagObjects)
        {
            text.Append(CultureInfo.InvariantCulture, $" | {tag.Key}={tag.Value}");
        }

        foreach (var item in span.Baggage)
        {
            text.Append(CultureInfo.InvariantCulture, $" | baggage {item.Key}={item.Value}");
        }

        foreach (var e in span.Events)
        {
            text.Append(CultureInfo.InvariantCulture, $" | event {e.Name}");
            foreach (var tag in e.Tags)
            {
                text.Append(CultureInfo.InvariantCulture, $" {tag.Key}={tag.Value}");
            }
        }

        foreach (var link in span.Links)
        {
            text.Append(CultureInfo.InvariantCulture, $" | link {link.Context.TraceId}");
        }

        return text.ToString();
    }

    private sealed class Exporter<T>(Action<Batch<T>> export) : BaseExporter<T>
        where T : class
    {
        public override ExportResult Export(in Batch<T> batch)
        {
            export(batch);
            return ExportResult.Success;
        }
    }
}
