package io.berth.registry;

import io.berth.events.Outbox;
import io.berth.platform.RegistryMetrics;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Manifests and tags: push, pull, delete, referrers. */
@ApplicationScoped
public class Manifests {

    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** last_pulled_at is refreshed at most this often per image, so that pulls do not each write a row. */
    static final long PULL_RECORD_INTERVAL_MS = 60_000;

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Inject
    Blobs blobs;

    @Inject
    Outbox outbox;

    @Inject
    ReadEvents readEvents;

    @Inject
    RegistryMetrics metrics;

    @Inject
    ManifestCache cache;

    @Inject
    ManifestReads reads;

    @Inject
    RegistrySettings settings;

    @Inject
    ImageListing images;

    @Inject
    ManifestConversions conversions;

    /**
     * Stores a manifest under a tag or its digest. Everything it references must already be in the repository.
     * The repository row is locked for the rest of the transaction, so concurrent pushes of one tag apply one after
     * the other and the tag ends on one of them.
     */
    @Transactional
    public StoredManifest put(RepositoryName repositoryName, String reference, String contentType, byte[] content,
                              String actor) {
        return put(repositoryName, reference, List.of(), contentType, content, actor);
    }

    /**
     * Stores a manifest pushed by digest and points {@code tags} at it too (the spec's {@code ?tag=} parameters),
     * all in one transaction: one tag refused (invalid, immutable) and nothing is stored.
     */
    @Transactional
    public StoredManifest put(RepositoryName repositoryName, String reference, List<String> tags, String contentType,
                              byte[] content, String actor) {
        Reference ref = Reference.parse(reference);
        List<String> allTags = new ArrayList<>(new java.util.LinkedHashSet<>(tags));
        if (!allTags.isEmpty() && !(ref instanceof Reference.ByDigest)) {
            throw new RegistryException(Problem.TAG_INVALID, "tag parameters apply to a push by digest", reference);
        }
        for (String tag : allTags) {
            if (!Names.isTag(tag)) {
                throw new RegistryException(Problem.TAG_INVALID, "invalid tag", tag);
            }
        }
        if (ref instanceof Reference.ByTag byTag) {
            allTags.add(byTag.tag());
        }
        if (content.length > MAX_MANIFEST_BYTES) {
            throw new RegistryException(Problem.MANIFEST_TOO_LARGE,
                    "manifest exceeds " + MAX_MANIFEST_BYTES + " bytes");
        }
        ParsedManifest manifest = ManifestParser.parse(content, contentType);
        Digest digest = manifest.digest("sha256");
        if (ref instanceof Reference.ByDigest byDigest) {
            digest = manifest.digest(byDigest.digest().algorithm());
            if (!digest.equals(byDigest.digest())) {
                throw new RegistryException(Problem.DIGEST_INVALID,
                        "manifest digest does not match the content", byDigest.digest().toString());
            }
        }
        Repository repository = repositories.lock(repositories.forPush(repositoryName, actor));
        cache.invalidate(repositoryName);
        long now = System.currentTimeMillis();

        Image image = reads.findImage(repository, digest.toString()).orElse(null);
        if (image == null) {
            image = store(repository, digest, manifest, content, allTags, now, actor);
        }
        for (String tag : allTags) {
            moveTag(repository, tag, image, now, actor);
        }
        metrics.pushed(content.length);
        return new StoredManifest(digest.toString(), image.mediaType(), content, image.subjectDigest());
    }

    /**
     * ECR's PutImage, in one transaction: stores a manifest in an existing repository and points {@code tag}
     * (optional) at it. IMAGE_ALREADY_EXISTS when the repository holds the image and the tag (if any) is on it
     * already. Without a media type, a stored image keeps its own and a new manifest says its own.
     */
    @Transactional
    public StoredManifest putImage(RepositoryName repositoryName, String tag, String mediaType, byte[] content,
                                   String actor) {
        Repository repository = repositories.lock(repositories.require(repositoryName));
        Digest digest = ManifestParser.parse(content, mediaType).digest("sha256");
        Image existing = reads.findImage(repository, digest.toString()).orElse(null);
        if (existing != null && (tag == null || tagsOf(existing).contains(tag))) {
            throw new RegistryException(Problem.IMAGE_ALREADY_EXISTS, "Image with digest '" + digest + "'"
                    + (tag == null ? "" : " and tag '" + tag + "'") + " already exists in the repository with name '"
                    + repository.name() + "' in registry with id '" + repository.accountId() + "'", digest.toString());
        }
        String type = mediaType != null ? mediaType : existing != null ? existing.mediaType() : null;
        return put(repositoryName, tag != null ? tag : digest.toString(), List.of(), type, content, actor);
    }

