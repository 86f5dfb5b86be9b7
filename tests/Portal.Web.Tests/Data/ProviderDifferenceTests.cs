using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Data;

/// <summary>
/// What still differs between SQLite and PostgreSQL, one test per item of docs/postgresql.md. Each runs in both passes
/// of the suite (PORTAL_TEST_PROVIDER) and states what the provider under test does, so a change on either side shows.
/// </summary>
public sealed class ProviderDifferenceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private bool OnPostgres => factory.Provider == DatabaseProvider.Postgres;

    [Fact]
    public async Task Times_keep_every_tick_on_sqlite_and_whole_microseconds_on_postgresql()
    {
        var modelId = await NewModelAsync("time-precision");
        var at = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567); // 0.1234567 s
        await WithDbAsync(async db =>
        {
            db.FairnessSettings.Add(new FairnessSettings { ModelId = modelId, Attributes = ["segment"], UpdatedAt = at });
            await db.SaveChangesAsync();
        });

        var stored = await WithDbAsync(db => db.FairnessSettings.AsNoTracking().Where(s => s.ModelId == modelId).Select(s => s.UpdatedAt).SingleAsync());

        // timestamp with time zone holds microseconds: the last tenth of a microsecond is cut off, not rounded.
        Assert.Equal(OnPostgres ? at.AddTicks(-7) : at, stored);
        Assert.Equal(DateTimeKind.Utc, stored.Kind);
    }

    [Fact]
    public async Task Names_are_case_sensitive_on_both_and_sorted_bytewise_in_the_test_databases()
    {
        foreach (var name in new[] { "zeta-case", "Beta-case", "beta-case" })
        {
            await NewModelAsync(name);
        }

        using var client = factory.CreateApiClient();
        using var missing = await client.GetAsync("/api/v1/models/BETA-CASE");
        var names = (await client.GetFromJsonAsync<JsonArray>("/api/v1/models?limit=500"))!
            .Select(m => m!["name"]!.GetValue<string>()).Where(n => n.EndsWith("-case", StringComparison.Ordinal)).ToList();

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // Binary order (upper case first), as SQLite's BINARY and PostgreSQL's "C" collation sort. A PostgreSQL database
        // created with a linguistic collation (en_US.UTF-8) would list beta-case, Beta-case, zeta-case instead.
        Assert.Equal(["Beta-case", "beta-case", "zeta-case"], names);
        if (OnPostgres)
        {
            Assert.Equal("C", await ScalarAsync("SELECT datcollate AS \"Value\" FROM pg_database WHERE datname = current_database()"));
        }
    }

    [Fact]
    public async Task Lists_of_text_are_a_json_array_on_sqlite_and_a_text_array_on_postgresql()
    {
        var modelId = await NewModelAsync("text-lists");
        List<string> attributes = ["a,b", "quote\"d", "{brace}", "back\\slash", "NULL", "Ünïcödé 😀", " spaced "];
        await WithDbAsync(async db =>
        {
            db.FairnessSettings.Add(new FairnessSettings { ModelId = modelId, Attributes = attributes, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });

        var stored = await WithDbAsync(db => db.FairnessSettings.AsNoTracking().Where(s => s.ModelId == modelId).Select(s => s.Attributes).SingleAsync());
        var columnType = OnPostgres
            ? await ScalarAsync("SELECT data_type AS \"Value\" FROM information_schema.columns WHERE table_name = 'FairnessSettings' AND column_name = 'Attributes'")
            : await ScalarAsync($"SELECT typeof(\"Attributes\") || ':' || \"Attributes\" AS \"Value\" FROM \"FairnessSettings\" WHERE \"ModelId\" = {modelId}");

        Assert.Equal(attributes, stored);   // same values, same order, on both
        if (OnPostgres)
        {
            Assert.Equal("ARRAY", columnType);
        }
        else
        {
            Assert.StartsWith("text:[\"a,b\",", columnType);
        }
    }

    [Fact]
    public async Task Doubles_round_trip_exactly_on_both_but_nan_is_refused_by_sqlite_and_stored_by_postgresql()
    {
        var modelId = await NewModelAsync("doubles");
        var extremes = new PredictionRollup
        {
            ModelId = modelId, Version = "extremes", MinuteMs = 60_000, Count = 1, LatencySumMs = 1e15, LatencyMaxMs = double.Epsilon,
            ValueSum = -1e15, ValueSumSq = double.PositiveInfinity,
        };
        await WithDbAsync(async db =>
        {
            db.PredictionRollups.Add(extremes);
            await db.SaveChangesAsync();
        });

        var stored = await WithDbAsync(db => db.PredictionRollups.AsNoTracking().SingleAsync(r => r.ModelId == modelId && r.Version == "extremes"));
        Assert.Equal((1e15, double.Epsilon, -1e15, double.PositiveInfinity), (stored.LatencySumMs, stored.LatencyMaxMs, stored.ValueSum, stored.ValueSumSq));

        // SQLite turns NaN into NULL, which a NOT NULL column refuses; PostgreSQL's double precision keeps NaN.
        // The API never gets that far: a number must be finite and within ±1e15 (InputDefectTests.Huge_numbers_…).
        var nan = new PredictionRollup { ModelId = modelId, Version = "nan", MinuteMs = 60_000, Count = 1, ValueSum = double.NaN };
        var saved = await WithDbAsync(async db =>
        {
            db.PredictionRollups.Add(nan);
            try
            {
                await db.SaveChangesAsync();
                return true;
            }
            catch (DbUpdateException)
            {
                return false;
            }
        });

        Assert.Equal(OnPostgres, saved);
        if (OnPostgres)
        {
            Assert.True(double.IsNaN(await WithDbAsync(db => db.PredictionRollups.Where(r => r.ModelId == modelId && r.Version == "nan").Select(r => r.ValueSum).SingleAsync())));
        }
    }

    [Fact]
    public async Task Text_longer_than_its_column_is_stored_by_sqlite_and_refused_by_postgresql_so_the_api_bounds_it_first()
    {
        var tooLong = new string('m', MlModel.NameMaxLength + 1);
        var saved = await WithDbAsync(async db =>
        {
            db.Models.Add(new MlModel { Name = tooLong });
            try
            {
                await db.SaveChangesAsync();
                return true;
            }
            catch (DbUpdateException)
            {
                return false;
            }
        });

        using var client = factory.CreateApiClient();
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{tooLong[..^1]}x", new { taskType = "binary" });

        Assert.Equal(!OnPostgres, saved);   // varchar(100) is enforced by PostgreSQL only
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<int> NewModelAsync(string name)
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, name);
        return await WithDbAsync(db => db.Models.Where(m => m.Name == name).Select(m => m.Id).SingleAsync());
    }

    private Task<string> ScalarAsync(string sql) => WithDbAsync(db => db.Database.SqlQueryRaw<string>(sql).SingleAsync());

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    private Task WithDbAsync(Func<PortalDbContext, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return 0;
    });
}
