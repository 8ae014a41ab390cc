package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/** A repository's images as ECR lists them: one entry per tag of a tagged image, one per untagged image. */
@ApplicationScoped
public class ImageListing {

    public enum TagStatus { TAGGED, UNTAGGED, ANY }

    /** An image id: the digest, and a tag or null. */
    public record ImageId(String digest, String tag) {
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    /** Up to {@code limit} ids from position {@code offset}, ordered by digest then tag. */
    @Transactional
    public List<ImageId> list(String qualifiedRepository, TagStatus status, int offset, int limit) {
        long id = repositories.require(qualifiedRepository).id();
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
}
