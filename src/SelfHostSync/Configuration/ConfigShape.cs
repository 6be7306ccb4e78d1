using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace SelfHostSync.Configuration;

/// <summary>
/// Checks the shape of the <c>SelfHostSync</c> section against the options classes before binding: a value of the
/// wrong type, an object where a value belongs (or the reverse) and an unknown key are each one problem, all of them
/// reported at once. The binder alone stops at the first wrong type without naming the key, and silently ignores a
/// misspelt key — which for <c>Tags.Write</c> or <c>DryRun</c> would mean writes the operator turned off.
/// </summary>
internal static class ConfigShape
{
    /// <summary>The problems, one line each, and the configuration paths they are about (to be left out of binding).</summary>
    public static (IReadOnlyList<string> Problems, IReadOnlyList<string> Paths) Check(IConfigurationSection section, IReadOnlyList<Type> areas)
    {
        var problems = new Problems();
        if (section.GetChildren().Any() || string.IsNullOrEmpty(section.Value))
        {
            Members(section, [.. areas.SelectMany(Writable).DistinctBy(p => p.Name)], string.Empty, problems);
        }
        else
        {
            problems.Add(section, $"{section.Key}: expected an object {{ … }}, found a single value");
        }

        return (problems.Lines, problems.Paths);
    }

    /// <summary>Each line with the configuration path of the value it is about.</summary>
    private sealed class Problems
    {
        public List<string> Lines { get; } = [];

        public List<string> Paths { get; } = [];

        public void Add(IConfigurationSection at, string line)
        {
            Lines.Add(line);
            Paths.Add(at.Path);
        }
    }

    private static void Walk(IConfigurationSection section, Type type, string key, Problems problems)
    {
        var children = section.GetChildren().ToList();
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(scalar))
        {
            if (children.Count > 0)
            {
                problems.Add(section, $"{key}: expected {Describe(scalar)}, found an object or a list");
            }
            else if (!string.IsNullOrEmpty(section.Value) && ValueProblem(scalar, section.Value) is { } problem)
            {
                problems.Add(section, $"{key}: {problem}");
            }

            return;
        }

        if (children.Count == 0)
        {
            // JSON null, [] and {} arrive as an empty value: nothing set.
            if (!string.IsNullOrEmpty(section.Value))
            {
                problems.Add(section, $"{key}: expected {Describe(type)}, found a single value");
            }

            return;
        }

        if (ElementOfList(type) is { } element)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add(section, $"{key}: expected a list [ … ], found an object");
                    return;
                }

                Walk(child, element, $"{key}[{child.Key}]", problems);
            }

            return;
        }

        if (ValueOfDictionary(type) is { } value)
        {
            foreach (var child in children)
            {
                Walk(child, value, Join(key, child.Key), problems);
            }

            return;
        }

        Members(section, Writable(type), key, problems);
    }

    private static List<PropertyInfo> Writable(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)];

    private static void Members(IConfigurationSection section, List<PropertyInfo> properties, string key, Problems problems)
    {
        foreach (var child in section.GetChildren())
        {
            var property = properties.Find(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var near = properties.Select(p => p.Name).Where(n => Distance(n.ToUpperInvariant(), child.Key.ToUpperInvariant()) <= 2).ToList();
                problems.Add(
                    child,
                    near.Count == 1
                        ? $"{Join(key, child.Key)}: unknown key (did you mean {Join(key, near[0])}?)"
                        : $"{Join(key, child.Key)}: unknown key"
                );
                continue;
            }

            Walk(child, property.PropertyType, Join(key, property.Name), problems);
        }
    }

    private static bool IsScalar(Type type) => type == typeof(string) || type == typeof(bool) || type == typeof(int);

    private static string? ValueProblem(Type type, string value) =>
        type switch
        {
            _ when type == typeof(bool) && !bool.TryParse(value, out _) => $"'{value}' is not true or false",
            _ when type == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
                $"'{value}' is not a whole number",
            _ => null,
        };

    private static string Describe(Type type) =>
        type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => "a whole number",
            _ when type == typeof(string) => "a string",
            _ when ElementOfList(type) is not null => "a list [ … ]",
            _ => "an object { … }",
        };

    private static Type? ElementOfList(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static Type? ValueOfDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static string Join(string key, string child) => key.Length == 0 ? child : $"{key}.{child}";

    /// <summary>Levenshtein distance, for "did you mean" on a misspelt key.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
