package io.quaestor.platform.crypto;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM over a stream cut into segments of {@link #SEGMENT} bytes (the STREAM construction
 * of Hoang, Reyhanitabar, Rogaway and Vizár): each segment is sealed on its own with a nonce made
 * of a random prefix, the segment's number and a flag marking the last segment, and with the
 * stream's header as associated data. So a sealed file is written and read in constant memory
 * (the JDK's GCM buffers a whole message on decryption), and reordered, dropped, truncated or
 * altered segments all fail to open. Each stream has its own random data key; the key is stored
 * wrapped under a master key ({@link #wrap}).
 */
public final class SealedStream {

    public static final int SEGMENT = 1 << 20;
    private static final int TAG_BITS = 128;
    private static final int PREFIX = 7;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Receives each sealed segment in order. */
    @FunctionalInterface
    public interface SegmentSink {
        void accept(int index, byte[] sealed) throws IOException;
    }

    /** Gives each sealed segment in order, then null. */
    @FunctionalInterface
    public interface SegmentSource {
        byte[] next() throws IOException;
    }

    /** A stream's key and the nonce prefix its segments share; the header is bound into every segment. */
    public record StreamKey(SecretKey key, byte[] noncePrefix) {
        public static StreamKey random() {
            try {
                KeyGenerator generator = KeyGenerator.getInstance("AES");
                generator.init(256, RANDOM);
                byte[] prefix = new byte[PREFIX];
                RANDOM.nextBytes(prefix);
                return new StreamKey(generator.generateKey(), prefix);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES is part of every JDK", e);
            }
        }

        /** Key and prefix as one value, for wrapping. */
        byte[] encoded() {
            return ByteBuffer.allocate(32 + PREFIX).put(key.getEncoded()).put(noncePrefix).array();
        }

        static StreamKey decode(byte[] encoded) {
            return new StreamKey(new SecretKeySpec(encoded, 0, 32, "AES"), Arrays.copyOfRange(encoded, 32, 32 + PREFIX));
        }
    }

    private SealedStream() {
    }

    /** The stream key sealed under the master key, bound to {@code context} (for example the file's id). */
    public static byte[] wrap(SecretKey master, StreamKey streamKey, byte[] context) {
        return seal(master, streamKey.encoded(), context);
    }

    public static StreamKey unwrap(SecretKey master, byte[] wrapped, byte[] context) {
        return StreamKey.decode(open(master, wrapped, context));
    }

    /** A small value sealed in one piece (AES-256-GCM, random nonce first), bound to {@code context}. */
    public static byte[] seal(SecretKey key, byte[] plain, byte[] context) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the value could not be sealed", e);
        }
    }

    public static byte[] open(SecretKey key, byte[] sealed, byte[] context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, 12));
            cipher.updateAAD(context);
            return cipher.doFinal(sealed, 12, sealed.length - 12);
        } catch (GeneralSecurityException e) {
            throw new SecurityException("the sealed value does not open with this key and context", e);
        }
    }

    /** Plain bytes in; sealed segments out to the sink; the last one on {@code close()}. */
    public static OutputStream sealing(StreamKey key, byte[] header, SegmentSink sink) {
        return new OutputStream() {
            private final byte[] buffer = new byte[SEGMENT];
            private int filled;
            private int index;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                while (length > 0) {
                    if (filled == SEGMENT) {
                        emit(false);
                    }
                    int n = Math.min(length, SEGMENT - filled);
                    System.arraycopy(bytes, offset, buffer, filled, n);
                    filled += n;
                    offset += n;
                    length -= n;
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    emit(true);
                }
            }

            private void emit(boolean last) throws IOException {
                sink.accept(index, seal(key, header, index, last, buffer, filled));
                index++;
                filled = 0;
            }
        };
    }

    /** Sealed segments in; plain bytes out. Any tampering or truncation is an {@link IOException}. */
    public static InputStream opening(StreamKey key, byte[] header, SegmentSource source) {
        return new InputStream() {
            private byte[] next;
            private byte[] plain = new byte[0];
            private int position;
            private int index;
            private boolean started;
            private boolean finished;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] out, int offset, int length) throws IOException {
                while (position == plain.length) {
                    if (finished) {
                        return -1;
                    }
                    advance();
                }
                int n = Math.min(length, plain.length - position);
                System.arraycopy(plain, position, out, offset, n);
                position += n;
                return n;
            }

            private void advance() throws IOException {
                byte[] current = started ? next : source.next();
                started = true;
                if (current == null) {
                    throw new IOException("the sealed stream is empty or truncated");
                }
                next = source.next();
                boolean last = next == null;
                plain = open(key, header, index++, last, current);
                position = 0;
                finished = last;
            }
        };
    }

    private static byte[] seal(StreamKey key, byte[] header, int index, boolean last, byte[] plain, int length) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce(key, index, last)));
            cipher.updateAAD(header);
            return cipher.doFinal(plain, 0, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a segment could not be sealed", e);
        }
    }

    private static byte[] open(StreamKey key, byte[] header, int index, boolean last, byte[] sealed) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce(key, index, last)));
            cipher.updateAAD(header);
            return cipher.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("segment " + index + " does not open: the sealed stream was altered, reordered or truncated");
        }
    }

    private static byte[] nonce(StreamKey key, int index, boolean last) {
        return ByteBuffer.allocate(12).put(key.noncePrefix()).putInt(index).put((byte) (last ? 1 : 0)).array();
    }
}
