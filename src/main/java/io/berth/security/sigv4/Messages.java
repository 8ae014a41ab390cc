package io.berth.security.sigv4;

/** Client-supplied text made safe to put in an error message: short, printable ASCII only. */
final class Messages {

    private static final int MAX = 64;

    private Messages() {
    }

    static String quote(String text) {
        StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX) + 3);
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > MAX) {
            safe.append("...");
        }
        return safe.toString();
    }
}
