package io.berth.registry;

/** Where an upload stands: its id and how many bytes it holds. */
public record UploadState(String id, RepositoryName repository, long size) {
}
