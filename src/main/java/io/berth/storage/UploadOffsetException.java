package io.berth.storage;

import java.io.IOException;

/** A chunk did not start where the upload ends. */
public class UploadOffsetException extends IOException {

    private final long actualSize;

    public UploadOffsetException(long expectedOffset, long actualSize) {
        super("chunk starts at " + expectedOffset + " but the upload holds " + actualSize + " bytes");
        this.actualSize = actualSize;
    }

    public long actualSize() {
        return actualSize;
    }
}
