using System.Runtime.InteropServices;

namespace Weft.Linux;

/// <summary>Linux errno values Weft checks for, and their symbolic names for error messages.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int ENAMETOOLONG = 36;
    public const int ENOTEMPTY = 39;
    public const int EMSGSIZE = 90;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ENOBUFS = 105;
    public const int ETIMEDOUT = 110;
    public const int EHOSTUNREACH = 113;

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR", [EIO] = "EIO", [6] = "ENXIO",
        [7] = "E2BIG", [EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
        [EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [18] = "EXDEV", [ENODEV] = "ENODEV", [20] = "ENOTDIR",
        [21] = "EISDIR", [EINVAL] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [28] = "ENOSPC",
        [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG", [ENOTEMPTY] = "ENOTEMPTY", [EMSGSIZE] = "EMSGSIZE",
        [93] = "EPROTONOSUPPORT", [EOPNOTSUPP] = "EOPNOTSUPP", [EAFNOSUPPORT] = "EAFNOSUPPORT",
        [EADDRINUSE] = "EADDRINUSE", [EADDRNOTAVAIL] = "EADDRNOTAVAIL", [ENETDOWN] = "ENETDOWN",
        [ENETUNREACH] = "ENETUNREACH", [ENOBUFS] = "ENOBUFS", [ETIMEDOUT] = "ETIMEDOUT",
        [EHOSTUNREACH] = "EHOSTUNREACH",
    };

    /// <summary>"EEXIST" for 17; "errno 200" for values without a known name.</summary>
    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : $"errno {errno}";

    /// <summary>The C library's description, e.g. "File exists".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