    private Image store(Repository repository, Digest digest, ParsedManifest manifest, byte[] content,
                        List<String> tags, long now, String actor) {
        List<ImageReference> references = new ArrayList<>();
        long size = content.length;
        int position = 0;
        for (Descriptor child : manifest.manifests()) {
            if (!settings.sparseIndexes() && reads.findImage(repository, child.digest().toString()).isEmpty()) {
                throw blobUnknown(child.digest());
            }
            size += child.size();
            references.add(new ImageReference(null, position++, ImageReference.Kind.MANIFEST,
                    child.digest().toString(), child.size(), child.mediaType()));
        }
        // Lock the referenced blobs in digest order (see Blobs#claim): collection cannot take them from now on.
        Map<Digest, Long> blobSizes = new TreeMap<>(Comparator.comparing(Digest::toString));
        if (manifest.config() != null) {
            blobSizes.put(manifest.config().digest(), null);
        }
        for (Descriptor layer : manifest.layers()) {
            if (!layer.isForeign()) { // foreign layers are served from their URLs, never stored here
                blobSizes.put(layer.digest(), null);
            }
        }
        for (Map.Entry<Digest, Long> blob : blobSizes.entrySet()) {
            blob.setValue(blobs.claim(repository, blob.getKey()).orElseThrow(() -> blobUnknown(blob.getKey())).size());
        }
        if (manifest.config() != null) {
            size += blobSizes.get(manifest.config().digest());
            references.add(new ImageReference(null, position++, ImageReference.Kind.CONFIG,
                    manifest.config().digest().toString(), manifest.config().size(), manifest.config().mediaType()));
        }
        for (Descriptor layer : manifest.layers()) {
            if (layer.isForeign()) {
                continue;
            }
            long layerSize = blobSizes.get(layer.digest());
            size += layerSize;
            // A schema 1 manifest does not say its layers' sizes: the stored blobs do.
            references.add(new ImageReference(null, position++, ImageReference.Kind.LAYER,
                    layer.digest().toString(), layer.size() < 0 ? layerSize : layer.size(), layer.mediaType()));
        }
        Image image = new Image(repository.id(), digest.toString(), manifest, content, size, now, actor);
        em.persist(image);
        em.flush();
        for (ImageReference reference : references) {
            em.persist(reference.forImage(image.id()));
        }
        outbox.append(new RegistryEvent.ImagePushed(repository.repositoryName().toString(), digest.toString(),
                manifest.mediaType(), size, content.length, List.copyOf(tags), actor, now));
        return image;
    }

    private static RegistryException blobUnknown(Digest digest) {
        return new RegistryException(Problem.MANIFEST_BLOB_UNKNOWN,
                "manifest references a manifest or blob unknown to this repository", digest.toString());
    }

    private void moveTag(Repository repository, String name, Image image, long now, String actor) {
        Tag tag = em.find(Tag.class, new Tag.Key(repository.id(), name));
        if (tag == null) {
            em.persist(new Tag(repository.id(), name, image.id(), now));
            outbox.append(new RegistryEvent.TagMoved(repository.repositoryName().toString(), name, null,
                    image.digest(), actor, now));
        } else if (!tag.imageId().equals(image.id())) {
            if (repository.settings().tagImmutable(name)) {
                throw new RegistryException(Problem.TAG_IMMUTABLE, "The image tag '" + name + "' already exists in"
                        + " the '" + repository.name() + "' repository and cannot be overwritten because the tag is"
                        + " immutable.", name);
            }
            String old = em.find(Image.class, tag.imageId()).digest();
            tag.pointTo(image.id(), now);
            outbox.append(new RegistryEvent.TagMoved(repository.repositoryName().toString(), name, old,
                    image.digest(), actor, now));
        }
    }

