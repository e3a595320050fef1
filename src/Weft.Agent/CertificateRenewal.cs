using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Weft.Agent;

/// <summary>Checks this node's certificate every twentieth of its lifetime (at most hourly) and renews it when due.</summary>
public sealed partial class CertificateRenewal(AgentState state, AgentOptions options, ILogger<CertificateRenewal> logger) : BackgroundService
{
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Clamp(options.NodeCertificateValidity.Ticks / 20, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromHours(1).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await state.RenewCertificateIfDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRenewalFailed(logger, e); // tried again at the next tick, long before the certificate expires
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "certificate renewal failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);
}
