namespace Portal.Data;

/// <summary>
/// Every PostgreSQL advisory lock key the portal takes, in one place so no two uses can collide. Any constants all
/// nodes agree on would do; these spell a word in ASCII so they are recognisable in <c>pg_locks</c>.
/// </summary>
public static class ClusterLockKeys
{
    /// <summary>Held while a node migrates and seeds (<see cref="ClusterStartupLock.AcquireStartupLockAsync"/>).</summary>
    public const long Startup = 0x504F5254414C; // "PORTAL"

    /// <summary>Held by the alert evaluation, so one evaluation runs at a time across the nodes.</summary>
    public const long AlertEvaluation = 0x504F52544C41; // "PORTLA"

    /// <summary>Held while a node applies the provisioning folder, so nodes started together do not create an object twice.</summary>
    public const long Provisioning = 0x504F52545056; // "PORTPV"

    /// <summary>Held for one transaction while the setup link creates the first admin (only while there is no user).</summary>
    public const long FirstAdmin = 0x504F52544641; // "PORTFA"

    /// <summary>
    /// Held for one transaction while a node checks for and stores a possible-drift event of the model, so two nodes
    /// that detect the same shift at the same moment store it once. "PDR" followed by the model id (32 bits).
    /// </summary>
    public static long PossibleDrift(int modelId) => 0x50445200000000 + (uint)modelId;
}
