package io.berth.registry;

import io.berth.storage.Digest;

public record BlobInfo(Digest digest, long size) {
}
