namespace Portal.Web.Features.Account;

public static class AccountServiceCollectionExtensions
{
    /// <summary>The demo users created at start-up (the sign-in pages need no services of their own).</summary>
    public static IServiceCollection AddAccount(this IServiceCollection services) => services.AddScoped<DemoUsers>();
}
