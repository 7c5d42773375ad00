#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets (committed; rerun only to change the seeds).

fuzz-driver inputs are binary transcripts: [u16 big-endian length][bytes] chunks, the ATR first,
then the card's responses (data + SW1 SW2) in the order fuzz-driver.c sends its commands.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ATR = bytes.fromhex("3BE000FF8131FE4514")
OK = b"\x90\x00"


def tlv(tag: bytes, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return tag + length + value


def number_record(number=b"123456789018"):
    return tlv(b"\xFF\x10", number) + b"\xFF\xFF"


def attributes_record(name="窓口　花子", address="東京都千代田区霞が関１丁目２番３号", pad=512):
    inner = (tlv(b"\xDF\x21", bytes(8)) + tlv(b"\xDF\x22", name.encode()) +
             tlv(b"\xDF\x23", address.encode()) + tlv(b"\xDF\x24", b"19850412") +
             tlv(b"\xDF\x25", b"2"))
    rec = tlv(b"\xFF\x20", inner)
    return rec + b"\xFF" * max(0, pad - len(rec))


def fake_cert(body=600, pad=1024):
    c = b"\x30\x82" + struct.pack(">H", body) + bytes(i & 0xFF for i in range(body))
    return c + b"\xFF" * max(0, pad - len(c))


def transcript(responses):
    out = struct.pack(">H", len(ATR)) + ATR
    for r in responses:
        out += struct.pack(">H", len(r)) + r
    return out


def driver_seeds():
    happy = [OK, b"\x63\xC3", OK, number_record() + OK, attributes_record() + OK,
             OK, fake_cert() + OK, fake_cert(500) + OK, b"\x69\x82", fake_cert(400) + OK,
             OK, bytes(range(256)) + OK]
    yield "happy", happy
    # the reader refuses extended length: 67 00, then 256-byte reads
    rec = attributes_record(address="長い住所" * 40, pad=0)
    yield "short-reads", [OK, b"\x63\xC3", OK, b"\x67\x00", number_record() + OK,
                          rec[:256] + OK, rec[256:] + OK]
    # 61xx and 6Cxx
    num = number_record()
    yield "get-response", [OK, b"\x63\xC2", OK, num[:10] + b"\x61\x07", num[10:] + OK,
                           b"\x6C\x40", attributes_record(pad=0)[:0x40] + OK]
    yield "wrong-pin", [OK, b"\x63\xC3", b"\x63\xC2", b"\x69\x82", b"\x69\x82", OK,
                        b"\x6A\x82", b"\x6A\x82", b"\x6A\x82", b"\x6A\x82", b"\x63\xC0"]
    yield "not-mynumber", [b"\x6A\x82", b"\x6A\x82", b"\x6A\x82"]
    yield "truncated", [OK, b"\x63\xC3", OK, number_record() + OK,
                        attributes_record(pad=0)[:-7] + OK]
    yield "nonminimal", [OK, b"\x63\xC3", OK, b"\xFF\x10\x82\x00\x0C123456789018" + OK,
                         b"\xFF\x20\x82\x00\x0B\xDF\x22\x81\x02AB\xDF\x25\x01\x31" + OK]


def tlv_seeds():
    yield "attributes", attributes_record(pad=0)
    yield "number", number_record()
    yield "certificate-header", fake_cert(300, 0)
    yield "nonminimal", b"\xFF\x20\x82\x00\x0B\xDF\x22\x81\x02AB\xDF\x25\x01\x31"
    yield "nested", tlv(b"\x30", tlv(b"\x30", tlv(b"\x02", b"\x01")) + tlv(b"\x04", b"abc"))
    yield "cv-certificate", tlv(b"\x7F\x21", tlv(b"\x5F\x4E", bytes(20)) + tlv(b"\x5F\x37", bytes(16)))


def main():
    for name, responses in driver_seeds():
        with open(os.path.join(HERE, "corpus", "driver", name), "wb") as f:
            f.write(transcript(responses))
    for name, data in tlv_seeds():
        with open(os.path.join(HERE, "corpus", "tlv", name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
