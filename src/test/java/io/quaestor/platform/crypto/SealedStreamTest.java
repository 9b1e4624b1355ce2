package io.quaestor.platform.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sealed streams open to what went in, and refuse anything else. */
class SealedStreamTest {

    private static final byte[] HEADER = "package:1".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTripsAcrossSegmentBoundaries() throws IOException {
        for (int size : new int[]{0, 1, SealedStream.SEGMENT - 1, SealedStream.SEGMENT, SealedStream.SEGMENT + 1, 3 * SealedStream.SEGMENT + 17}) {
            SealedStream.StreamKey key = SealedStream.StreamKey.random();
            byte[] plain = random(size);
            assertArrayEquals(plain, open(key, HEADER, seal(key, plain)), "size " + size);
        }
    }

    @Test
    void truncationReorderingAndTamperingAreRefused() throws IOException {
        SealedStream.StreamKey key = SealedStream.StreamKey.random();
        List<byte[]> segments = seal(key, random(2 * SealedStream.SEGMENT + 5));
        assertThrows(IOException.class, () -> open(key, HEADER, segments.subList(0, 2)));
        assertThrows(IOException.class, () -> open(key, HEADER, List.of(segments.get(1), segments.get(0), segments.get(2))));
        byte[] altered = segments.get(2).clone();
        altered[0] ^= 1;
        assertThrows(IOException.class, () -> open(key, HEADER, List.of(segments.get(0), segments.get(1), altered)));
        assertThrows(IOException.class, () -> open(key, "package:2".getBytes(StandardCharsets.UTF_8), segments));
        assertThrows(IOException.class, () -> open(key, HEADER, List.of()));
    }

    @Test
    void aWrappedKeyOpensOnlyWithItsMasterAndContext() {
        SecretKeySpec master = new SecretKeySpec(random(32), "AES");
        SealedStream.StreamKey key = SealedStream.StreamKey.random();
        byte[] wrapped = SealedStream.wrap(master, key, HEADER);
        assertArrayEquals(key.key().getEncoded(), SealedStream.unwrap(master, wrapped, HEADER).key().getEncoded());
        assertThrows(SecurityException.class, () -> SealedStream.unwrap(master, wrapped, "other".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SecurityException.class, () -> SealedStream.unwrap(new SecretKeySpec(random(64), 0, 32, "AES"), wrapped, HEADER));
    }

    private static List<byte[]> seal(SealedStream.StreamKey key, byte[] plain) throws IOException {
        List<byte[]> segments = new ArrayList<>();
        try (OutputStream out = SealedStream.sealing(key, HEADER, (i, sealed) -> segments.add(sealed))) {
            out.write(plain);
        }
        return segments;
    }

    private static byte[] open(SealedStream.StreamKey key, byte[] header, List<byte[]> segments) throws IOException {
        Iterator<byte[]> it = segments.iterator();
        try (InputStream in = SealedStream.opening(key, header, () -> it.hasNext() ? it.next() : null)) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
