import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * The auditor's offline verifier for a Quaestor audit bundle. It needs nothing but a JDK (17+) and
 * trusts nothing from Quaestor except the public key, which you should pass from your own copy:
 *
 * <pre>java audit/VerifyBundle.java bundle.zip [public-key-file]</pre>
 *
 * It recomputes every leaf from the event records, the RFC 9162 Merkle root at every checkpoint,
 * and checks every checkpoint's Ed25519 signature. It also follows the append hash chain over every
 * leaf and checks the newest append signature, so an event written into the database behind
 * Quaestor's back is caught whether or not a checkpoint has sealed it; events after the last
 * checkpoint are reported as unsealed. An event past online retention appears as
 * {"payloadArchived":true,"seq":N}: its record is in the archive, so its stored leaf hash enters the
 * tree as is, still bound by every signed root that covers it. Exit code 0: intact. 1: tampered, with the
 * first bad sequence number. 2: the bundle or key could not be read.
 */
public final class VerifyBundle {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern ARCHIVED = Pattern.compile("^\\{\"payloadArchived\":true,\"seq\":(\\d+)}$");
    private static long archived;
    private static long unsealed;

    private record Checkpoint(long treeSize, byte[] root, String statement, byte[] signature) {
    }

    private static final class Tampered extends Exception {
        final long seq;

