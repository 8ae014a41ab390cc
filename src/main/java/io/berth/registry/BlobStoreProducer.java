package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.FileSystemBlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Chooses the blob store from the settings: the data directory's file system. */
@ApplicationScoped
public class BlobStoreProducer {

    @Inject
    RegistrySettings settings;

    @Produces
    @ApplicationScoped
    public BlobStore blobStore() {
        try {
            return new FileSystemBlobStore(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store under " + settings.dataDir(), e);
        }
    }
}
