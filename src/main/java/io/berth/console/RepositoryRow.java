package io.berth.console;

import io.berth.registry.Repository;

/** A repository as the list shows it. */
record RepositoryRow(String name, String created, String tagMutability) {

    static RepositoryRow of(Repository repository) {
        return new RepositoryRow(repository.name(), Format.time(repository.createdAt()),
                repository.settings().tagMutability());
    }
}
