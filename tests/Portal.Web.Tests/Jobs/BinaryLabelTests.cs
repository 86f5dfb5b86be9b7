using Portal.Web.Infrastructure;

namespace Portal.Web.Tests.Jobs;

public sealed class BinaryLabelTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("true", 1)]
    [InlineData("True", 1)]
    [InlineData("0", 0)]
    [InlineData("false", 0)]
    [InlineData("False", 0)]
    [InlineData("yes", null)]
    [InlineData("2", null)]
    [InlineData(null, null)]
    public void Class_text_reads_as_positive_negative_or_neither(string? text, int? expected)
    {
        Assert.Equal(expected, BinaryLabel.Parse(text));
        Assert.Equal(expected == 1, BinaryLabel.IsPositive(text));
    }
}