    /**
     * The manifest a reference names, from the cache when nothing changed since it was read, in a format the client
     * accepts: pulled by tag, it is converted when the client does not take the format it is stored in (see
     * {@link ManifestConversions}); by digest, it is what that digest names. A {@code pull} (GET, not HEAD) fires
     * ImagePulled (for the stored image) and records the pull time, at most once a minute per image.
     */
    public StoredManifest get(RepositoryName repositoryName, String reference, AcceptedTypes accepted, boolean pull,
                              String actor) {
        ManifestCache.Entry entry = cache.get(repositoryName, reference);
        if (entry == null) {
            long generation = cache.generation(repositoryName);
            entry = reads.find(repositoryName, reference);
            cache.put(repositoryName, reference, entry, generation);
        }
        if (pull) {
            long now = System.currentTimeMillis();
            long recorded = entry.pullRecordedAt().get();
            if (now - recorded > PULL_RECORD_INTERVAL_MS && entry.pullRecordedAt().compareAndSet(recorded, now)) {
                reads.recordPull(entry.imageId(), now);
            }
            readEvents.pulled(repositoryName, entry.manifest().digest(), reference,
                    entry.manifest().content().length, actor, now);
            metrics.pulled(entry.manifest().content().length);
        }
        boolean byTag = reference.indexOf(':') < 0; // a digest has its algorithm before a colon, a tag has no colon
        return byTag ? conversions.forClient(repositoryName, reference, entry.manifest(), accepted) : entry.manifest();
    }

    /** Deleting by digest removes the image and every tag on it; deleting by tag removes only the tag. */
    @Transactional
    public void delete(RepositoryName repositoryName, String reference, String actor) {
        Repository repository = repositories.lock(repositories.require(repositoryName));
        cache.invalidate(repositoryName);
        Reference ref = Reference.parse(reference);
        long now = System.currentTimeMillis();
        if (ref instanceof Reference.ByTag byTag) {
            Tag tag = em.find(Tag.class, new Tag.Key(repository.id(), byTag.tag()));
            if (tag == null) {
                throw new RegistryException(Problem.MANIFEST_UNKNOWN, "manifest unknown to registry", reference);
            }
            String digest = em.find(Image.class, tag.imageId()).digest();
            em.remove(tag);
            outbox.append(new RegistryEvent.TagDeleted(repositoryName.toString(), byTag.tag(), digest, actor, now));
            return;
        }
        Image image = reads.resolve(repository, ref).orElseThrow(() ->
                new RegistryException(Problem.MANIFEST_UNKNOWN, "manifest unknown to registry", reference));
        deleteImage(repository, image, tagsOf(image), actor, now, RegistryEvent.Cause.USER, null);
    }

    /**
     * ECR's deletion of one image id, in one transaction: by digest, the image with all its tags; by tag, the tag,
     * and the image too when that was its last tag; by both, as by tag once the tag is known to name the digest
     * (TAG_DIGEST_MISMATCH otherwise). Returns the image's digest.
     */
    @Transactional
    public String deleteImageId(RepositoryName repositoryName, String digest, String tag, String actor) {
        Repository repository = repositories.lock(repositories.require(repositoryName));
        String found = images.find(repositoryName, digest, tag).digest();
        cache.invalidate(repositoryName);
        Image image = reads.findImage(repository, found).orElseThrow();
        List<String> tags = tagsOf(image);
        long now = System.currentTimeMillis();
        if (tag != null && tags.size() > 1) {
            em.remove(em.find(Tag.class, new Tag.Key(repository.id(), tag)));
            outbox.append(new RegistryEvent.TagDeleted(repositoryName.toString(), tag, found, actor, now));
        } else {
            deleteImage(repository, image, tags, actor, now, RegistryEvent.Cause.USER, null);
        }
        return found;
    }

