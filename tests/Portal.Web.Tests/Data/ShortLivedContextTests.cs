using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Features.Alerts;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Features.Experiments;
using Portal.Web.Features.JobRuns;
using Portal.Web.Features.Runbooks;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Data;

/// <summary>
/// A Blazor circuit lives as long as a browser tab: a DbContext it holds would be shared by overlapping live updates
/// and clicks, and would serve stale tracked rows. Services open one short-lived context per operation instead.
/// </summary>
public sealed class ShortLivedContextTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly Type[] DatabaseTypes = [typeof(DbContext), typeof(IServiceScopeFactory), typeof(IDbContextFactory<>)];

    [Fact]
    public void Pages_do_not_touch_the_database()
    {
        var components = typeof(Program).Assembly.GetTypes().Where(t => typeof(ComponentBase).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        Assert.NotEmpty(components);

        var offenders = components.SelectMany(Dependencies)
            .Where(d => d.Owner.Assembly == typeof(Program).Assembly && IsDatabase(d.Type))
            .Select(d => $"{d.Owner.Name}: {d.Type.Name}")
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, "Components that reach the database instead of calling a service: " + string.Join(", ", offenders));
    }

    [Fact]
    public void The_rule_sees_an_injected_context()
    {
        Assert.Contains(Dependencies(typeof(ComponentWithContext)), d => IsDatabase(d.Type));
        Assert.Contains(Dependencies(typeof(ComponentWithScopes)), d => IsDatabase(d.Type));
    }

    [Fact]
    public async Task Services_of_one_circuit_run_their_queries_in_parallel()
    {
        // One scope stands for one circuit: before, every service below shared its one PortalDbContext, and two
        // overlapping calls (a live reload during a click) failed with "A second operation was started on this context".
        await using var circuit = factory.Services.CreateAsyncScope();
        var services = circuit.ServiceProvider;
        var experiments = services.GetRequiredService<ExperimentService>();
        var alerts = services.GetRequiredService<AlertService>();
        var rules = services.GetRequiredService<AlertRuleService>();
        var runbooks = services.GetRequiredService<RunbookService>();
        var jobRuns = services.GetRequiredService<JobRunQuery>();
        var directory = services.GetRequiredService<ModelPicker>();

        var calls = Enumerable.Range(0, 8).SelectMany(_ => new Func<Task>[]
        {
            () => experiments.ListAsync(),
            () => experiments.AnalysesAsync("none"),
            () => alerts.ListAsync(),
            () => rules.ListAsync(),
            () => runbooks.ListAsync(),
            () => jobRuns.SearchAsync(new JobRunFilter(), 0, 50),
            () => directory.NamesAsync(),
        });

        await Task.WhenAll(calls.Select(call => Task.Run(call)));
    }

    private static bool IsDatabase(Type type) =>
        DatabaseTypes.Any(d => d.IsAssignableFrom(type) || (type.IsGenericType && type.GetGenericTypeDefinition() == d));

    /// <summary>What a component is given: constructor parameters and [Inject] properties (what @inject compiles to).</summary>
    private static IEnumerable<(Type Owner, Type Type)> Dependencies(Type component)
    {
        const BindingFlags All = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var parameters = component.GetConstructors(All).SelectMany(c => c.GetParameters()).Select(p => (component, p.ParameterType));
        var injected = Hierarchy(component).SelectMany(t => t.GetProperties(All | BindingFlags.DeclaredOnly))
            .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null)
            .Select(p => (p.DeclaringType!, p.PropertyType));
        return parameters.Concat(injected);
    }

    private static IEnumerable<Type> Hierarchy(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            yield return t;
        }
    }

    private sealed class ComponentWithContext : ComponentBase
    {
        [Inject]
        public PortalDbContext Db { get; set; } = default!;
    }

    private sealed class ComponentWithScopes(IServiceScopeFactory scopes) : ComponentBase
    {
        public IServiceScopeFactory Scopes => scopes;
    }
}
