namespace MasterSender.Ingress;

/// <summary>One ROUTER message from a peer: its identity and its frames after the identity.</summary>
internal readonly record struct InboundFrame(string PeerId, byte[] Identity, byte[]? Body, int FrameCount);

/// <summary>A reply for one peer, sent by the socket thread.</summary>
internal readonly record struct OutboundFrame(byte[] Identity, byte[] Body);
