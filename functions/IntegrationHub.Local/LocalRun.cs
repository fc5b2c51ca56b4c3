namespace IntegrationHub.Local;

/// <summary>
/// One local run: its HUB_* settings, read once before anything is added to the configuration, and the platform key
/// and portal passwords it generated because none was given (shown once, never logged).
/// </summary>
internal sealed class LocalRun(LocalSettings settings)
{
    public const string FileName = "credentials";

    public LocalSettings Settings { get; } = settings;

    public string? PlatformKey { get; set; }

    public string? OperatorPassword { get; set; }

    public string? ViewerPassword { get; set; }

    public string? CommunityPassword { get; set; }

    public IReadOnlyList<string> Lines(string? platform) =>
    [
        .. PlatformKey is null ? [] : new[] { $"Platform {platform}, key (X-Api-Key): {PlatformKey}" },
        .. OperatorPassword is null ? [] : new[] { $"Portal   operator / {OperatorPassword}" },
        .. ViewerPassword is null ? [] : new[] { $"Portal   viewer / {ViewerPassword}" },
        .. CommunityPassword is null ? [] : new[] { $"Portal   {LocalHub.CommunityWorker} (全科社工, 蝶梦社区) and {LocalHub.StreetSupervisor} (街道主管, sample street) / {CommunityPassword}" },
    ];

    /// <summary>Writes the lines to a file created readable and writable by its owner only (0600), replacing any earlier one.</summary>
    public static void Write(string path, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Created afresh, so the mode applies from the first byte (an existing file would keep its old mode).
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    }
}
