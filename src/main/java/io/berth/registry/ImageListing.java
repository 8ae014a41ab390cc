package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A repository's images as ECR lists them: one entry per tag of a tagged image, one per untagged image. */
@ApplicationScoped
public class ImageListing {

    public enum TagStatus { TAGGED, UNTAGGED, ANY }

    /** An image id: the digest, and a tag or null. */
    public record ImageId(String digest, String tag) {
    }

    /** An image as ECR describes it. */
    public record ImageDetails(String digest, String mediaType, String artifactMediaType, List<String> tags,
                               long size, long pushedAt, String pushedBy, Long lastPulledAt, byte[] manifest) {
    }

    /** A manifest that refers to an image (its subject): a signature, an SBOM, an attestation. */
    public record ReferrerSummary(String digest, String artifactType) {
    }

    /**
     * What lifecycle policies look at in one image: its tags, push and pull times (epoch millis; null when never
     * pulled), the child manifests it references, and its subject's digest (or null).
     */
    public record ImageSummary(String digest, List<String> tags, long pushedAt, Long lastPulledAt,
                               List<String> children, String subject) {
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    ManifestReads reads;

    @Inject
    Repositories repositories;

    /** Up to {@code limit} ids from position {@code offset}, ordered by digest then tag. */
    @Transactional
    public List<ImageId> list(RepositoryName name, TagStatus status, int offset, int limit) {
        long id = repositories.require(name).id();
        String tagged = "SELECT i.digest AS digest, t.name AS tag FROM tag t JOIN image i ON i.id = t.image_id"
                + " WHERE t.repository_id = ?";
        String untagged = "SELECT i.digest AS digest, CAST(NULL AS VARCHAR(128)) AS tag FROM image i"
                + " WHERE i.repository_id = ? AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.image_id = i.id)";
        String selection = switch (status) {
            case TAGGED -> tagged;
            case UNTAGGED -> untagged;
            case ANY -> tagged + " UNION ALL " + untagged;
        };
        var query = em.createNativeQuery("SELECT digest, tag FROM (" + selection + ") ids ORDER BY digest, tag")
                .setParameter(1, id);
        if (status == TagStatus.ANY) {
            query.setParameter(2, id);
        }
        List<?> rows = query.setFirstResult(offset).setMaxResults(limit).getResultList();
        List<ImageId> ids = new ArrayList<>(rows.size());
        for (Object row : rows) {
            Object[] columns = (Object[]) row;
            ids.add(new ImageId((String) columns[0], (String) columns[1]));
        }
        return ids;
    }

    /**
     * The image an ECR image id names: by digest, by tag, or by both when they agree. MANIFEST_UNKNOWN when there is
     * none, DIGEST_INVALID or TAG_INVALID for malformed ones, TAG_DIGEST_MISMATCH when tag and digest disagree.
     */
    @Transactional
    public ImageDetails find(RepositoryName name, String digest, String tag) {
        Repository repository = repositories.require(name);
        if (digest == null && tag == null) {
            throw new RegistryException(Problem.MANIFEST_UNKNOWN, "an image id needs a digest or a tag");
        }
        if (tag != null && !Names.isTag(tag)) {
            throw new RegistryException(Problem.TAG_INVALID, "invalid image tag", tag);
        }
        Reference reference = digest != null ? Reference.parse(digest) : Reference.parse(tag);
        if (digest != null && !(reference instanceof Reference.ByDigest)) {
            throw new RegistryException(Problem.DIGEST_INVALID, "invalid image digest", digest);
        }
        Image image = reads.resolve(repository, reference).orElseThrow(() ->
                new RegistryException(Problem.MANIFEST_UNKNOWN, "Requested image not found", digest != null ? digest
                        : tag));
        ImageDetails details = details(image);
        if (digest != null && tag != null && !details.tags().contains(tag)) {
            throw new RegistryException(Problem.TAG_DIGEST_MISMATCH, "Tag " + tag + " does not match digest "
                    + digest, tag);
        }
        return details;
    }

    /** Images of a repository in digest order from {@code offset}, at most {@code limit}. */
    @Transactional
    public List<ImageDetails> describe(RepositoryName name, TagStatus status, int offset, int limit) {
        long id = repositories.require(name).id();
        String condition = switch (status) {
            case TAGGED -> " AND EXISTS (SELECT t FROM Tag t WHERE t.imageId = i.id)";
            case UNTAGGED -> " AND NOT EXISTS (SELECT t FROM Tag t WHERE t.imageId = i.id)";
            case ANY -> "";
        };
        return em.createQuery("SELECT i FROM Image i WHERE i.repositoryId = :id" + condition + " ORDER BY i.digest",
                        Image.class)
                .setParameter("id", id).setFirstResult(offset).setMaxResults(limit)
                .getResultStream().map(this::details).toList();
    }

    /** The referrers of some of a repository's images (one query), by the digest of the image they refer to. */
    @Transactional
    public Map<String, List<ReferrerSummary>> referrers(RepositoryName name, Collection<String> subjects) {
        Map<String, List<ReferrerSummary>> found = new HashMap<>();
        if (subjects.isEmpty()) {
            return found;
        }
        em.createQuery("SELECT i.subjectDigest, i.digest, i.artifactType FROM Image i WHERE i.repositoryId = :id"
                        + " AND i.subjectDigest IN :subjects ORDER BY i.digest", Object[].class)
                .setParameter("id", repositories.require(name).id()).setParameter("subjects", subjects)
                .getResultList().forEach(row -> found.computeIfAbsent((String) row[0], s -> new ArrayList<>())
                        .add(new ReferrerSummary((String) row[1], (String) row[2])));
        return found;
    }

    private ImageDetails details(Image image) {
        String config = em.createQuery("SELECT r.mediaType FROM ImageReference r WHERE r.imageId = :id"
                        + " AND r.kind = 'CONFIG'", String.class)
                .setParameter("id", image.id()).getResultStream().findFirst().orElse(null);
        return new ImageDetails(image.digest(), image.mediaType(),
                image.artifactType() != null ? image.artifactType() : config, tags(image), sizeOf(image),
                image.pushedAt(), image.pushedBy(), image.lastPulledAt(), image.content());
    }

    /**
     * An image's size as ECR reports it: a manifest with everything it references, and for an index, as ECR
     * documents, the largest size of the images in its list (a platform not in the repository counts by the size
     * its descriptor gives).
     */
    private long sizeOf(Image image) {
        if (!MediaTypes.INDEXES.contains(image.mediaType())) {
            return image.size();
        }
        Map<String, Long> children = new HashMap<>();
        em.createQuery("SELECT r.digest, r.size FROM ImageReference r WHERE r.imageId = :id AND r.kind = 'MANIFEST'",
                        Object[].class).setParameter("id", image.id()).getResultList()
                .forEach(row -> children.put((String) row[0], (Long) row[1]));
        if (children.isEmpty()) {
            return image.size();
        }
        em.createQuery("SELECT c.digest, c.size FROM Image c WHERE c.repositoryId = :repository"
                        + " AND c.digest IN :digests", Object[].class)
                .setParameter("repository", image.repositoryId()).setParameter("digests", children.keySet())
                .getResultList().forEach(row -> children.put((String) row[0], (Long) row[1]));
        return children.values().stream().mapToLong(Long::longValue).max().orElse(image.size());
    }

    private List<String> tags(Image image) {
        return em.createQuery("SELECT t.name FROM Tag t WHERE t.imageId = :id ORDER BY t.name", String.class)
                .setParameter("id", image.id()).getResultList();
    }

    /** Every image of a repository as lifecycle policies see it: three queries, whatever the repository's size. */
    @Transactional
    public List<ImageSummary> inventory(RepositoryName name) {
        long id = repositories.require(name).id();
        Map<Long, List<String>> tags = multimap(em.createNativeQuery(
                "SELECT image_id, name FROM tag WHERE repository_id = ? ORDER BY name").setParameter(1, id));
        Map<Long, List<String>> children = multimap(em.createNativeQuery("SELECT r.image_id, r.digest"
                + " FROM image_reference r JOIN image i ON i.id = r.image_id"
                + " WHERE i.repository_id = ? AND r.kind = 'MANIFEST' ORDER BY r.image_id, r.position")
                .setParameter(1, id));
        List<ImageSummary> images = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT id, digest, pushed_at, last_pulled_at, subject_digest"
                + " FROM image WHERE repository_id = ?").setParameter(1, id).getResultList()) {
            Object[] c = (Object[]) row;
            long imageId = ((Number) c[0]).longValue();
            images.add(new ImageSummary((String) c[1], tags.getOrDefault(imageId, List.of()),
                    ((Number) c[2]).longValue(), c[3] == null ? null : ((Number) c[3]).longValue(),
                    children.getOrDefault(imageId, List.of()), (String) c[4]));
        }
        return images;
    }

    private static Map<Long, List<String>> multimap(Query query) {
        Map<Long, List<String>> map = new HashMap<>();
        for (Object row : query.getResultList()) {
            Object[] c = (Object[]) row;
            map.computeIfAbsent(((Number) c[0]).longValue(), k -> new ArrayList<>()).add((String) c[1]);
        }
        return map;
    }
}
