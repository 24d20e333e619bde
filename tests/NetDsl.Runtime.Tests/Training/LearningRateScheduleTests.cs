using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantNeverChanges() =>
        Assert.All(new long[] { 0, 1, 1000 }, step => Assert.Equal(0.05, new ConstantLearningRate(0.05).At(step)));

    [Fact]
    public void CosineFallsFromTheRateToTheMinimumOverTheRun()
    {
        var cosine = new CosineAnnealing(0.1, totalSteps: 100, minimumLearningRate: 0.001);
        Assert.Equal(0.1, cosine.At(0), 15);
        Assert.Equal(0.001 + 0.099 * (1 + Math.Cos(Math.PI / 4)) / 2, cosine.At(25), 15);
        Assert.Equal(0.0505, cosine.At(50), 15);
        Assert.Equal(0.001, cosine.At(100), 15);
        Assert.Equal(0.001, cosine.At(250), 15);
        for (long step = 1; step <= 100; step++) Assert.True(cosine.At(step) < cosine.At(step - 1), $"step {step}");
    }

    [Fact]
    public void CosineDefaultsToZeroAtTheEnd() => Assert.Equal(0, new CosineAnnealing(0.1, 10).At(10), 15);

    [Fact]
    public void WarmupRampsLinearlyThenHandsOverWithShiftedSteps()
    {
        var schedule = new LinearWarmup(4, new CosineAnnealing(0.1, totalSteps: 6));
        Assert.Equal([0.025, 0.05, 0.075, 0.1], Enumerable.Range(0, 4).Select(s => Math.Round(schedule.At(s), 15)));
        Assert.Equal(0.1, schedule.At(4), 15);
        Assert.Equal(0.05, schedule.At(7), 15);
        Assert.Equal(0, schedule.At(10), 15);
    }

    [Fact]
    public void ZeroWarmupIsTheInnerSchedule()
    {
        var inner = new CosineAnnealing(0.1, 10);
        var schedule = new LinearWarmup(0, inner);
        Assert.All(Enumerable.Range(0, 12), s => Assert.Equal(inner.At(s), schedule.At(s)));
    }
}
