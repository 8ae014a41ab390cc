package io.berth.security.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 CIDR block (a single address is a block of one), for the IpAddress condition operators. */
public final class IpRange {

    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses "10.0.0.0/8", "10.1.2.3", "2001:db8::/32"; the exception's message says what is wrong. */
    public static IpRange parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] network = address(address);
        if (network == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
        if (address.indexOf(':') >= 0 && network.length == 4) {
            throw new IllegalArgumentException("IPv4-mapped IPv6 addresses are not supported; write the IPv4 address");
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("the prefix length must be 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        // IAM accepts host bits in the block (10.1.2.3/8 is 10.0.0.0/8); clear them so comparing is plain.
        for (int bit = prefix; bit < bits; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpRange(network, prefix);
    }

    /** Whether the address is in the block; anything that is not an IP address is in no block. */
    public boolean contains(String text) {
        byte[] address = address(text);
        if (address == null || address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address's bytes, or null. IPv4-mapped IPv6 addresses come back as IPv4, as Java reports them. */
    static byte[] address(String text) {
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        // Only IPv6 literal characters, starting with a hex digit or ':': InetAddress then parses the text as a
        // literal and never asks DNS (no brackets, zone ids or host names get through).
        if (!isHex(text.charAt(0)) && text.charAt(0) != ':'
                || !text.chars().allMatch(c -> isHex(c) || c == ':' || c == '.')) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    // Strict dotted quad: InetAddress would also take legacy forms such as "10.1" or "012.1.1.1".
    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255
                    || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                return null;
            }
            address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return address;
    }
}
