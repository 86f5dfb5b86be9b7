using Portal.Web.Features.Experiments;

namespace Portal.Web.Tests.Experiments;

public sealed class ExperimentDraftTests
{
    [Theory]
    [InlineData("Checkout with v2", "checkout-with-v2")]
    [InlineData("  Fraud v2 — EU rollout!  ", "fraud-v2-eu-rollout")]
    [InlineData("model_v1.2 vs v1.3", "model_v1.2-vs-v1.3")]
    [InlineData("—", "")]
    public void The_form_derives_a_valid_id_from_the_name(string name, string id)
    {
        Assert.Equal(id, ExperimentDraft.IdFromName(name));
        Assert.True(id == "" || ExperimentValidator.Slug().IsMatch(id));
    }

    [Fact]
    public void A_derived_id_is_at_most_64_characters_and_does_not_end_in_a_dash()
    {
        var id = ExperimentDraft.IdFromName(string.Join(' ', Enumerable.Repeat("abcdefg", 20)));
        Assert.True(id.Length <= 64);
        Assert.False(id.EndsWith('-'));
    }

    [Theory]
    [InlineData("name", true)]
    [InlineData("arms[1].modelVersion", true)]
    [InlineData("metrics[0].margin", true)]
    [InlineData("arms[0].shadow", false)]
    [InlineData("state", false)]
    public void Errors_of_fields_the_form_shows_are_placed_at_the_field(string field, bool placed) =>
        Assert.Equal(placed, ExperimentDraft.HasFormField(field));
}
