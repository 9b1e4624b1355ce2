package io.quaestor.dsar.control;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Whether a file's bytes are what its declared type says: a PDF starts with {@code %PDF-}, a PNG
 * and a JPEG with their signatures, plain text is UTF-8 without control characters other than
 * line breaks and tabs. An HTML page declared as a PDF is refused before it is stored, so nothing
 * an officer or auditor later opens is other than what it claims.
 */
final class FileSignatures {

    private static final byte[] PDF = "%PDF-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private FileSignatures() {
    }

    static boolean matches(String contentType, byte[] bytes) {
        return switch (contentType) {
            case "application/pdf" -> startsWith(bytes, PDF);
            case "image/png" -> startsWith(bytes, PNG);
            case "image/jpeg" -> startsWith(bytes, JPEG);
            case "text/plain" -> isPlainText(bytes);
            default -> false;
        };
    }

    private static boolean startsWith(byte[] bytes, byte[] signature) {
        return bytes.length >= signature.length && Arrays.equals(bytes, 0, signature.length, signature, 0, signature.length);
    }

    private static boolean isPlainText(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return text.chars().noneMatch(c -> (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F);
    }
}
