using System.Reflection;
using Microsoft.AspNetCore.Components;
using NetArchTest.Rules;
using Portal.Analysis.Common;

namespace Portal.Web.Tests.Architecture;

/// <summary>
/// The layout rules of docs/development.md, checked on the compiled assemblies (so razor pages and the global
/// usings of _Imports.razor count too).
/// </summary>
public class FeatureDependencyTests
{
    private const string Features = "Portal.Web.Features";
    private static readonly Assembly Web = typeof(Program).Assembly;

    [Fact]
    public void No_two_feature_folders_depend_on_each_other()
    {
        var edges = FeatureEdges();
        var twoWay = edges.Keys
            .Where(edge => string.CompareOrdinal(edge.From, edge.To) < 0 && edges.ContainsKey((edge.To, edge.From)))
            .Select(edge => $"{edge.From} <-> {edge.To}\n"
                + $"  {edge.From} -> {edge.To}: {string.Join(", ", edges[edge])}\n"
                + $"  {edge.To} -> {edge.From}: {string.Join(", ", edges[(edge.To, edge.From)])}")
            .ToList();

        Assert.True(twoWay.Count == 0, "Feature folders that depend on each other (move the shared piece to "
            + "Infrastructure, or turn one direction into an interface):\n" + string.Join("\n", twoWay));
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_a_feature()
    {
        var result = Types.InAssembly(Web)
            .That().ResideInNamespaceMatching(@"^Portal\.Web\.Infrastructure(\.|$)")
            .Should().NotHaveDependencyOn(Features)
            .GetResult();

        Assert.True(result.IsSuccessful, "Infrastructure types that use a feature (move the shared piece into "
            + "Infrastructure, or let the feature register itself):\n" + string.Join("\n", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Components_do_not_use_the_database_directly()
    {
        var offenders = Types.InAssembly(Web)
            .That().Inherit(typeof(ComponentBase))
            .And().HaveDependencyOnAny("Microsoft.EntityFrameworkCore", "Portal.Data.PortalDbContext",
                "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory")
            .GetTypes()
            .Select(type => type.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, "Components that reach the database themselves (use a feature service):\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void Analysis_does_no_io()
    {
        var result = Types.InAssembly(typeof(AnalysisInputException).Assembly)
            .Should().NotHaveDependencyOnAny("System.IO", "System.Net", "Microsoft.AspNetCore",
                "Microsoft.EntityFrameworkCore")
            .GetResult();

        Assert.True(result.IsSuccessful, "Portal.Analysis types that do I/O or use ASP.NET/EF:\n"
            + string.Join("\n", result.FailingTypeNames ?? []));
    }

    private static List<string> FeatureNames() =>
        Web.GetTypes()
            .Where(type => type.Namespace?.StartsWith(Features + ".", StringComparison.Ordinal) == true)
            .Select(FeatureOf)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>(feature, feature it uses) → the types of the first that use the second, from the compiled IL.</summary>
    private static Dictionary<(string From, string To), List<string>> FeatureEdges()
    {
        var types = Types.InAssembly(Web);
        var edges = new Dictionary<(string From, string To), List<string>>();
        foreach (var to in FeatureNames())
        {
            var users = types.That().ResideInNamespaceMatching($@"^{Features}\.").And().HaveDependencyOn($"{Features}.{to}").GetTypes();
            foreach (var type in users)
            {
                var from = FeatureOf(type);
                if (from != to)
                {
                    (edges.TryGetValue((from, to), out var list) ? list : edges[(from, to)] = []).Add(type.FullName!);
                }
            }
        }

        return edges;
    }

    private static string FeatureOf(Type type) => type.Namespace!.Split('.')[3];
}
