using Weft.Api.Dto;

namespace Weft.Cni.Tests;

/// <summary>A weftd stand-in: records what the plugin asked and answers with a fixed attachment or a given error.</summary>
internal sealed class FakeBackend : ICniBackend
{
    public List<(string Command, CniRequest Request)> Calls { get; } = [];

    public CniException? Failure { get; set; }

    public static CniAttachment Attachment(string netns) => new()
    {
        Interface = "eth0", MacAddress = "02:42:0a:00:00:05", Sandbox = netns, Address = "10.0.0.5/24", Gateway = "10.0.0.1",
        Subnet = "10.0.0.0/24", Mtu = 1450, Network = "app",
    };

    public Task<CniAttachment> AddAsync(CniRequest request, CancellationToken ct) => Answer("ADD", request, Attachment(request.Netns));

    public Task<CniAttachment> CheckAsync(CniRequest request, CancellationToken ct) => Answer("CHECK", request, Attachment(request.Netns));

    public Task DeleteAsync(CniRequest request, CancellationToken ct) => Answer("DEL", request, true);

    public Task<CniGcResponse> CollectAsync(CniGcRequest request, CancellationToken ct)
    {
        Calls.Add(("GC", new CniRequest { ContainerId = string.Join(",", request.ValidAttachments.Select(a => $"{a.ContainerId}/{a.IfName}")), IfName = "", Network = request.Network }));
        return Failure is null ? Task.FromResult(new CniGcResponse()) : throw Failure;
    }

    public Task PingAsync(CancellationToken ct) => Failure is null ? Task.CompletedTask : throw Failure;

    private Task<T> Answer<T>(string command, CniRequest request, T value)
    {
        Calls.Add((command, request));
        return Failure is null ? Task.FromResult(value) : throw Failure;
    }

    public void Dispose()
    {
    }
}
