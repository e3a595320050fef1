using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class IcmpEchoTests
{
    // The echo request `ping` sent through the kernel (Captures/kernel-vxlan-4242.pcap, frame 3): id 0x17b7, seq 1,
    // 56 data bytes (timestamp then 0x10..0x37), checksum 0x319c.
    private static readonly byte[] Request = Hex.Bytes("0800 319c 17b7 0001" +
        "d9d1096b00000000fe9b0e0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637");

    [Fact]
    public void Reads_a_kernel_echo_request_and_validates_its_checksum()
    {
        Assert.True(IcmpEcho.TryRead(Request, out var echo));
        Assert.True(echo.IsRequest);
        Assert.Equal((0x17b7, 1, 0x319c), (echo.Identifier, echo.Sequence, echo.Checksum));
        Assert.True(IcmpEcho.IsChecksumValid(Request));
    }

    [Fact]
    public void Writing_the_same_fields_over_the_same_data_gives_the_same_bytes()
    {
        var message = (byte[])Request.Clone();
        message.AsSpan(0, 8).Clear();
        new IcmpEcho(IcmpEcho.TypeEchoRequest, 0x17b7, 1).Write(message);
        Assert.Equal(Request, message);
    }

    [Fact]
    public void A_flipped_data_bit_invalidates_the_checksum()
    {
        var message = (byte[])Request.Clone();
        message[40] ^= 0x01;
        Assert.True(IcmpEcho.TryRead(message, out _));
        Assert.False(IcmpEcho.IsChecksumValid(message));
    }

    [Theory]
    [InlineData(-1, 0)]  // truncated to 7 bytes
    [InlineData(0, 3)]   // destination unreachable
    [InlineData(0, 11)]  // time exceeded
    [InlineData(1, 1)]   // code 1
    public void Non_echo_or_truncated_messages_are_rejected(int offset, byte value)
    {
        var message = (byte[])Request.Clone();
        if (offset < 0) message = message[..7];
        else message[offset] = value;
        Assert.False(IcmpEcho.TryRead(message, out _));
    }

    [Fact]
    public void Checksum_validation_needs_a_whole_header()
    {
        Assert.False(IcmpEcho.IsChecksumValid(Request[..7]));
    }

    [Fact]
    public void Round_trips_with_a_valid_checksum()
    {
        Gen.Select(Gen.Bool, Gen.UShort, Gen.UShort, Gen.Byte.Array[0, 1472]).Sample((request, id, seq, data) =>
        {
            var type = request ? IcmpEcho.TypeEchoRequest : IcmpEcho.TypeEchoReply;
            var message = new byte[IcmpEcho.Size + data.Length];
            data.CopyTo(message, IcmpEcho.Size);
            new IcmpEcho(type, id, seq).Write(message);
            Assert.True(IcmpEcho.TryRead(message, out var echo));
            Assert.Equal((type, id, seq), (echo.Type, echo.Identifier, echo.Sequence));
            Assert.True(IcmpEcho.IsChecksumValid(message));
            Assert.Equal(Reference.InternetChecksum([message[0], message[1], 0, 0, .. message[4..]]), echo.Checksum);
        });
    }
}
