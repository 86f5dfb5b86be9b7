using Portal.Data;
using Portal.Web.Components;
using Portal.Web.Features.Account;
using Portal.Web.Features.Admin;
using Portal.Web.Features.Analysis;
using Portal.Web.Features.Demo;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Models;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.ScaleOut;
using Portal.Web.Realtime;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddPortalData(builder.Configuration);
builder.Services.AddPortalWeb(builder.Configuration);
builder.Services.AddPortalAuthentication(builder.Configuration);
builder.Services.AddPortalAdmin();
builder.Services.AddPortalUi();
builder.Services.AddRealtime();
builder.Services.AddScaleOut(builder.Configuration);
builder.Services.AddPortalJobs(builder.Configuration);
builder.Services.AddIngestion(builder.Configuration);
builder.Services.AddDemo(builder.Configuration);

var app = builder.Build();

// One node at a time (PostgreSQL advisory lock): migrations, the Hangfire schema (the /jobs mapping below opens the
// storage), the roles and the first users.
await using (await app.Services.AcquireStartupLockAsync())
{
    await app.Services.MigratePortalDatabaseAsync();
    app.Services.PrepareJobStorage();
    await app.InitializePortalIdentityAsync();
}

app.UseScaleOut();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSharedAssets();
app.UseDeclaredBodyLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthEndpoints();
app.MapJobsDashboard();
app.MapAnalysisEndpoints();
app.MapAdminEndpoints();
app.MapIngestionEndpoints();
app.MapModelEndpoints();
app.MapChangeStream();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
