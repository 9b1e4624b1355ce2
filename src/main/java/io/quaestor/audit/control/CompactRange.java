package io.quaestor.audit.control;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of an RFC 9162 tree: the roots of its perfect subtrees, largest first, one per
 * set bit of the tree size. Appending a leaf merges equal-sized subtrees like a binary counter,
 * and the root folds the edge from the right, so a sealer extends the tree in O(new leaves +
 * log n) without reading old leaves. Stored with each checkpoint, it is where the next seal resumes.
 */
public final class CompactRange {

    private long size;
    private final List<byte[]> edge;

    private CompactRange(long size, List<byte[]> edge) {
        this.size = size;
        this.edge = edge;
    }

    public static CompactRange empty() {
        return new CompactRange(0, new ArrayList<>());
    }

    /** Restores a range from its stored form ({@link #edgeBytes()}) and size. */
    public static CompactRange of(long size, byte[] edgeBytes) {
        List<byte[]> edge = new ArrayList<>();
        for (int i = 0; i < edgeBytes.length; i += 32) {
            edge.add(java.util.Arrays.copyOfRange(edgeBytes, i, i + 32));
        }
        if (edge.size() != Long.bitCount(size)) {
            throw new IllegalArgumentException("an edge of " + edge.size() + " hashes cannot describe a tree of size " + size);
        }
        return new CompactRange(size, edge);
    }

    public void append(byte[] leafHash) {
        byte[] carry = leafHash;
        long position = size;
        while ((position & 1) == 1) {
            carry = MerkleTree.nodeHash(edge.remove(edge.size() - 1), carry);
            position >>= 1;
        }
        edge.add(carry);
        size++;
    }

    public long size() {
        return size;
    }

    public byte[] root() {
        if (edge.isEmpty()) {
            return MerkleTree.root(List.of(), 0);
        }
        byte[] root = edge.get(edge.size() - 1);
        for (int i = edge.size() - 2; i >= 0; i--) {
            root = MerkleTree.nodeHash(edge.get(i), root);
        }
        return root;
    }

    public byte[] edgeBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(edge.size() * 32);
        edge.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
