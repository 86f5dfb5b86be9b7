using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.ScaleOut;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Jobs;

public sealed class JobRunRecorderTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Run_is_recorded_as_finished_even_when_the_body_clears_the_shared_change_tracker()
    {
        long runId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var recorder = scope.ServiceProvider.GetRequiredService<JobRunRecorder>();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var run = await recorder.RunAsync("test-clear", null, null, null, (_, _) =>
            {
                db.ChangeTracker.Clear(); // as a body that resets its DbContext between evaluations does
                return Task.FromResult(new JobResult("done"));
            }, null, CancellationToken.None);
            runId = run.Id;
        }

        await using var check = factory.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<PortalDbContext>().JobRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal(JobOutcome.Succeeded, stored.Outcome);
        Assert.Equal("done", stored.Summary);
        Assert.NotNull(stored.FinishedAt);
        Assert.Equal(Environment.MachineName, stored.Node); // no Portal:NodeName in the test host
    }

    [Fact]
    public void Node_name_comes_from_configuration_and_defaults_to_the_host_name()
    {
        var named = new PortalNode(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:NodeName"] = "node-b" }).Build());
        var unnamed = new PortalNode(new ConfigurationBuilder().Build());

        Assert.Equal("node-b", named.Name);
        Assert.Equal(Environment.MachineName, unnamed.Name);
        Assert.NotEqual(named.Id, unnamed.Id);
    }

    [Fact]
    public async Task Failing_body_is_recorded_as_failed_with_its_error_and_rethrown()
    {
        long? runId = null;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var recorder = scope.ServiceProvider.GetRequiredService<JobRunRecorder>();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RunAsync("test-fail", null, null, null, (run, _) =>
            {
                runId = run.Id;
                throw new InvalidOperationException("boom");
            }, null, CancellationToken.None));
            Assert.Equal("boom", error.Message);
        }

        await using var check = factory.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<PortalDbContext>().JobRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal(JobOutcome.Failed, stored.Outcome);
        Assert.Equal("InvalidOperationException: boom", stored.Error);
    }
}
