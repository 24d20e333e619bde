using NetDsl.Runtime.Training;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary>A Spectre progress bar fed synchronously by the trainer's progress reports (loss, accuracy, images/s).</summary>
internal static class TrainingProgressBar
{
    public static T Run<T>(string label, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return work(new Sink(null, label));
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => work(new Sink(context.AddTask(label, maxValue: 1), label)));
    }

    /// <summary>Updates the bar on the training thread: Progress&lt;T&gt; would post to the thread pool and lag behind.</summary>
    private sealed class Sink(ProgressTask? task, string label) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (task is null) return;
            task.MaxValue = p.Batches;
            task.Value = p.Batch;
            task.Description = $"{label}  loss {p.MeanLoss:0.000}  acc {p.Accuracy:P1}  {p.SamplesPerSecond:N0} img/s";
        }
    }
}
