package io.quaestor.audit.control;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Network origins as the audit trail keeps them: IPv4 to its /24, IPv6 to its /48, never the full address. */
public final class Origins {

    private Origins() {
    }

    public static String truncate(String address) {
        if (address == null || address.isBlank() || !address.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length == 4) {
                return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0/24";
            }
            return String.format("%x:%x:%x::/48", word(bytes, 0), word(bytes, 2), word(bytes, 4));
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }

    private static int word(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }
}
