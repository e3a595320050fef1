namespace Weft.Linux;

/// <summary>
/// A failed system call or netlink request on the control path. The message names the operation
/// (syscall or netlink message type), the object it was about and the errno, e.g.
/// <c>RTM_NEWLINK veth 'h1-eth0': File exists (EEXIST)</c>.
/// </summary>
public sealed class LinuxException : Exception
{
    public LinuxException(string operation, string subject, int errno, string? kernelMessage = null)
        : base(Format(operation, subject, errno, kernelMessage))
    {
        Operation = operation;
        Subject = subject;
        ErrorNumber = errno;
        KernelMessage = kernelMessage;
    }

    /// <summary>The syscall or netlink message type, e.g. "RTM_NEWLINK" or "setns".</summary>
    public string Operation { get; }

    /// <summary>The object the call was about, e.g. "veth 'h1-eth0'".</summary>
    public string Subject { get; }

    /// <summary>The errno value (positive), e.g. 17 for EEXIST.</summary>
    public int ErrorNumber { get; }

    /// <summary>The kernel's extended-ack text when it sent one.</summary>
    public string? KernelMessage { get; }

    public string ErrorName => Errno.Name(ErrorNumber);

    private static string Format(string operation, string subject, int errno, string? kernelMessage)
    {
        var text = $"{operation} {subject}: {Errno.Describe(errno)} ({Errno.Name(errno)})";
        return string.IsNullOrEmpty(kernelMessage) ? text : $"{text}; kernel says: {kernelMessage}";
    }
}
