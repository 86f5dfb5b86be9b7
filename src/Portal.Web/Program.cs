using Portal.Data;
using Portal.Web.Components;
using Portal.Web.Features.Account;
using Portal.Web.Features.Account.SingleSignOn;
using Portal.Web.Features.Admin;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Analysis;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Demo;
using Portal.Web.Features.Experiments;
using Portal.Web.Features.Fairness;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Metrics;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.JobRuns;
using Portal.Web.Features.Models;
using Portal.Web.Features.Provisioning;
using Portal.Web.Features.Quality;
using Portal.Web.Features.Runbooks;
using Portal.Web.Features.Slos;
using Portal.Web.Features.Streaming;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.DataProtection;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.ScaleOut;
using Portal.Web.Infrastructure.Telemetry;
using Portal.Web.Realtime;

var builder = WebApplication.CreateBuilder(PortalHostOptions.Create(args));

builder.Services.AddPortalData(builder.Configuration);
builder.Services.AddPortalWeb(builder.Configuration);
builder.Services.AddPortalDataProtection(builder.Configuration, builder.Environment);
builder.Services.AddPortalAuthentication(builder.Configuration);
builder.Services.AddAccount();
builder.Services.AddSingleSignOn(builder.Configuration);
builder.Services.AddPortalAdmin();
builder.Services.AddPortalUi();
builder.Services.AddRealtime();
builder.Services.AddScaleOut(builder.Configuration);
builder.Services.AddPortalJobs(builder.Configuration);
builder.Services.AddIngestion(builder.Configuration);
builder.Services.AddStreamingDrift(builder.Configuration);
builder.Services.AddDemo(builder.Configuration);
builder.Services.AddAlerting(builder.Configuration);
builder.Services.AddPortalMetrics(builder.Configuration);
builder.Services.AddModels();
builder.Services.AddDashboards(builder.Configuration);
builder.Services.AddExperiments();
builder.Services.AddDriftMonitoring();
builder.Services.AddQualityMonitoring();
builder.Services.AddFairnessMonitoring();
builder.Services.AddSlos(builder.Configuration);
builder.Services.AddJobRuns();
builder.Services.AddProvisioning(builder.Configuration);
builder.Services.AddPortalOpenApi();
builder.Services.AddPortalTelemetry(builder.Configuration);

var app = builder.Build();

// One node at a time (PostgreSQL advisory lock): migrations, the Hangfire schema (the /jobs mapping below opens the
// storage), the roles and the first users.
await using (await app.Services.AcquireStartupLockAsync())
{
    await app.Services.MigratePortalDatabaseAsync();
    app.Services.CheckKeyRing();
    app.Services.PrepareJobStorage();
    await app.InitializePortalIdentityAsync();
}

app.UseScaleOut();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSharedAssets();
app.UseDeclaredBodyLimits();
app.UseAuthentication();
app.UseCookieWriteProtection();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthEndpoints();
app.MapJobsDashboard();
app.MapAnalysisEndpoints();
app.MapAccountEndpoints();
app.MapAdminEndpoints();
app.MapIngestionEndpoints();
app.MapModelEndpoints();
app.MapAlertingEndpoints();
app.MapRunbookEndpoints();
app.MapPortalMetrics();
app.MapRealtime();
app.MapExperimentEndpoints();
app.MapDriftEndpoints();
app.MapStreamingDrift();
app.MapQualityEndpoints();
app.MapFairnessEndpoints();
app.MapSloEndpoints();
app.MapJobRunEndpoints();
app.MapProvisioningEndpoints();
app.MapChangeStream();
app.MapPortalOpenApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