    /**
     * Deletes an image that a lifecycle rule expired, as a user's delete would, unless it changed since the policy
     * was evaluated: false, and nothing deleted, when it is gone, its tags are no longer {@code evaluatedTags}, or
     * an index of the repository references it (one pushed after the evaluation).
     */
    @Transactional
    public boolean expire(RepositoryName repositoryName, String digest, List<String> evaluatedTags, int rulePriority,
                          String actor) {
        Repository repository = repositories.lock(repositories.require(repositoryName));
        Image image = reads.findImage(repository, digest).orElse(null);
        List<String> tags = image == null ? List.of() : tagsOf(image);
        if (image == null || !new HashSet<>(tags).equals(new HashSet<>(evaluatedTags))) {
            return false;
        }
        long parents = em.createQuery("SELECT COUNT(r) FROM ImageReference r, Image i WHERE r.digest = :digest"
                        + " AND r.kind = 'MANIFEST' AND i.id = r.imageId AND i.repositoryId = :repository", Long.class)
                .setParameter("digest", digest).setParameter("repository", repository.id()).getSingleResult();
        if (parents > 0) {
            return false;
        }
        cache.invalidate(repositoryName);
        deleteImage(repository, image, tags, actor, System.currentTimeMillis(), RegistryEvent.Cause.LIFECYCLE,
                rulePriority);
        return true;
    }

    private List<String> tagsOf(Image image) {
        return em.createQuery("SELECT t.name FROM Tag t WHERE t.imageId = :image", String.class)
                .setParameter("image", image.id()).getResultList();
    }

    private void deleteImage(Repository repository, Image image, List<String> tags, String actor, long now,
                             RegistryEvent.Cause cause, Integer rulePriority) {
        em.createQuery("DELETE FROM Tag t WHERE t.imageId = :image").setParameter("image", image.id())
                .executeUpdate();
        em.createQuery("DELETE FROM ImageReference r WHERE r.imageId = :image").setParameter("image", image.id())
                .executeUpdate();
        em.remove(image);
        outbox.append(new RegistryEvent.ImageDeleted(repository.repositoryName().toString(), image.digest(), tags,
                actor, now, cause, rulePriority));
    }

    /**
     * Manifests in the repository whose subject is {@code digest}, optionally of one artifact type; none when the
     * repository does not exist (the spec: the referrers API never answers 404).
     */
    @Transactional
    public List<Referrer> referrers(RepositoryName repositoryName, Digest digest, String artifactType) {
        Repository repository = repositories.find(repositoryName).orElse(null);
        if (repository == null) {
            return List.of();
        }
        String jpql = "SELECT i FROM Image i WHERE i.repositoryId = :repository AND i.subjectDigest = :subject"
                + (artifactType != null ? " AND i.artifactType = :type" : "") + " ORDER BY i.digest";
        var query = em.createQuery(jpql, Image.class)
                .setParameter("repository", repository.id())
                .setParameter("subject", digest.toString());
        if (artifactType != null) {
            query.setParameter("type", artifactType);
        }
        return query.getResultStream()
                // Annotations come from the manifest itself: a referrer's may be megabytes, and no column caps them.
                .map(i -> new Referrer(i.mediaType(), i.digest(), i.content().length, i.artifactType(),
                        ManifestParser.parse(i.content(), i.mediaType()).annotationsJson()))
                .toList();
    }

    /**
     * Tags in lexical order after {@code last}, at most {@code limit}: a binary search in the repository's cached tag
     * list, or for repositories too large to cache, an indexed range query.
     */
    public Page tags(RepositoryName repositoryName, String last, int limit) {
        List<String> all = cache.tags(repositoryName);
        if (all == null) {
            long generation = cache.generation(repositoryName);
            all = reads.tags(repositoryName, null, ManifestCache.MAX_CACHED_TAGS + 1);
            if (all.size() > ManifestCache.MAX_CACHED_TAGS) {
                return page(reads.tags(repositoryName, last, limit + 1), limit);
            }
            cache.putTags(repositoryName, all, generation);
        }
        int from = 0;
        if (last != null) {
            int found = Collections.binarySearch(all, last);
            from = found >= 0 ? found + 1 : -found - 1;
        }
        int to = Math.min(all.size(), from + limit);
        return new Page(all.subList(from, to), to < all.size());
    }

    /** The names of an account's repositories in lexical order after {@code last}, at most {@code limit}. */
    @Transactional
    public Page catalog(String accountId, String last, int limit) {
        List<String> names = em.createQuery("SELECT r.name FROM Repository r WHERE r.accountId = :account"
                        + " AND r.name > :last ORDER BY r.name", String.class)
                .setParameter("account", accountId)
                .setParameter("last", last == null ? "" : last)
                .setMaxResults(limit + 1)
                .getResultList();
        return page(names, limit);
    }

    private static Page page(List<String> names, int limit) {
        return names.size() > limit ? new Page(names.subList(0, limit), true) : new Page(names, false);
    }
}
