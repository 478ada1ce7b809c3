using System.Text;
using MlObs.Drift.Data;
using MlObs.DriftMonitor.Ingest;
using static MlObs.DriftMonitor.Tests.Ingest.IngestSamples;

namespace MlObs.DriftMonitor.Tests.Ingest;

/// <summary>
/// Seeded mutations of valid payloads (bytes cut, repeated, replaced by JSON punctuation or other values): every decoder
/// either decodes them or refuses them with a <see cref="PayloadException"/>; no other exception escapes, and every batch it
/// returns is consistent.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly string[] Payloads =
    [
        KServeV1Request, KServeV1Response, V2Request, V2Response, SeldonRequest, SeldonResponse,
        """{"instances": [{"sepal_length": 1, "city": "x", "member": true, "seen": "2023-11-14T22:13:20Z"}, 3]}""",
        """{"inputs": [{"name": "a", "shape": ["2", 1], "datatype": "BYTES", "data": ["x", "y"]}, {"name": "member", "shape": [2], "datatype": "BOOL", "data": [true, false]}]}""",
        """{"data": {"names": ["a", "b"], "tensor": {"shape": [2, 2], "values": [1, 2, 3, 4]}}, "meta": {}}""",
        """{"jsonData": [{"age": 1, "member": "TRUE"}, {"city": 2.5}]}""",
        """[{"age": 1, "city": "c\u00e9", "extra": [1, {"a": null}]}, {"seen": 1700000000}]""",
        "{\"age\": 1}\n\n{\"member\": 0}\r\n{\"city\": \"x\"}\n",
        """{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"predictions":[1]},"x":2}""",
    ];

    private static readonly string[] Fragments =
        ["{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-", "1e999", "\"abc\"", "[[1,2],[3]]", "{\"a\":[]}", "\u00e9", "\n", "9999999999999999999999"];

    [Fact]
    public void MutatedPayloads_AreDecodedOrRefused_WithAPayloadExceptionOnly()
    {
        var random = new Random(7);
        FeatureSchema[] schemas = [Iris, Mixed, SingleInput];
        int refused = 0, decoded = 0;
        for (int i = 0; i < 10_000; i++)
        {
            byte[] body = Mutate(Utf8(Payloads[random.Next(Payloads.Length)]), random);
            FeatureSchema schema = schemas[random.Next(schemas.Length)];
            foreach (Func<byte[], RowBatch?> decode in Decoders(schema))
            {
                try
                {
                    if (decode(body) is { } batch)
                        CheckConsistent(batch);
                    decoded++;
                }
                catch (PayloadException)
                {
                    refused++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().Name} escaped for body {Encoding.UTF8.GetString(body)}: {e}");
                }
            }
        }
        // The mutations reach both outcomes: the test exercises refusals and successes alike.
        Assert.True(refused > 1_000 && decoded > 1_000, $"refused {refused}, decoded {decoded}");
    }

    private static IEnumerable<Func<byte[], RowBatch?>> Decoders(FeatureSchema schema)
    {
        yield return body => InferencePayloads.DecodeRequest(body, schema);
        yield return body => InferencePayloads.DecodeResponse(body, schema);
        yield return body => InferencePayloads.DecodeRows(body, schema);
        yield return body =>
        {
            foreach (string contentType in (string[])["application/cloudevents+json", "application/cloudevents-batch+json"])
            {
                foreach (CloudEventEnvelope e in CloudEventReader.Read([], contentType, body))
                    _ = (e.Half, e.JoinKey, e.Producer);
            }
            return null;
        };
    }

    private static void CheckConsistent(RowBatch batch)
    {
        Assert.All(batch.Columns, c => Assert.Equal(batch.RowCount, c.Length));
        Assert.Equal(batch.Columns.Count, batch.Columns.Select(c => c.Name).Distinct().Count());
    }

    private static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = new List<byte>(body);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            int length = Math.Min(bytes.Count - at, 1 + random.Next(8));
            switch (random.Next(4))
            {
                case 0:
                    bytes.RemoveRange(at, length);
                    break;
                case 1:
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 2:
                    bytes.RemoveRange(at, length);
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                default:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
            }
        }
        return [.. bytes];
    }
}
