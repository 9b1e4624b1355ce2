package io.quaestor.audit;

import io.quaestor.audit.control.MerkleTree;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9162 hashing and proofs: known vectors, then every proof of every small tree, then tampering. */
class MerkleTreeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The leaf inputs of the Certificate Transparency reference test vectors. */
    private static final String[] CT_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};

    @Test
    void matchesTheCertificateTransparencyReferenceVectors() {
        List<byte[]> leaves = new ArrayList<>();
        for (String leaf : CT_LEAVES) {
            leaves.add(MerkleTree.leafHash(HEX.parseHex(leaf)));
        }
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(MerkleTree.root(leaves, 0)));
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", HEX.formatHex(MerkleTree.root(leaves, 1)));
        assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", HEX.formatHex(MerkleTree.root(leaves, 8)));
    }

    @Test
    void everyInclusionProofOfEverySmallTreeVerifies() {
        List<byte[]> leaves = leaves(40);
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = MerkleTree.root(leaves, size);
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = MerkleTree.inclusionProof(leaves, index, size);
                assertTrue(MerkleTree.verifyInclusion(index, size, leaves.get(index), proof, root), index + " in " + size);
                if (size > 1) {
                    assertFalse(MerkleTree.verifyInclusion((index + 1) % size, size, leaves.get(index), proof, root),
                            "the proof names its position");
                }
            }
        }
    }

    @Test
    void everyConsistencyProofOfEverySmallTreeVerifies() {
        List<byte[]> leaves = leaves(40);
        for (int second = 0; second <= leaves.size(); second++) {
            for (int first = 0; first <= second; first++) {
                List<byte[]> proof = MerkleTree.consistencyProof(leaves, first, second);
                assertTrue(MerkleTree.verifyConsistency(first, second, MerkleTree.root(leaves, first),
                        MerkleTree.root(leaves, second), proof), first + " -> " + second);
            }
        }
    }

    @Test
    void aRewrittenHistoryIsNotConsistent() {
        List<byte[]> leaves = leaves(21);
        byte[] before = MerkleTree.root(leaves, 13);
        List<byte[]> rewritten = new ArrayList<>(leaves);
        rewritten.set(5, MerkleTree.leafHash("changed".getBytes(StandardCharsets.UTF_8)));
        List<byte[]> proof = MerkleTree.consistencyProof(rewritten, 13, 21);
        assertFalse(MerkleTree.verifyConsistency(13, 21, before, MerkleTree.root(rewritten, 21), proof));
        byte[] checkpoint18 = MerkleTree.root(leaves, 18);
        List<byte[]> deleted = new ArrayList<>(leaves);
        deleted.remove(15);
        assertFalse(MerkleTree.verifyConsistency(18, 20, checkpoint18, MerkleTree.root(deleted, 20),
                MerkleTree.consistencyProof(deleted, 18, 20)), "deleting an event a checkpoint covered is caught");
    }

    @Test
    void aTamperedProofOrLeafFails() {
        List<byte[]> leaves = leaves(17);
        byte[] root = MerkleTree.root(leaves, 17);
        List<byte[]> proof = MerkleTree.inclusionProof(leaves, 9, 17);
        List<byte[]> tampered = new ArrayList<>(proof);
        byte[] flipped = tampered.get(1).clone();
        flipped[0] ^= 1;
        tampered.set(1, flipped);
        assertFalse(MerkleTree.verifyInclusion(9, 17, leaves.get(9), tampered, root));
        assertFalse(MerkleTree.verifyInclusion(9, 17, leaves.get(8), proof, root));
        assertFalse(MerkleTree.verifyInclusion(9, 16, leaves.get(9), proof, root), "the tree size matters");
        assertFalse(MerkleTree.verifyInclusion(17, 17, leaves.get(9), proof, root));
    }

    @Test
    void theCompactRangeGrowsTheSameRootAndSurvivesBeingStored() {
        List<byte[]> leaves = leaves(130);
        io.quaestor.audit.control.CompactRange range = io.quaestor.audit.control.CompactRange.empty();
        assertEquals(HEX.formatHex(MerkleTree.root(leaves, 0)), HEX.formatHex(range.root()));
        for (int size = 1; size <= leaves.size(); size++) {
            range.append(leaves.get(size - 1));
            assertEquals(HEX.formatHex(MerkleTree.root(leaves, size)), HEX.formatHex(range.root()), "size " + size);
            if (size % 7 == 0) {
                range = io.quaestor.audit.control.CompactRange.of(range.size(), range.edgeBytes());
            }
        }
    }

    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(MerkleTree.leafHash(("event-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }
}
