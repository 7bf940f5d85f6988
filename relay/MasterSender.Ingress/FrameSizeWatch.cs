using System.Buffers.Binary;

namespace MasterSender.Ingress;

/// <summary>
/// Follows ZMTP frame boundaries in the bytes an EA sends after its handshake (flags, 1- or 8-byte size, body) so the
/// front door can name a frame over <c>Ingress:MaxFrameBytes</c> before the ROUTER drops the connection silently.
/// Reads headers only: the bodies pass by untouched.
/// Owner: the one copy task of its connection (EA to ROUTER); nothing else sees it.
/// </summary>
internal sealed class FrameSizeWatch(long maxFrameBytes)
{
    private readonly byte[] _header = new byte[9];
    private int _headerHave;
    private int _headerNeeded = 1;
    private long _bodyLeft;

    /// <summary>Null while every frame is within the limit; otherwise the size of the first frame over it.</summary>
    public long? Observe(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_bodyLeft > 0)
            {
                var skip = (int)Math.Min(_bodyLeft, bytes.Length);
                _bodyLeft -= skip;
                bytes = bytes[skip..];
                continue;
            }

            _header[_headerHave++] = bytes[0];
            bytes = bytes[1..];
            if (_headerHave == 1)
            {
                _headerNeeded = (_header[0] & 0x02) != 0 ? 9 : 2;
                continue;
            }

            if (_headerHave < _headerNeeded)
            {
                continue;
            }

            var size = _headerNeeded == 9 ? BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(1)) : _header[1];
            if (size > (ulong)maxFrameBytes)
            {
                return size > long.MaxValue ? long.MaxValue : (long)size;
            }

            _bodyLeft = (long)size;
            _headerHave = 0;
        }

        return null;
    }
}
