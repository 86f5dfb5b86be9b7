using System.Reflection;
using System.Text.RegularExpressions;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Documentation;

/// <summary>
/// docs/configuration.md lists every configuration key the portal reads, and nothing it does not read: keys of the
/// options classes bound to a <c>Portal:*</c> section (their <c>Section</c> constant plus each settable property),
/// and keys the code reads by literal name.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    [Fact]
    public void Every_key_the_code_reads_is_documented_and_every_documented_key_is_read()
    {
        var read = KeysReadByCode();
        var documented = DocumentedKeys();

        Assert.NotEmpty(read);
        Assert.Empty(read.Except(documented, StringComparer.Ordinal).Order());
        Assert.Empty(documented.Except(read, StringComparer.Ordinal).Order());
    }

    [Fact]
    public void Documented_keys_parse_the_shorthand_for_keys_of_one_section()
    {
        var keys = KeysInRow("| `Portal:Bootstrap:AdminEmail` / `AdminPassword` | x | y |");

        Assert.Equal(["Portal:Bootstrap:AdminEmail", "Portal:Bootstrap:AdminPassword"], keys);
    }

    private static HashSet<string> KeysReadByCode()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var sections = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section && section.StartsWith("Portal:", StringComparison.Ordinal))
            {
                sections.Add(section);
                AddProperties(type, section, keys);
            }
        }

        // Keys read by literal name (configuration["Portal:…"], GetValue<…>("Portal:…")), found in the source; a literal
        // that is a section name was covered by its options class above.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in LiteralKey().Matches(File.ReadAllText(file)))
            {
                if (!sections.Contains(match.Groups[1].Value))
                {
                    keys.Add(match.Groups[1].Value);
                }
            }
        }

        return keys;
    }

    private static void AddProperties(Type type, string prefix, HashSet<string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true })
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (valueType.IsClass && valueType != typeof(string) && !valueType.IsArray
                && !valueType.IsGenericType && valueType.Namespace?.StartsWith("Portal", StringComparison.Ordinal) == true)
            {
                AddProperties(valueType, key, keys);
            }
            else
            {
                keys.Add(key);
            }
        }
    }

    private static HashSet<string> DocumentedKeys()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "configuration.md"));
        return text.Split('\n').Where(line => line.StartsWith("| `Portal:", StringComparison.Ordinal))
            .SelectMany(KeysInRow).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The first cell of a table row: <c>`Portal:A:B`</c>, optionally followed by <c>/ `C`</c> siblings.</summary>
    private static IEnumerable<string> KeysInRow(string row)
    {
        var cell = row.Split('|', StringSplitOptions.RemoveEmptyEntries)[0];
        var names = Backticked().Matches(cell).Select(m => m.Groups[1].Value).ToList();
        var first = names[0];
        var prefix = first[..first.LastIndexOf(':')];
        return names.Select(name => name.Contains(':') ? name : $"{prefix}:{name}");
    }

    [GeneratedRegex("\"(Portal:[A-Za-z0-9]+(?::[A-Za-z0-9]+)*)\"")]
    private static partial Regex LiteralKey();

    [GeneratedRegex("`([A-Za-z0-9:]+)`")]
    private static partial Regex Backticked();
}
