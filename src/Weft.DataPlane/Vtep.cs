using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Counters;
using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Seams;

namespace Weft.DataPlane;

/// <summary>
/// The VXLAN tunnel endpoint of one host (RFC 7348), in userspace.
///
/// Design note. The VTEP moves Ethernet frames between per-network local devices (<see cref="IFrameDevice"/>: a TAP
/// on the network's bridge, one per VNI) and one underlay socket (<see cref="IUnderlay"/>) shared by all networks of the
/// host, like wireguard-go's tun.Device / conn.Bind seams, so the same code runs on Linux and against in-memory fakes.
/// Outbound (Vtep.Outbound.cs): ARP requests for remote endpoints are answered locally from the forwarding table (no ARP
/// crosses the underlay, as in Docker's overlay with proxy ARP); known unicast is encapsulated in place (the 8-byte VXLAN
/// header goes into the buffer's headroom) and sent to the owning VTEP with a flow-hashed source port; broadcast and
/// multicast are replicated to every peer of the VNI (head-end replication, no underlay multicast needed); unknown unicast
/// is dropped. Inbound (Vtep.Inbound.cs): admission checks the I flag, the VNI, that the sender is a known peer of that VNI
/// and that the inner frame is sane, then strips the header in place and hands the frame to that VNI's device. Every drop is
/// counted by reason (<see cref="VtepCounters"/>). An encrypted network (Vtep.Sealing.cs, <see cref="Sealing.PacketSealer"/>,
/// docs/sealing.md) fails closed: every datagram of its VNI is sealed with AES-256-GCM on the way out (or dropped) and must
/// open on the way in (or is dropped); a plain VNI pays one dictionary lookup per datagram in and per batch out. Each device and the underlay get one dedicated reader thread with its
/// own preallocated batch of buffers: no allocation and no lock per packet. Encapsulation by the kernel's own vxlan device
/// is the other mode (see the Linux layer); this class is the userspace one.
/// </summary>
public sealed partial class Vtep : IDisposable
{
    private readonly IUnderlay _underlay;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<uint, AttachedNetwork> _networks = new();
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _underlayThread;
    private bool _started;

    /// <summary>The underlay this VTEP sends through and receives from.</summary>
    public IUnderlay Underlay => _underlay;

    public Vtep(IUnderlay underlay, ForwardingTable? table = null, VtepOptions? options = null, ILogger<Vtep>? logger = null)
    {
        _underlay = underlay;
        Table = table ?? new ForwardingTable();
        Options = options ?? new VtepOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public ForwardingTable Table { get; }

    public VtepOptions Options { get; }

    public VtepCounters Counters { get; } = new();

    public PeerEndpoint LocalEndpoint => _underlay.LocalEndpoint;

    /// <summary>The VNIs with a local device.</summary>
    public IReadOnlyCollection<uint> Vnis => _networks.Keys.ToList();

    /// <summary>Connects <paramref name="device"/> as the local side of <paramref name="vni"/>; starts its reader if the VTEP runs.</summary>
    public void AttachNetwork(uint vni, IFrameDevice device)
    {
        var network = new AttachedNetwork(vni, device);
        if (!_networks.TryAdd(vni, network)) throw new InvalidOperationException($"VNI {vni} already has a local device attached");
        lock (_networks)
        {
            if (_started) network.Start(this);
        }
    }

    /// <summary>Stops reading from the device of <paramref name="vni"/> and forgets it (the caller disposes the device).</summary>
    public bool DetachNetwork(uint vni)
    {
        if (!_networks.TryRemove(vni, out var network)) return false;
        network.Stop();
        return true;
    }

    /// <summary>Starts the reader threads (underlay and every attached device).</summary>
    public void Start()
    {
        lock (_networks)
        {
            if (_started) return;
            _started = true;
            _underlayThread = new Thread(UnderlayLoop) { IsBackground = true, Name = "weft-vtep-underlay" };
            _underlayThread.Start();
            foreach (var network in _networks.Values) network.Start(this);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var vni in _networks.Keys) DetachNetwork(vni);
        _underlayThread?.Join(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private PacketBuffer[] NewBatch()
    {
        var batch = new PacketBuffer[Options.BatchSize];
        for (var i = 0; i < batch.Length; i++) batch[i] = new PacketBuffer(Options.BufferCapacity);
        return batch;
    }

    private void UnderlayLoop()
    {
        var batch = NewBatch();
        var scratch = new PacketBuffer[batch.Length];
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                foreach (var b in batch) b.Reset();
                var n = _underlay.Receive(batch, token);
                if (n == 0) break;
                ProcessFromUnderlay(batch.AsSpan(0, n), scratch);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReaderFailed(_logger, "underlay", e);
        }
    }

    /// <summary>A local device and the thread reading from it.</summary>
    private sealed class AttachedNetwork(uint vni, IFrameDevice device)
    {
        private readonly CancellationTokenSource _stop = new();
        private Thread? _thread;

        public uint Vni { get; } = vni;

        public IFrameDevice Device { get; } = device;

        public void Start(Vtep vtep)
        {
            _thread = new Thread(() => vtep.DeviceLoop(this, _stop.Token)) { IsBackground = true, Name = $"weft-vtep-{Vni}" };
            _thread.Start();
        }

        public void Stop()
        {
            _stop.Cancel();
            _thread?.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void DeviceLoop(AttachedNetwork network, CancellationToken token)
    {
        var batch = NewBatch();
        var scratch = new OutboundScratch(batch.Length);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _stopping.Token);
        Exception? failure = null;
        try
        {
            while (!linked.IsCancellationRequested)
            {
                foreach (var b in batch) b.Reset();
                var n = network.Device.Read(batch, linked.Token);
                if (n == 0) break;
                ProcessFromDevice(network.Vni, network.Device, batch.AsSpan(0, n), scratch);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = e;
        }
        if (linked.IsCancellationRequested) return; // detached or disposed: not a failure
        // The device failed or closed under the reader: nothing reads this network's frames any more. Say so, and let the
        // owner of the device (the network's data path) rebuild it.
        Interlocked.Increment(ref _deviceFailures);
        LogReaderFailed(_logger, $"VNI {network.Vni} device", failure);
        DeviceFailed?.Invoke(network.Vni, network.Device);
    }

    private long _deviceFailures;

    /// <summary>How many device readers ended on their own (the device failed or closed) since start.</summary>
    public long DeviceFailures => Interlocked.Read(ref _deviceFailures);

    /// <summary>
    /// Raised on the failed reader's thread when the reader of a device ended on its own (an error, or the device closed);
    /// the VNI and the device it was reading. Not raised for a detach or dispose.
    /// </summary>
    public event Action<uint, IFrameDevice>? DeviceFailed;

    [LoggerMessage(Level = LogLevel.Error, Message = "VTEP reader for {Source} stopped")]
    private static partial void LogReaderFailed(ILogger logger, string source, Exception? exception);
}
