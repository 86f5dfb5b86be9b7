using System.Globalization;
using System.Text;

namespace Portal.Web.Features.Drift;

/// <summary>A small reference/current pair for trying the ad-hoc report: age and country drift, device and tenure do not.</summary>
public static class DriftSampleData
{
    public static (string Reference, string Current) Csv(int rows = 2000)
    {
        var random = new Random(7);
        return (Table(random, rows, shifted: false), Table(random, rows, shifted: true));
    }

    private static string Table(Random random, int rows, bool shifted)
    {
        var text = new StringBuilder("age,income,tenure_months,country,device\n");
        string[] countries = shifted ? ["DE", "DE", "DE", "FR", "FR", "ES", "IT", "PL"] : ["DE", "DE", "FR", "FR", "FR", "ES", "ES", "IT"];
        string[] devices = ["mobile", "mobile", "desktop", "tablet"];
        for (var i = 0; i < rows; i++)
        {
            var age = 38 + Normal(random) * 9 + (shifted ? 6 : 0);
            var income = Math.Exp(10.5 + Normal(random) * 0.4);
            var tenure = random.Next(0, 60);
            var incomeText = random.NextDouble() < 0.02 ? "" : income.ToString("F0", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{age:F1},{incomeText},{tenure},{countries[random.Next(countries.Length)]},{devices[random.Next(devices.Length)]}\n");
        }

        return text.ToString();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
