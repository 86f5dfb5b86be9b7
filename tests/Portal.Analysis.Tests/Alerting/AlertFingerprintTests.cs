using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class AlertFingerprintTests
{
    [Fact]
    public void Fingerprint_is_sha256_of_length_prefixed_rule_and_sorted_labels()
    {
        // Encoded text: "2:r1" + "5:model" + "1:m" + "8:severity" + "7:warning";
        // `printf '%s' '2:r15:model1:m8:severity7:warning' | sha256sum` gives the hex below.
        var labels = new Dictionary<string, string> { ["severity"] = "warning", ["model"] = "m" };

        Assert.Equal("2de081430b7a81658d4036504b20bfe74707524f6dc37cf769c94471ed859582", AlertFingerprint.Compute("r1", labels));
    }

    [Fact]
    public void Label_order_does_not_change_the_fingerprint()
    {
        var a = new Dictionary<string, string> { ["model"] = "churn", ["feature"] = "age" };
        var b = new Dictionary<string, string> { ["feature"] = "age", ["model"] = "churn" };

        Assert.Equal(AlertFingerprint.Compute("drift", a), AlertFingerprint.Compute("drift", b));
    }

    [Fact]
    public void Different_label_values_or_rules_give_different_fingerprints()
    {
        var age = new Dictionary<string, string> { ["feature"] = "age" };
        var income = new Dictionary<string, string> { ["feature"] = "income" };

        Assert.NotEqual(AlertFingerprint.Compute("drift", age), AlertFingerprint.Compute("drift", income));
        Assert.NotEqual(AlertFingerprint.Compute("drift", age), AlertFingerprint.Compute("quality", age));
    }

    [Fact]
    public void Shifting_text_between_name_and_value_gives_a_different_fingerprint()
    {
        // Plain concatenation would encode both as "abc"; length prefixes keep them apart.
        var a = new Dictionary<string, string> { ["a"] = "bc" };
        var b = new Dictionary<string, string> { ["ab"] = "c" };

        Assert.NotEqual(AlertFingerprint.Compute("r", a), AlertFingerprint.Compute("r", b));
    }

    [Fact]
    public void Identity_fingerprint_covers_rule_model_severity_and_labels()
    {
        var warning = new AlertIdentity("latency", "churn", AlertSeverity.Warning);
        var critical = new AlertIdentity("latency", "churn", AlertSeverity.Critical);

        Assert.NotEqual(warning.Fingerprint, critical.Fingerprint);
        Assert.Equal(new AlertIdentity("latency", "churn", AlertSeverity.Warning).Fingerprint, warning.Fingerprint);
        Assert.Equal("warning", warning.Labels["severity"]);
        Assert.Equal(["model", "rule", "severity"], warning.Labels.Keys);
    }

    [Fact]
    public void Identity_rejects_reserved_label_names()
    {
        var error = Assert.Throws<AnalysisInputException>(
            () => new AlertIdentity("latency", "churn", AlertSeverity.Warning, new Dictionary<string, string> { ["model"] = "x" }));
        Assert.Equal("labels.model", error.Field);
    }

    [Fact]
    public void Empty_rule_id_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => AlertFingerprint.Compute("", new Dictionary<string, string>()));
        Assert.Equal("ruleId", error.Field);
    }
}
