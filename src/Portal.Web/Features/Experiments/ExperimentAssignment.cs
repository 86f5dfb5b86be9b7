using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// Deterministic assignment: SHA-256 of "experimentId:unit" → the first 8 bytes as an unsigned integer → its top 53
/// bits as a uniform number in [0, 1) → the arm whose cumulative share bucket holds it (live arms in form order).
/// No state and no salt: the same unit gets the same arm on every call, node and restart.
/// </summary>
public static class ExperimentAssignment
{
    /// <summary>The unit's uniform position in [0, 1).</summary>
    public static double Position(string experimentId, string unit)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(experimentId + ":" + unit), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Index of the arm for <paramref name="unit"/>, given the live arms' shares (any positive scale).</summary>
    public static int Assign(string experimentId, string unit, IReadOnlyList<double> shares)
    {
        var total = shares.Sum();
        var position = Position(experimentId, unit) * total;
        var cumulative = 0.0;
        for (var i = 0; i < shares.Count; i++)
        {
            cumulative += shares[i];
            if (position < cumulative)
            {
                return i;
            }
        }

        return shares.Count - 1;
    }
}
