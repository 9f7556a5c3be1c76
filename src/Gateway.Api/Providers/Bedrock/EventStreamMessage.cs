namespace Gateway.Api.Providers.Bedrock;

/// <summary>
/// One message of AWS's binary event stream (<c>application/vnd.amazon.eventstream</c>): the headers the gateway acts
/// on and the payload. <see cref="Payload"/> is valid only until the reader is asked for the next message.
/// </summary>
internal readonly record struct EventStreamMessage(
    string? MessageType,
    string? EventType,
    string? ExceptionType,
    string? ErrorCode,
    string? ErrorMessage,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary><c>:message-type</c> is <c>event</c> for data, <c>exception</c> for a modelled error, <c>error</c> for any other.</summary>
    public bool IsEvent => MessageType is null or "event";
}
