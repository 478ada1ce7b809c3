using MlObs.Drift.Data;
using MlObs.DriftMonitor.Windows;

namespace MlObs.DriftMonitor.Tests.Windows;

public sealed class RowBatchSplitterTests
{
    [Fact]
    public void Take_SlicesColumnsAndAttributesInvalidToEarliestMissing()
    {
        double[] x = [1, double.NaN, 3, double.NaN, double.NaN, 6, 7];
        string?[] c = ["a", null, "b", "c", null, null, "d"];
        var batch = new RowBatch(7, [new NumericValues("x", x, invalidCount: 2), new CategoryValues("c", c, invalidCount: 3)]);
        var splitter = new RowBatchSplitter(batch);

        RowBatch first = splitter.Take(2);
        RowBatch second = splitter.Take(3);
        RowBatch third = splitter.Take(2);

        Assert.Equal(0, splitter.Remaining);
        Assert.Equal([1.0, double.NaN], ((NumericValues)first.Columns[0]).Values.ToArray());
        IEnumerable<string?> secondLabels = ((CategoryValues)second.Columns[1]).Values.ToArray();
        Assert.Equal(["b", "c", null], secondLabels);
        Assert.Equal([1, 1, 0], new[] { first, second, third }.Select(b => b.Columns[0].InvalidCount));
        Assert.Equal([1, 1, 1], new[] { first, second, third }.Select(b => b.Columns[1].InvalidCount));
    }

    [Fact]
    public void Take_WholeBatch_ReturnsItUnchanged()
    {
        var batch = new RowBatch(2, [new NumericValues("x", new double[] { 1, 2 })]);
        Assert.Same(batch, new RowBatchSplitter(batch).Take(2));
    }
}
