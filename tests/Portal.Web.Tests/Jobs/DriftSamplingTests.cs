using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Jobs;

/// <summary>
/// A drift run over more rows than <c>Portal:Jobs:DriftMaxRows</c> (set to 200 here) and <c>MmdMaxRows</c> (50) reads
/// samples spread evenly over both sides. The reference is stored in ascending order of amount and the window's
/// predictions arrive in descending order, with the same values: evenly spread samples match, while "the first N rows"
/// of each side would compare the lowest amounts with the highest.
/// </summary>
public sealed class DriftSamplingTests : IDisposable
{
    private readonly PortalFactory factory = new()
    {
        Settings = { ["Portal:Jobs:DriftMaxRows"] = "200", ["Portal:Jobs:MmdMaxRows"] = "50" },
    };

    public void Dispose() => factory.Dispose();

    private async Task<string> SeededModelAsync()
    {
        using var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        await UploadReferenceAsync(client, model, Grid(2000, 100), Grid(2000, 1));
        var now = DateTimeOffset.UtcNow;
        await PostFeaturePredictionsAsync(client, model, [.. Grid(600, 100).Reverse()], [.. Grid(600, 1).Reverse()], now.AddMinutes(-55), now.AddMinutes(-2), "cur");
        await RunAsync<DriftJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));
        return model;
    }

    [Fact]
    public async Task Above_DriftMaxRows_each_side_is_an_evenly_spread_sample_of_at_most_that_many_rows()
    {
        var model = await SeededModelAsync();

        var run = await LatestDriftRunAsync(factory, model);
        Assert.Equal(600, run.CurrentCount); // the window's rows …
        var amount = run.FeatureResults.Single(f => f.Feature == "amount");
        Assert.Equal(200, amount.ReferenceCount); // … every 10th of 2,000 reference rows
        Assert.Equal(200, amount.CurrentCount);   // … every 3rd of 600 predictions
        Assert.False(amount.Drifted, $"amount drifted ({amount.Test} {amount.Score}): the samples are not spread over the whole range");
    }

    [Fact]
    public async Task The_MMD_test_runs_on_evenly_spread_samples_of_MmdMaxRows_rows()
    {
        var model = await SeededModelAsync();

        var run = await LatestDriftRunAsync(factory, model);
        Assert.Contains("MMD on 50 reference and 50 window rows", run.MultivariateMessage);
        Assert.NotNull(run.MmdPValue);
        Assert.False(run.MmdDrift, $"MMD p = {run.MmdPValue}: the samples are not spread over the whole range");
    }
}
