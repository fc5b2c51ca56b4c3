using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Composition;

/// <summary>
/// Every options class is bound through here, so every bad setting stops the host at start with one message per
/// fault that names the setting (as a configuration key and as an environment variable) and the rule it breaks.
/// </summary>
internal static class Settings
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        var bound = configuration.GetSection(section);
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(bound));
        return services.AddOptions<T>().Bind(bound).ValidateOnStart();
    }

    /// <summary>"<c>Handoff:MaxAttempts</c> (environment variable <c>Handoff__MaxAttempts</c>): rule".</summary>
    public static string Describe(string key, string rule) =>
        key.Contains(':', StringComparison.Ordinal)
            ? $"{key} (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}): {rule}"
            : $"{key}: {rule}";

    /// <summary>Stops the start with every fault found in settings read before the host exists (the local host's HUB_* variables).</summary>
    public static void ThrowIfAny(string name, IReadOnlyCollection<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(IConfiguration), failures);
        }
    }

    /// <summary>
    /// Validates a nested options object as a member of its owner: DataAnnotations does not descend into nested objects
    /// on its own, so the owner calls this from its own <see cref="IValidatableObject.Validate"/>.
    /// </summary>
    public static IEnumerable<ValidationResult> ValidateMember(object member, string memberName)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(member, new ValidationContext(member), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult(
            r.ErrorMessage,
            [.. r.MemberNames.Select(m => $"{memberName}.{m}").DefaultIfEmpty(memberName)]));
    }

    /// <summary>
    /// Faults the binder would pass over in silence: keys no property reads (a misspelt setting is otherwise just
    /// ignored) and App Service Key Vault references the platform could not resolve (left as the reference text).
    /// </summary>
    internal static IEnumerable<string> SilentFaults(IConfigurationSection section, Type type)
    {
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is not null && value.StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase))
            {
                yield return Describe(key, "is an unresolved Key Vault reference: the secret is missing or the app's identity may not read it.");
            }
        }

        foreach (var unknown in UnknownKeys(section, type))
        {
            yield return Describe(unknown, $"is not a setting of {section.Path}; check its spelling.");
        }
    }

    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, Type type)
    {
        if (IsScalar(type))
        {
            yield break;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                foreach (var unknown in UnknownKeys(item, element))
                {
                    yield return unknown;
                }
            }

            yield break;
        }

        if (typeof(IDictionary).IsAssignableFrom(type))
        {
            yield break;
        }

        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && IsScalar(property.PropertyType))
            {
                yield return child.Path;
                continue;
            }

            foreach (var unknown in UnknownKeys(child, property.PropertyType))
            {
                yield return unknown;
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(TimeOnly) || underlying == typeof(DateOnly)
            || underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime) || underlying == typeof(Uri) || underlying == typeof(Guid);
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;
}

/// <summary>
/// DataAnnotations and <see cref="IValidatableObject"/> rules of one options class, with each fault given its full
/// configuration key; nested option objects report their members as <c>Outer.Inner</c>, turned into <c>Outer:Inner</c>.
/// </summary>
internal sealed class SectionValidator<T>(IConfigurationSection section) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = Settings.SilentFaults(section, typeof(T)).ToList();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            // A rule over two settings names the first; its message names the other.
            var key = result.MemberNames.Select(m => $"{section.Path}:{m.Replace('.', ':')}").FirstOrDefault() ?? section.Path;
            failures.Add(Settings.Describe(key, result.ErrorMessage ?? "is not valid."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
