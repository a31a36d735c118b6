#!/usr/bin/env python3
"""Read our log files back, as a reader of the documented format would.

  logdecode.py check FILE...        every line is whole, valid logfmt or JSON
  logdecode.py bytes FILE STREAM    the bytes of STREAM (out, err) rebuilt
                                    from its lines: escapes undone, a newline
                                    after each line but a partial=true part
  logdecode.py events FILE          one line per line of FILE: the event name,
                                    or "line STREAM TEXT" for a child line
"""
import json
import re
import sys

BARE = r'[^\s"=\\\x00-\x1f\x7f]+'
QUOTED = r'"(?:[^"\\]|\\.)*"'
LOGFMT = re.compile(r'^[a-z_]+=(?:%s|%s)(?: [a-z_]+=(?:%s|%s))*$'
                    % (BARE, QUOTED, BARE, QUOTED))
PAIR = re.compile(r'([a-z_]+)=(%s|%s)' % (BARE, QUOTED))


def unescape(b):
    """Undo the text escaping (bytes in, bytes out); ValueError if unknown."""
    out = bytearray()
    i = 0
    while i < len(b):
        c = b[i]
        if c != 0x5c:
            out.append(c)
            i += 1
            continue
        e = b[i + 1:i + 2]
        if e in (b'\\', b'"'):
            out += e
            i += 2
        elif e in (b'n', b't', b'r'):
            out += {b'n': b'\n', b't': b'\t', b'r': b'\r'}[e]
            i += 2
        elif e == b'u' and b[i + 2:i + 4] == b'00':
            out.append(int(b[i + 4:i + 6], 16))
            i += 6
        elif e == b'x':
            out.append(int(b[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError('unknown escape %r' % b[i:i + 6])
    return bytes(out)


def parse(raw):
    """One file line (bytes, no newline) as a dict of bytes/str values."""
    if raw.startswith(b'{'):
        d = json.loads(raw.decode('utf-8'))
        if 'line' in d:
            v = d['line'].encode('utf-8')
            d['line'] = unescape(v) if d.get('escaped') else v
        return d
    text = raw.decode('utf-8')
    if not LOGFMT.match(text):
        raise ValueError('not logfmt: %r' % text[:200])
    d = {}
    for k, v in PAIR.findall(text):
        if v.startswith('"'):
            v = unescape(v[1:-1].encode('utf-8'))
        else:
            v = v.encode('utf-8')
        d[k] = v
    for k in list(d):
        if k != 'line':
            d[k] = d[k].decode('utf-8', 'replace')
    if d.get('partial') == 'true':
        d['partial'] = True
    return d


def lines(path):
    data = open(path, 'rb').read()
    if data and not data.endswith(b'\n'):
        raise ValueError('%s: the last line is torn' % path)
    return data.split(b'\n')[:-1]


def main():
    cmd = sys.argv[1]
    if cmd == 'check':
        n = 0
        for path in sys.argv[2:]:
            for i, raw in enumerate(lines(path)):
                try:
                    d = parse(raw)
                    assert 'ts' in d and 'level' in d and 'name' in d
                    assert ('event' in d) != ('line' in d)
                except Exception as e:
                    sys.exit('%s:%d: %s: %r' % (path, i + 1, e, raw[:300]))
                n += 1
        print(n)
    elif cmd == 'bytes':
        out = sys.stdout.buffer
        for raw in lines(sys.argv[2]):
            d = parse(raw)
            if d.get('stream') == sys.argv[3]:
                out.write(d['line'])
                if not d.get('partial'):
                    out.write(b'\n')
    elif cmd == 'events':
        for raw in lines(sys.argv[2]):
            d = parse(raw)
            if 'event' in d:
                print(d['event'])
            else:
                print('line', d['stream'], d['line'].decode('utf-8', 'replace'))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
