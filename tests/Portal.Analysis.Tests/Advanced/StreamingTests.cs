using Portal.Analysis.Common;
using Portal.Analysis.Streaming;

namespace Portal.Analysis.Tests.Advanced;

public class StreamingTests
{
    // Python 3.11: rng = random.Random(12345); rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000),
    // the stream of river's PageHinkley and ADWIN docstrings.
    private const string RiverDocStream =
        "00100010001010101010100001110111000111011110101101110011001000101111011001010101110010001100001101011001000011001000010010011110001110010110001000011110100001110010001000011000000101010111011011100011011000010100100100000001010111111101100111000100111111001100100001011011111101110100010010101110010000101111111111100111000000110110001100100010000101111000101010111000011110010011111000001001110001101110110001011100110101000000011000101111011000011010111011000011110011111100001110000101110111100110011010101010100000001111001010001010100000110000010001000000111001011110000011000101000101100010111110010111010001100010111101100111010011110010111111001110000100101000001101100111110011111001001111001111001101110100111010011100111111110101110000000010110100011010011010111110001111111011111000000101001100010000001000101010101111101011111010001001111000010101011100010001001000011011010110000111100010100010011001110101101100001100001110111011110110001000010011110001110000010100101011101101111110114674675467764756676466746474645555557444777456664766654454646565467447777577777646545767746475746477664545465557775447547465457674456557764666665777544674565656777544474675477477554475557755577445777544754547564657766645775544747456454457455644576556465465454466567567555567755765546445455577575454576755447675774645464466776755655564477444757547467675447764574746475646757446564456444546465446646457457574577555457676664554577765557776567676766757576465445746546547745565647657654657477456556545774676765566745765644474556444654556647455446677756647767575566577675575476576567645575577467657454657455476565454477547447657767466756566764754754457746556557776776567664566647547574766466546574564447745644474646664555574574776757755766567656476667564666454565655464456646644756565466757674575674446746557765755564654677747774647546665464645647575655464555557756666447564654446746566447646545667575655664455575455564767546776456455745645656464674557457474656557474446554544665474657454765475455747746677";

    private static double[] RiverStream() => RiverDocStream.Select(c => (double)(c - '0')).ToArray();

    [Fact]
    public void Page_hinkley_signals_where_river_does_on_its_docstring_stream()
    {
        // river.drift.PageHinkley docstring: "Change detected at index 1006, input value: 5"
        var events = StreamingDrift.PageHinkley(RiverStream());
        Assert.Equal(1006, events[0].Index);
        Assert.True(events[0].Statistic > 50);
    }

    [Fact]
    public void Adwin_signals_where_river_does_on_its_docstring_stream()
    {
        // river.drift.ADWIN docstring: "Change detected at index 1023, input value: 4" (and no other)
        var events = StreamingDrift.Adwin(RiverStream());
        Assert.Equal(1023, Assert.Single(events).Index);
        Assert.True(events[0].Statistic > events[0].Threshold);
    }

    private static double[] ScoreStream(int seed, int length, int changeAt, double shift)
    {
        var random = new Seeded(seed);
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.Normal(i < changeAt ? 0.5 : 0.5 + shift, 0.1);
        }

        return values;
    }

    private static double[] ErrorStream(int seed, int length, int changeAt, double before, double after)
    {
        var random = new Seeded(seed);
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.Bernoulli(i < changeAt ? before : after);
        }

        return values;
    }

    [Fact]
    public void Mean_score_shift_is_detected_shortly_after_it_happens_by_both_detectors()
    {
        var stream = ScoreStream(11, 3000, 1500, 0.3);
        var ph = StreamingDrift.PageHinkley(stream);
        var adwin = StreamingDrift.Adwin(stream);
        Assert.InRange(ph[0].Index, 1500, 1800);
        Assert.InRange(adwin[0].Index, 1500, 1600);
    }

    [Fact]
    public void Error_rate_increase_is_detected_shortly_after_it_happens_by_both_detectors()
    {
        var errors = ErrorStream(12, 3000, 1500, 0.10, 0.40);
        var ph = StreamingDrift.PageHinkley(errors);
        var adwin = StreamingDrift.Adwin(errors);
        Assert.InRange(ph[0].Index, 1500, 1800);
        Assert.InRange(adwin[0].Index, 1500, 1800);
    }

    [Fact]
    public void Stationary_streams_of_the_same_length_raise_no_signal()
    {
        var scores = ScoreStream(13, 3000, int.MaxValue, 0);
        var errors = ErrorStream(14, 3000, int.MaxValue, 0.10, 0.10);
        Assert.Empty(StreamingDrift.PageHinkley(scores));
        Assert.Empty(StreamingDrift.Adwin(scores));
        Assert.Empty(StreamingDrift.PageHinkley(errors));
        Assert.Empty(StreamingDrift.Adwin(errors));
    }

    [Fact]
    public void Detectors_are_deterministic()
    {
        var stream = ErrorStream(15, 4000, 2000, 0.2, 0.5);
        Assert.Equal(StreamingDrift.Adwin(stream), StreamingDrift.Adwin(stream));
        Assert.Equal(StreamingDrift.PageHinkley(stream), StreamingDrift.PageHinkley(stream));
    }

    [Fact]
    public void Adwin_memory_grows_with_the_logarithm_of_the_window()
    {
        var adwin = new Adwin();
        var random = new Seeded(16);
        for (var i = 0; i < 200_000; i++)
        {
            Assert.Null(adwin.Update(random.Bernoulli(0.3)));
        }

        Assert.Equal(200_000, adwin.Width);
        Assert.InRange(adwin.Mean, 0.29, 0.31);
        // At most MaxBuckets + 1 buckets per row, one row per power of two.
        Assert.True(adwin.BucketCount <= 6 * Math.Ceiling(Math.Log2(adwin.Width)), $"{adwin.BucketCount} buckets");
    }

    [Fact]
    public void Constant_stream_raises_no_signal_and_a_decrease_is_detected_too()
    {
        Assert.Empty(StreamingDrift.PageHinkley(Enumerable.Repeat(0.4, 2000).ToArray()));
        Assert.Empty(StreamingDrift.Adwin(Enumerable.Repeat(0.4, 2000).ToArray()));
        var down = ScoreStream(17, 3000, 1500, -0.3);
        Assert.InRange(StreamingDrift.PageHinkley(down)[0].Index, 1500, 1800);
        Assert.InRange(StreamingDrift.Adwin(down)[0].Index, 1500, 1600);
    }

    [Fact]
    public void Empty_single_and_nan_inputs()
    {
        Assert.Equal("values", Assert.Throws<AnalysisInputException>(() => StreamingDrift.Adwin([])).Field);
        Assert.Empty(StreamingDrift.PageHinkley([0.3]));
        Assert.Equal("values", Assert.Throws<AnalysisInputException>(() => StreamingDrift.PageHinkley([0.1, double.NaN])).Field);
        Assert.Equal("value", Assert.Throws<AnalysisInputException>(() => new Adwin().Update(double.PositiveInfinity)).Field);
        Assert.Equal("yPred", Assert.Throws<AnalysisInputException>(() => StreamingDrift.Errors([1, 0], [1])).Field);
        Assert.Equal([0.0, 1.0, 1.0], StreamingDrift.Errors([1, 0, 1], [1, 1, 0]));
    }
}
