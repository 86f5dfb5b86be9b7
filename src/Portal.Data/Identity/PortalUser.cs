using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Identity;

public sealed class PortalUser : IdentityUser
{
    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
