using System.Net;
using System.Net.Sockets;
using Weft.Cluster.Channel;

namespace Weft.Cluster.Tests.Channel;

/// <summary>
/// The channel's MSS clamp as the kernel applies it, on loopback (MTU 65536: an unclamped connection's MSS is far above
/// the clamp, which the control case checks, so the assertions can fail). Whether a clamped connection survives an MTU
/// black hole is shown in the lab (Weft.Lab.Tests ChannelMtuBlackHoleTests).
/// </summary>
public sealed class SocketTuningTests
{
    private static async Task<(Socket Client, Socket Accepted)> ConnectAsync(bool clampDialer, bool clampListener)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        if (clampListener) SocketTuning.ClampSegmentSize(listener);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        if (clampDialer) SocketTuning.Apply(client);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await accept);
    }

    [Fact]
    public async Task Without_the_clamp_a_loopback_connection_uses_segments_far_above_it()
    {
        var (client, accepted) = await ConnectAsync(clampDialer: false, clampListener: false);
        using (client)
        using (accepted)
        {
            Assert.True(SocketTuning.SegmentSize(client) > 4 * SocketTuning.MaxSegmentSize, $"loopback MSS {SocketTuning.SegmentSize(client)}");
        }
    }

    [Fact]
    public async Task A_dialing_socket_tuned_before_connect_sends_and_is_sent_segments_no_larger_than_the_clamp()
    {
        var (client, accepted) = await ConnectAsync(clampDialer: true, clampListener: false);
        using (client)
        using (accepted)
        {
            Assert.InRange(SocketTuning.SegmentSize(client), 500, SocketTuning.MaxSegmentSize);
            Assert.InRange(SocketTuning.SegmentSize(accepted), 500, SocketTuning.MaxSegmentSize); // the SYN advertised it
        }
    }

    [Fact]
    public async Task A_clamped_listener_passes_the_clamp_to_the_connections_it_accepts_and_their_peers()
    {
        var (client, accepted) = await ConnectAsync(clampDialer: false, clampListener: true);
        using (client)
        using (accepted)
        {
            Assert.InRange(SocketTuning.SegmentSize(accepted), 500, SocketTuning.MaxSegmentSize);
            Assert.InRange(SocketTuning.SegmentSize(client), 500, SocketTuning.MaxSegmentSize); // the SYN-ACK advertised it
        }
    }
}
