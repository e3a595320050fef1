namespace Weft.Wire.Tests.Support;

/// <summary>Byte vectors written as hex with optional spaces, as in RFCs and packet dumps.</summary>
public static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace(":", ""));
}