        Tampered(long seq, String message) {
            super(message);
            this.seq = seq;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java VerifyBundle.java bundle.zip [public-key-file]");
            System.exit(2);
        }
        try (ZipFile bundle = new ZipFile(args[0])) {
            String keyText = args.length == 2 ? Files.readString(Path.of(args[1])) : text(bundle, "public-key.txt");
            if (args.length == 1) {
                System.out.println("warning: using the public key inside the bundle; compare it with your own copy");
            }
            PublicKey key = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(keyText.trim())));
            List<Checkpoint> checkpoints = checkpoints(text(bundle, "checkpoints.txt"));
            long events = verify(bundle, checkpoints, key, appendSignatures(text(bundle, "append-signatures.txt")));
            System.out.println("INTACT: " + events + " events, " + checkpoints.size() + " signed checkpoints verified"
                    + (archived == 0 ? "" : " (" + archived + " past online retention: leaf hash only)")
                    + (unsealed == 0 ? "" : "; " + unsealed + " events after the last checkpoint are UNSEALED (vouched for by the append signature only)"));
        } catch (Tampered t) {
            System.out.println("TAMPERED: first bad sequence number " + t.seq + ": " + t.getMessage());
            System.exit(1);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            System.err.println("cannot verify: " + e.getMessage());
            System.exit(2);
        }
    }

    private record AppendSignature(long first, long last, String chain, String statement, byte[] signature) {
    }

    private static List<AppendSignature> appendSignatures(String text) {
        List<AppendSignature> signatures = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String statement = block.substring(0, block.indexOf("signature=")).replaceFirst("^\n+", "");
            signatures.add(new AppendSignature(Long.parseLong(field(statement, "first_seq")), Long.parseLong(field(statement, "last_seq")),
                    field(statement, "chain"), statement,
                    Base64.getDecoder().decode(block.substring(block.indexOf("signature=") + "signature=".length()).trim())));
        }
        return signatures;
    }

    private static long verify(ZipFile bundle, List<Checkpoint> checkpoints, PublicKey key, List<AppendSignature> appends)
            throws IOException, GeneralSecurityException, Tampered {
        java.util.Map<Long, AppendSignature> endingAt = new java.util.HashMap<>();
        appends.forEach(a -> endingAt.put(a.last(), a));
        AppendSignature previous = null;
        byte[] chain = new byte[32];
        List<byte[]> edge = new ArrayList<>();
        long size = 0;
        long verifiedUpTo = 0;
        int next = 0;
        try (InputStream events = new BufferedInputStream(bundle.getInputStream(entry(bundle, "events.ndjson")));
             InputStream leaves = new BufferedInputStream(bundle.getInputStream(entry(bundle, "leaves.txt")))) {
            while (true) {
                while (next < checkpoints.size() && checkpoints.get(next).treeSize() == size) {
                    Checkpoint checkpoint = checkpoints.get(next);
                    if (!signed(checkpoint, key)) {
                        throw new Tampered(verifiedUpTo, "the checkpoint of size " + checkpoint.treeSize() + " is not signed by the key");
                    }
                    if (!Arrays.equals(root(edge), checkpoint.root())) {
                        throw new Tampered(verifiedUpTo, "events before " + checkpoint.treeSize()
                                + " differ from what the signed checkpoint covered");
                    }
                    verifiedUpTo = size;
                    next++;
                }
                byte[] line = readLine(events);
                if (line == null) {
                    break;
                }
                Matcher seq = SEQ.matcher(new String(line, StandardCharsets.UTF_8));
                if (!seq.find() || Long.parseLong(seq.group(1)) != size) {
                    throw new Tampered(size, "event " + size + " is missing or out of order");
                }
                byte[] stored = readLine(leaves);
                byte[] leaf;
                if (ARCHIVED.matcher(new String(line, StandardCharsets.UTF_8)).matches()) {
                    String entry = stored == null ? "" : new String(stored, StandardCharsets.UTF_8);
                    if (!entry.startsWith(size + " ")) {
                        throw new Tampered(size, "the archived event's leaf hash is missing");
                    }
                    leaf = HexFormat.of().parseHex(entry.substring(entry.indexOf(' ') + 1));
                    archived++;
                } else {
                    leaf = leafHash(line);
                    String expected = size + " " + HexFormat.of().formatHex(leaf);
                    if (stored == null || !expected.equals(new String(stored, StandardCharsets.UTF_8))) {
                        throw new Tampered(size, "the event's record differs from its stored leaf hash");
                    }
                }
                append(edge, size, leaf);
                chain = chainHash(chain, leaf);
                AppendSignature ending = endingAt.get(size);
                if (ending != null) {
                    if (previous != null && ending.first() != previous.last() + 1) {
                        throw new Tampered(previous.last() + 1, "the append signatures skip events " + (previous.last() + 1) + " to " + (ending.first() - 1));
                    }
                    if (!HexFormat.of().formatHex(chain).equals(ending.chain())) {
                        long from = previous == null ? ending.first() : previous.last() + 1;
                        throw new Tampered(from, "the events from " + from + " to " + ending.last() + " are not the ones the append signatures vouch for");
                    }
                    previous = ending;
                }
                size++;
            }
        }
        if (next < checkpoints.size()) {
            throw new Tampered(size, "the checkpoint of size " + checkpoints.get(next).treeSize() + " covers events that are missing");
        }
        checkNewestAppendSignature(appends, size, key);
        unsealed = size - verifiedUpTo;
        return size;
    }

    /**
     * The newest append signature, whose chain value the loop above found equal to the one recomputed
     * over every leaf up to it, must be signed by the key and name the last event: an event after it
     * was not appended by Quaestor.
     */
    private static void checkNewestAppendSignature(List<AppendSignature> appends, long size, PublicKey key)
            throws GeneralSecurityException, Tampered {
        if (size == 0) {
            return;
        }
        if (appends.isEmpty()) {
            throw new Tampered(0, "no append signature vouches for any event");
        }
        AppendSignature newest = appends.get(appends.size() - 1);
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(newest.statement().getBytes(StandardCharsets.UTF_8));
        if (!newest.statement().startsWith("quaestor-audit-append/v1\n") || !ed25519.verify(newest.signature())) {
            throw new Tampered(newest.first(), "the append signature over events " + newest.first() + " to " + newest.last()
                    + " is not signed by the key");
        }
        if (newest.last() + 1 < size) {
            throw new Tampered(newest.last() + 1, "event " + (newest.last() + 1) + " and the " + (size - newest.last() - 2)
                    + " after it are not vouched for by the append signature: written outside Quaestor");
        }
    }

    private static byte[] chainHash(byte[] chain, byte[] leaf) throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(chain);
        sha.update(leaf);
        return sha.digest();
    }

    private static List<Checkpoint> checkpoints(String text) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String statement = block.substring(0, block.indexOf("signature=")).replaceFirst("^\n+", "");
            String signature = block.substring(block.indexOf("signature=") + "signature=".length()).trim();
            long treeSize = Long.parseLong(field(statement, "tree_size"));
            byte[] root = HexFormat.of().parseHex(field(statement, "root"));
            checkpoints.add(new Checkpoint(treeSize, root, statement, Base64.getDecoder().decode(signature)));
        }
        return checkpoints;
    }

    private static String field(String statement, String name) {
        for (String line : statement.split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("a signed statement lacks " + name);
    }

    private static boolean signed(Checkpoint checkpoint, PublicKey key) throws GeneralSecurityException {
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(checkpoint.statement().getBytes(StandardCharsets.UTF_8));
        return ed25519.verify(checkpoint.signature());
    }

    /** The right edge of the tree, one perfect-subtree root per set bit of the size (as a binary counter). */
    private static void append(List<byte[]> edge, long size, byte[] leaf) throws GeneralSecurityException {
        byte[] carry = leaf;
        for (long position = size; (position & 1) == 1; position >>= 1) {
            carry = nodeHash(edge.remove(edge.size() - 1), carry);
        }
        edge.add(carry);
    }

    private static byte[] root(List<byte[]> edge) throws GeneralSecurityException {
        if (edge.isEmpty()) {
            return MessageDigest.getInstance("SHA-256").digest();
        }
        byte[] root = edge.get(edge.size() - 1);
        for (int i = edge.size() - 2; i >= 0; i--) {
            root = nodeHash(edge.get(i), root);
        }
        return root;
    }

    private static byte[] leafHash(byte[] data) throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x00);
        sha.update(data);
        return sha.digest();
    }

    private static byte[] nodeHash(byte[] left, byte[] right) throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        return b == -1 && line.size() == 0 ? null : line.toByteArray();
    }

    private static String text(ZipFile bundle, String name) throws IOException {
        try (InputStream in = bundle.getInputStream(entry(bundle, name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static java.util.zip.ZipEntry entry(ZipFile bundle, String name) throws IOException {
        java.util.zip.ZipEntry entry = bundle.getEntry(name);
        if (entry == null) {
            throw new IOException("the bundle has no " + name);
        }
        return entry;
    }
}
