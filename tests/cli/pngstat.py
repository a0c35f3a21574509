"""Prints what a PNG screenshot shows: its size, the share of pixels that
are not white, and how many are close to each status colour. Only the
standard library: a PNG is zlib-compressed rows with a filter byte each."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            w, h, depth, colour = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and colour in (2, 6), 'unexpected PNG kind'
            bpp = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        out.append(line)
        prev = line
    return w, h, bpp, out


w, h, bpp, rows = pixels(sys.argv[1])
ink = red = green = 0
for line in rows:
    for i in range(0, len(line), bpp):
        r, g, b = line[i], line[i + 1], line[i + 2]
        if r < 240 or g < 240 or b < 240:
            ink += 1
        if abs(r - 0xc6) < 30 and abs(g - 0x28) < 30 and abs(b - 0x28) < 30:
            red += 1
        if abs(r - 0x2e) < 30 and abs(g - 0x7d) < 30 and abs(b - 0x32) < 30:
            green += 1
print(w, h, round(100.0 * ink / (w * h), 2), red, green)
